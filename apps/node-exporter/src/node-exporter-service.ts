import { createService } from '@argus/service-kit';
import type { Logger, Service } from '@argus/service-kit';
import type { CollectorOptions } from './collector-options.ts';
import type { HostPaths } from './host-paths.ts';
import { NodeCollector } from './node-collector.ts';

export interface NodeExporterOptions {
  /** Go syntax (`:9100`, `127.0.0.1:0`). */
  readonly listenAddress: string;
  /** `--web.telemetry-path`, default `/metrics`. */
  readonly telemetryPath?: string;
  readonly logger: Logger;
  readonly paths: HostPaths;
  /** Names of the enabled collectors (see `COLLECTORS`). */
  readonly collectors: readonly string[];
  readonly collectorOptions: CollectorOptions;
  /** `--web.disable-exporter-metrics`: no process_*, nodejs_* and promhttp_* metrics about the exporter itself. */
  readonly disableExporterMetrics?: boolean;
  /** `--web.config.file`: TLS and basic auth in the exporter-toolkit format; empty for plain HTTP. */
  readonly webConfigFile?: string;
  /** `--web.max-requests`: concurrent scrapes beyond this get 503; 0 for no limit. Default 40. */
  readonly maxRequests?: number;
}

/**
 * The node exporter: serves the enabled collectors' families on the telemetry path, after
 * the exporter's own process metrics, in the text format 0.0.4 or OpenMetrics 1.0 as the
 * `Accept` header negotiates, gzipped when the client accepts it, behind the TLS and basic
 * auth of `--web.config.file`. Every scrape runs
 * the collectors concurrently; a failing collector is logged and reported as
 * `node_scrape_collector_success 0`. Throws `ConfigError` for unknown collectors or bad
 * collector flags.
 */
export function createNodeExporterService(options: NodeExporterOptions): Service {
  const logger = options.logger;
  const node = NodeCollector.create(
    options.collectors,
    { paths: options.paths, options: options.collectorOptions },
    (collector, error, seconds) =>
      logger.error(
        { collector, duration_seconds: seconds, err: error instanceof Error ? error.message : String(error) },
        'collector failed',
      ),
  );
  const telemetryPath = options.telemetryPath ?? '/metrics';
  const service = createService({
    displayName: 'Node Exporter',
    logger,
    listenAddress: options.listenAddress,
    metricsPath: telemetryPath,
    defaultMetrics: !options.disableExporterMetrics,
    promhttpMetrics: !options.disableExporterMetrics,
    webConfigFile: options.webConfigFile,
    maxConcurrentScrapes: options.maxRequests ?? 40,
    families: () => node.collect(),
    onStart: () => logger.info({ collectors: node.names.join(',') }, 'Enabled collectors'),
  });
  return service;
}
