import type { MetricFamily } from '@argus/exposition';
import type { HostPaths } from './host-paths.ts';
import type { CollectorOptions } from './collector-options.ts';

/**
 * One node_exporter collector. `collect` reads the host once and returns this scrape's
 * families; it throws when the source cannot be read, which the exporter reports as
 * `node_scrape_collector_success{collector} 0`, never as a failed scrape. A collector may
 * keep state between scrapes (counter guards, caches); overlapping scrapes may call it
 * concurrently, which it tolerates.
 */
export interface Collector {
  readonly name: string;
  collect(): Promise<MetricFamily[]>;
}

/** What a collector factory gets: the host paths and the parsed collector flags. */
export interface CollectorContext {
  readonly paths: HostPaths;
  readonly options: CollectorOptions;
}

/** Builds a collector; throws {@link ConfigError} when its flags cannot work. */
export type CollectorFactory = (context: CollectorContext) => Collector;
