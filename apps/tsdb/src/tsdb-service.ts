import { existsSync } from 'node:fs';
import { join } from 'node:path';
import formbody from '@fastify/formbody';
import { Engine, parserOptionsFromFeatures } from '@argus/promql';
import { createService, type Logger, type Service } from '@argus/service-kit';
import {
  InlineCheckpointRunner,
  InlineCompactionRunner,
  WorkerCheckpointRunner,
  WorkerCompactionRunner,
  openTsdb,
  snapshotName,
  type Tsdb,
} from '@argus/tsdb';
import { Registry } from 'prom-client';
import { registerAdminApi } from './api/admin-api.ts';
import { ApiError } from './api/api-error.ts';
import { registerMetadataApi } from './api/metadata-api.ts';
import { registerQueryApi } from './api/query-api.ts';
import { registerStatusApi } from './api/status-api.ts';
import { registerTargetsApi } from './api/targets-api.ts';
import { registerFederate } from './federate.ts';
import { MetadataStore } from './metadata-store.ts';
import { startNatsSampleConsumer } from './nats-sample-consumer.ts';
import { registerRemoteWrite } from './remote-write-receiver.ts';
import { registerTsdbMetrics } from './tsdb-metrics.ts';

export const VERSION = '0.1.0';

export interface TsdbServiceOptions {
  readonly logger: Logger;
  /** `--web.listen-address`; `127.0.0.1:0` in tests. */
  readonly listenAddress: string;
  readonly webConfigFile?: string;
  /** `--storage.tsdb.path`. */
  readonly dataDir: string;
  /** `--storage.tsdb.retention.time` in ms (0: default 15d) and `.size` in bytes (0: off). */
  readonly retentionTimeMs?: number;
  readonly retentionSizeBytes?: number;
  readonly enableAdminApi?: boolean;
  readonly lookbackDeltaMs?: number;
  readonly queryTimeoutMs?: number;
  readonly queryMaxSamples?: number;
  readonly queryMaxConcurrency?: number;
  /** `--enable-feature` values. */
  readonly features?: readonly string[];
  /** Every flag's value, for `/api/v1/status/flags`. */
  readonly flags?: Record<string, string>;
  readonly outOfOrderTimeWindowMs?: number;
  /** Clock in ms for queries without a time and for federation; tests pin it. */
  readonly now?: () => number;
  /** How often the head is checked for blocks to cut and blocks for compaction; default 1 minute as upstream. */
  readonly compactionIntervalMs?: number;
  /** `--scraper.url`: scrapers asked for `/api/v1/targets`, `/targets/metadata`, `/scrape_pools`. */
  readonly scraperUrls?: readonly string[];
  /** `--nats.url`: also append the samples scrapers publish to JetStream `ARGUS_SAMPLES`. */
  readonly natsUrl?: string;
  /** `--nats.consumer`: this tsdb's durable consumer name (default `tsdb`). */
  readonly natsConsumer?: string;
}

export interface TsdbService extends Service {
  readonly tsdb: Tsdb;
}

const DEFAULT_RETENTION_MS = 15 * 24 * 3600 * 1000;

/**
 * Compaction and WAL checkpoints run in worker threads when the bundled worker files sit
 * beside the running bundle (`node apps/tsdb/dist/main.js`); inline otherwise (tests
 * running the sources).
 */
function backgroundRunners() {
  const compactWorker = new URL('./compact.worker.js', import.meta.url);
  const checkpointWorker = new URL('./checkpoint.worker.js', import.meta.url);
  const bundled =
    import.meta.url.endsWith('.js') && existsSync(compactWorker) && existsSync(checkpointWorker);
  return bundled
    ? {
        compactionRunner: new WorkerCompactionRunner(compactWorker),
        checkpointRunner: new WorkerCheckpointRunner(checkpointWorker),
      }
    : { compactionRunner: new InlineCompactionRunner(), checkpointRunner: new InlineCheckpointRunner() };
}

/**
 * The `tsdb` service: opens the storage in `dataDir` (replaying its WAL), then serves
 * remote write, the Prometheus query and metadata API, status, admin and federation.
 */
export async function createTsdbService(options: TsdbServiceOptions): Promise<TsdbService> {
  const startTimeMs = Date.now();
  const retentionMs = options.retentionTimeMs || DEFAULT_RETENTION_MS;
  const tsdb = await openTsdb(options.dataDir, {
    outOfOrderTimeWindowMs: options.outOfOrderTimeWindowMs,
    retentionMs,
    retentionBytes: options.retentionSizeBytes ?? 0,
    ...backgroundRunners(),
  });
  if (tsdb.replay.repaired) {
    options.logger.warn(
      { ...tsdb.replay.repaired },
      'WAL was torn or corrupt; repaired by truncating it after the last whole record',
    );
  }
  options.logger.info(
    { series: tsdb.replay.series, samples: tsdb.replay.samples, segments: tsdb.replay.segments },
    'WAL replay completed',
  );
  const features = options.features ?? [];
  const lookbackDeltaMs = options.lookbackDeltaMs ?? 5 * 60_000;
  const engine = new Engine({
    lookbackDeltaMs,
    timeoutMs: options.queryTimeoutMs,
    maxSamples: options.queryMaxSamples,
    maxConcurrency: options.queryMaxConcurrency,
    delayedNameRemoval: features.includes('promql-delayed-name-removal'),
    useStartTimestamps: features.includes('use-start-timestamps'),
    parser: parserOptionsFromFeatures(features),
  });
  const metadata = new MetadataStore();
  const registry = new Registry();
  const { samplesRejected } = registerTsdbMetrics(registry, tsdb);
  const nats = options.natsUrl
    ? await startNatsSampleConsumer({
        url: options.natsUrl,
        durable: options.natsConsumer || 'tsdb',
        appendable: tsdb,
        metadata,
        logger: options.logger,
        registry,
        samplesRejected,
      }).catch(async (err: unknown) => {
        await tsdb.close();
        throw err;
      })
    : undefined;
  let compactionTimer: NodeJS.Timeout | undefined;
  const compact = async () => {
    try {
      const written = await tsdb.compact();
      if (written.length > 0) options.logger.info({ blocks: written.map((m) => m.ulid) }, 'write block');
    } catch (err) {
      options.logger.error({ err: (err as Error).message }, 'compaction failed');
    }
  };

  const service = createService({
    displayName: 'Prometheus Server',
    logger: options.logger,
    listenAddress: options.listenAddress,
    webConfigFile: options.webConfigFile,
    registry,
    // Event-loop lag sampled 10 times a second, not 100: at 10 ms the wake-ups alone cost
    // ~5 ms of CPU per second, a quarter of a CPU-second per million samples at 20k/s.
    eventLoopMonitoringPrecisionMs: 100,
    metricsNamespace: 'prometheus',
    buildInfo: { version: VERSION },
    routes: async (app) => {
      await app.register(formbody);
      registerRemoteWrite(app, { appendable: tsdb, metadata, logger: options.logger, samplesRejected });
      registerQueryApi(app, { engine, queryable: tsdb, now: options.now });
      registerMetadataApi(app, { queryable: tsdb, metadata });
      registerStatusApi(app, {
        tsdb: { stats: (limit) => tsdb.head.stats(limit) },
        flags: options.flags ?? {},
        version: VERSION,
        startTimeMs,
        storageRetention: `${Math.round(retentionMs / 86_400_000)}d`,
      });
      registerAdminApi(app, {
        enabled: options.enableAdminApi ?? false,
        storage: {
          deleteSeries: (minT, maxT, matchers) => tsdb.delete(minT, maxT, matchers),
          cleanTombstones: async () => {
            throw new ApiError(
              'internal',
              'clean_tombstones is not supported yet: tombstoned data is dropped at the next compaction',
            );
          },
          snapshot: async (skipHead) => {
            const name = snapshotName(new Date());
            await tsdb.snapshot(join(options.dataDir, 'snapshots', name), skipHead);
            return name;
          },
        },
      });
      registerTargetsApi(app, { scraperUrls: options.scraperUrls ?? [] });
      registerFederate(app, { queryable: tsdb, lookbackDeltaMs, now: options.now });
    },
    onStart: () => {
      compactionTimer = setInterval(() => void compact(), options.compactionIntervalMs ?? 60_000);
      compactionTimer.unref();
    },
    onStop: async () => {
      clearInterval(compactionTimer);
      await nats?.stop();
      await tsdb.close();
    },
  });
  return Object.assign(service, { tsdb });
}
