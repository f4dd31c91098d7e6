import type { FastifyInstance } from 'fastify';
import { ApiError } from './api-error.ts';
import { Params } from './params.ts';

export interface TsdbStatusSource {
  /** `/api/v1/status/tsdb` data for the top `limit` entries of each list. */
  stats(limit: number): unknown;
}

export interface StatusApiOptions {
  readonly tsdb: TsdbStatusSource;
  /** Every flag with its value as given or defaulted, as strings. */
  readonly flags: Record<string, string>;
  readonly version: string;
  readonly startTimeMs: number;
  readonly storageRetention: string;
  /** Paths of the loaded config, for `/api/v1/status/config` (none for the tsdb service). */
  readonly configYaml?: () => string;
}

/** `/api/v1/status/{tsdb,flags,buildinfo,runtimeinfo,config}` with upstream shapes. */
export function registerStatusApi(app: FastifyInstance, options: StatusApiOptions): void {
  app.get('/api/v1/status/tsdb', async (request, reply) => {
    const text = new Params(request).get('limit') ?? '10';
    const limit = Number(text);
    if (!Number.isInteger(limit) || limit < 1) {
      const err = new ApiError('bad_data', 'limit must be a positive number');
      return reply.code(err.status).send(err.toJSON());
    }
    return { status: 'success', data: options.tsdb.stats(limit) };
  });

  app.get('/api/v1/status/flags', async () => ({ status: 'success', data: options.flags }));

  app.get('/api/v1/status/buildinfo', async () => ({
    status: 'success',
    data: {
      version: options.version,
      revision: '',
      branch: '',
      buildUser: '',
      buildDate: '',
      goVersion: `node${process.versions.node}`,
    },
  }));

  app.get('/api/v1/status/runtimeinfo', async () => {
    const memory = process.memoryUsage();
    return {
      status: 'success',
      data: {
        startTime: new Date(options.startTimeMs).toISOString(),
        CWD: process.cwd(),
        reloadConfigSuccess: true,
        lastConfigTime: new Date(options.startTimeMs).toISOString(),
        corruptionCount: 0,
        goroutineCount: 0,
        GOMAXPROCS: 0,
        GOMEMLIMIT: memory.heapTotal,
        GOGC: '',
        GODEBUG: '',
        storageRetention: options.storageRetention,
      },
    };
  });

  app.get('/api/v1/status/config', async () => ({
    status: 'success',
    data: { yaml: options.configYaml?.() ?? '' },
  }));
}
