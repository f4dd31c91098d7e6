import { defineFlags, logFlags, runMain, webFlags } from '@argus/service-kit';
import { VERSION, createScraperService } from './scraper-service.ts';

const flags = defineFlags({
  ...webFlags(':9095'),
  ...logFlags,
  'config.file': { type: 'string', default: 'prometheus.yml', help: 'Prometheus configuration file path.' },
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
    }),
});
