import { Labels, MAX_TIMESTAMP_MS, MIN_TIMESTAMP_MS, isValidLabelName, type Matcher } from '@argus/model';
import type { Querier, Queryable } from '@argus/storage';
import type { FastifyInstance } from 'fastify';
import { ApiError } from './api-error.ts';
import { toApiError } from './query-api.ts';
import { decodeLabelNamePath } from './label-name-path.ts';
import { Params } from './params.ts';
import type { MetadataStore } from '../metadata-store.ts';

export interface MetadataApiOptions {
  readonly queryable: Queryable;
  readonly metadata: MetadataStore;
}

function limitOf(params: Params): number {
  const text = params.get('limit');
  if (text === undefined) return 0;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0)
    throw ApiError.invalidParam('limit', new Error('limit must be a non-negative integer'));
  return n;
}

async function withQuerier<T>(
  queryable: Queryable,
  params: Params,
  fn: (q: Querier) => Promise<T>,
): Promise<T> {
  const start = params.time('start', MIN_TIMESTAMP_MS);
  const end = params.time('end', MAX_TIMESTAMP_MS);
  const querier = await queryable.querier(start, end);
  try {
    return await fn(querier);
  } finally {
    await querier.close();
  }
}

function truncate<T>(list: T[], limit: number, warnings: string[]): T[] {
  if (limit > 0 && list.length > limit) {
    warnings.push('results truncated due to limit');
    return list.slice(0, limit);
  }
  return list;
}

function success(data: unknown, warnings: string[]): Record<string, unknown> {
  return warnings.length > 0 ? { status: 'success', data, warnings } : { status: 'success', data };
}

/** Union of label names or values over several matcher sets (or all series when none). */
async function unionOf(
  sets: Matcher[][],
  fetch: (matchers?: Matcher[]) => Promise<string[]>,
): Promise<string[]> {
  if (sets.length === 0) return fetch();
  const all = new Set<string>();
  for (const set of sets) for (const v of await fetch(set)) all.add(v);
  return [...all].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/** `/api/v1/series`, `/labels`, `/label/<name>/values`, `/metadata`; GET and POST. */
export function registerMetadataApi(app: FastifyInstance, options: MetadataApiOptions): void {
  const { queryable } = options;
  const both = (
    url: string,
    handler: (params: Params, pathParams: Record<string, string>) => Promise<unknown>,
  ) => {
    for (const method of ['GET', 'POST'] as const) {
      app.route({
        method,
        url,
        handler: async (request, reply) => {
          try {
            return await handler(new Params(request), request.params as Record<string, string>);
          } catch (err) {
            const apiError = toApiError(err);
            return reply.code(apiError.status).send(apiError.toJSON());
          }
        },
      });
    }
  };

  both('/api/v1/series', async (params) => {
    const sets = params.matcherSets();
    if (sets.length === 0) throw new ApiError('bad_data', 'no match[] parameter provided');
    const limit = limitOf(params);
    const warnings: string[] = [];
    const series = await withQuerier(queryable, params, async (querier) => {
      const seen = new Map<number, Labels[]>();
      const out: Labels[] = [];
      for (const matchers of sets) {
        for (const s of await querier.select(matchers, {
          startMs: MIN_TIMESTAMP_MS,
          endMs: MAX_TIMESTAMP_MS,
          func: 'series',
        })) {
          const bucket = seen.get(s.labels.hash()) ?? [];
          if (bucket.some((l) => l.equals(s.labels))) continue;
          bucket.push(s.labels);
          seen.set(s.labels.hash(), bucket);
          out.push(s.labels);
        }
      }
      return out.sort(Labels.compare);
    });
    return success(
      truncate(series, limit, warnings).map((l) => l.toRecord()),
      warnings,
    );
  });

  both('/api/v1/labels', async (params) => {
    const sets = params.matcherSets();
    const limit = limitOf(params);
    const warnings: string[] = [];
    const names = await withQuerier(queryable, params, (q) => unionOf(sets, (m) => q.labelNames(m)));
    return success(truncate(names, limit, warnings), warnings);
  });

  both('/api/v1/label/:name/values', async (params, pathParams) => {
    const name = decodeLabelNamePath(pathParams['name'] ?? '');
    if (!isValidLabelName(name))
      throw new ApiError('bad_data', `invalid label name: ${JSON.stringify(name)}`);
    const sets = params.matcherSets();
    const limit = limitOf(params);
    const warnings: string[] = [];
    const values = await withQuerier(queryable, params, (q) => unionOf(sets, (m) => q.labelValues(name, m)));
    return success(truncate(values, limit, warnings), warnings);
  });

  both('/api/v1/metadata', async (params) => {
    const limit = params.get('limit') === undefined ? -1 : Number(params.get('limit'));
    return success(options.metadata.query(params.get('metric'), limit), []);
  });
}
