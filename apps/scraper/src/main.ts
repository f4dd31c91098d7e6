import { defineFlags, logFlags, runMain, webFlags } from '@argus/service-kit';
import { VERSION, createScraperService } from './scraper-service.ts';

const flags = defineFlags({
  ...webFlags(':9095'),
  ...logFlags,
  'config.file': { type: 'string', default: 'prometheus.yml', help: 'Prometheus configuration file path.' },
  shard: {
    type: 'int',
    default: 0,
    help: "This replica's shard: it scrapes the targets whose hashmod(__address__, shards) equals it.",
  },
  shards: {
    type: 'int',
    default: 1,
    help: 'Number of scraper replicas sharing the targets (hashmod on __address__, as prometheus-operator).',
  },
  'storage.path': {
    type: 'string',
    default: 'data/scraper',
    help: 'Directory of the remote-write overflow buffers (<path>/remote-write/<entry>/): batches the remote end could not take yet, kept across restarts.',
  },
  'nats.url': {
    type: 'string',
    default: '',
    help: 'NATS server URL(s), comma-separated: also publish samples to the JetStream stream ARGUS_SAMPLES (subject argus.samples.<shard>).',
  },
});

await runMain({
  program: 'scraper',
  version: VERSION,
  flags,
  create: (f, logger) =>
    createScraperService({
      configFile: f['config.file'],
      listenAddress: f['web.listen-address'],
      webConfigFile: f['web.config.file'],
      logger,
      sharding: { shard: f.shard, shards: f.shards },
      natsUrl: f['nats.url'] || undefined,
      storagePath: f['storage.path'],
    }),
});
