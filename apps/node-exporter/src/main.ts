import { runMain } from '@argus/service-kit';
import { VERSION } from './build-info.ts';
import { collectorOptionsFrom, enabledCollectors, hostPathsFrom, nodeExporterFlags } from './node-exporter-flags.ts';
import { createNodeExporterService } from './node-exporter-service.ts';

await runMain({
  program: 'node_exporter',
  version: VERSION,
  flags: nodeExporterFlags,
  create: (flags, logger) =>
    createNodeExporterService({
      listenAddress: flags['web.listen-address'],
      telemetryPath: flags['web.telemetry-path'],
      logger,
      paths: hostPathsFrom(flags),
      collectors: enabledCollectors(flags, process.argv.slice(2)),
      collectorOptions: collectorOptionsFrom(flags),
      disableExporterMetrics: flags['web.disable-exporter-metrics'],
    }),
});
