import { MAX_TIMESTAMP_MS, MIN_TIMESTAMP_MS, type Matcher } from '@argus/model';
import type { FastifyInstance } from 'fastify';
import { ApiError } from './api-error.ts';
import { toApiError } from './query-api.ts';
import { Params } from './params.ts';

/** The storage operations the admin API needs. */
export interface AdminStorage {
  /** Deletes samples in [minT, maxT] of series matching all matchers of a set. */
  deleteSeries(minT: number, maxT: number, matchers: readonly Matcher[]): Promise<unknown>;
  /** Rewrites blocks without tombstoned data. */
  cleanTombstones(): Promise<void>;
  /** Writes a snapshot under `<data>/snapshots/` and returns its directory name. */
  snapshot(skipHead: boolean): Promise<string>;
}

export interface AdminApiOptions {
  readonly enabled: boolean;
  readonly storage: AdminStorage;
}

/**
 * `/api/v1/admin/tsdb/{delete_series,clean_tombstones,snapshot}` on POST and PUT. When
 * `--web.enable-admin-api` is off they answer 503 `unavailable`, as upstream.
 */
export function registerAdminApi(app: FastifyInstance, options: AdminApiOptions): void {
  const route = (path: string, handler: (params: Params) => Promise<{ code: number; body?: unknown }>) => {
    for (const method of ['POST', 'PUT'] as const) {
      app.route({
        method,
        url: `/api/v1/admin/tsdb/${path}`,
        handler: async (request, reply) => {
          try {
            if (!options.enabled) throw new ApiError('unavailable', 'admin APIs disabled');
            const { code, body } = await handler(new Params(request));
            return body === undefined ? reply.code(code).send() : reply.code(code).send(body);
          } catch (err) {
            const apiError = toApiError(err);
            return reply.code(apiError.status).send(apiError.toJSON());
          }
        },
      });
    }
  };

  route('delete_series', async (params) => {
    const sets = params.matcherSets();
    if (sets.length === 0) throw new ApiError('bad_data', 'no match[] parameter provided');
    const start = params.time('start', MIN_TIMESTAMP_MS);
    const end = params.time('end', MAX_TIMESTAMP_MS);
    for (const matchers of sets) await options.storage.deleteSeries(start, end, matchers);
    return { code: 204 };
  });

  route('clean_tombstones', async () => {
    await options.storage.cleanTombstones();
    return { code: 204 };
  });

  route('snapshot', async (params) => {
    const skipHead = ['true', '1'].includes(params.get('skip_head') ?? 'false');
    const name = await options.storage.snapshot(skipHead);
    return { code: 200, body: { status: 'success', data: { name } } };
  });
}
