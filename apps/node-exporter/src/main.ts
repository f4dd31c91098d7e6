import { FlagError, runMain } from '@argus/service-kit';
import { VERSION } from './build-info.ts';
import { NodeExporterError } from './errors.ts';
import {
  collectorOptionsFrom,
  enabledCollectors,
  hostPathsFrom,
  nodeExporterFlags,
} from './node-exporter-flags.ts';
import { createNodeExporterService } from './node-exporter-service.ts';

await runMain({
  program: 'node_exporter',
  version: VERSION,
  flags: nodeExporterFlags,
  create: (flags, logger) => {
    try {
      return createNodeExporterService({
        listenAddress: flags['web.listen-address'],
        telemetryPath: flags['web.telemetry-path'],
        logger,
        paths: hostPathsFrom(flags),
        collectors: enabledCollectors(flags, process.argv.slice(2)),
        collectorOptions: collectorOptionsFrom(flags),
        disableExporterMetrics: flags['web.disable-exporter-metrics'],
        webConfigFile: flags['web.config.file'],
        maxRequests: flags['web.max-requests'],
      });
    } catch (error) {
      // Bad collector flags (a regex RE2 refuses): a one-line message, not a stack trace.
      if (error instanceof NodeExporterError) throw new FlagError(error.message, { cause: error });
      throw error;
    }
  },
});
