import { defineFlags, logFlags, runMain, webFlags } from '@argus/service-kit';
import { VERSION, createTsdbService } from './tsdb-service.ts';

const flags = defineFlags({
  ...webFlags(':9090'),
  ...logFlags,
  'storage.tsdb.path': { type: 'string', default: 'data/', help: 'Base path for metrics storage.' },
  'storage.tsdb.retention.time': {
    type: 'duration',
    default: '0s',
    help: 'How long to retain samples in storage. 0 means the default of 15d.',
  },
  'storage.tsdb.retention.size': {
    type: 'bytes',
    default: '0B',
    help: 'Maximum number of bytes that can be stored for blocks (KB, MB, GB, TB, PB, EB). 0 disables the limit.',
  },
  'storage.tsdb.out-of-order-time-window': {
    type: 'duration',
    default: '0s',
    help: 'How far back out-of-order samples are accepted (Prometheus: storage.tsdb.out_of_order_time_window).',
  },
  'web.enable-admin-api': {
    type: 'bool',
    default: false,
    help: 'Enable API endpoints for admin control actions.',
  },
  'web.enable-remote-write-receiver': {
    type: 'bool',
    default: true,
    help: 'Accepted for compatibility: the remote-write receiver at /api/v1/write is always on.',
  },
  'query.lookback-delta': {
    type: 'duration',
    default: '5m',
    help: 'The maximum lookback duration for retrieving metrics during expression evaluations.',
  },
  'query.timeout': {
    type: 'duration',
    default: '2m',
    help: 'Maximum time a query may take before being aborted.',
  },
  'query.max-concurrency': {
    type: 'int',
    default: 20,
    help: 'Maximum number of queries executed concurrently.',
  },
  'query.max-samples': {
    type: 'int',
    default: 50_000_000,
    help: 'Maximum number of samples a single query can load into memory.',
  },
  'scraper.url': {
    type: 'list',
    default: [],
    help: 'Base URL of a scraper (repeatable); /api/v1/targets, /api/v1/targets/metadata and /api/v1/scrape_pools ask them all.',
  },
  'nats.url': {
    type: 'string',
    default: '',
    help: 'NATS server URL(s), comma-separated: also consume the samples scrapers publish to the JetStream stream ARGUS_SAMPLES.',
  },
  'nats.consumer': {
    type: 'string',
    default: 'tsdb',
    help: 'Durable JetStream consumer name of this tsdb (give each tsdb replica its own).',
  },
  'enable-feature': {
    type: 'list',
    default: [],
    help: 'Comma separated feature names to enable (e.g. promql-experimental-functions).',
  },
});

await runMain({
  program: 'tsdb',
  version: VERSION,
  flags,
  create: (f, logger) =>
    createTsdbService({
      logger,
      listenAddress: f['web.listen-address'],
      webConfigFile: f['web.config.file'],
      dataDir: f['storage.tsdb.path'],
      retentionTimeMs: f['storage.tsdb.retention.time'],
      retentionSizeBytes: f['storage.tsdb.retention.size'],
      outOfOrderTimeWindowMs: f['storage.tsdb.out-of-order-time-window'],
      enableAdminApi: f['web.enable-admin-api'],
      lookbackDeltaMs: f['query.lookback-delta'],
      queryTimeoutMs: f['query.timeout'],
      queryMaxSamples: f['query.max-samples'],
      queryMaxConcurrency: f['query.max-concurrency'],
      scraperUrls: f['scraper.url'],
      natsUrl: f['nats.url'] || undefined,
      natsConsumer: f['nats.consumer'],
      features: f['enable-feature'].flatMap((v: string) => v.split(',')).filter(Boolean),
      flags: Object.fromEntries(
        Object.entries(f).map(([k, v]) => [k, Array.isArray(v) ? v.join(',') : String(v)]),
      ),
    }),
});
