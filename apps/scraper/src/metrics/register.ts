import { Gauge } from 'prom-client';
import type { Registry } from 'prom-client';
import type { RemoteWriteQueue } from '../remote-write-queue.ts';
import type { ScrapeManager } from '../scrape-manager.ts';
import { allSelfMetrics } from './self-metrics.ts';

/** Gauges of running state, computed at collection (reset first, so removed jobs and queues vanish). */
function stateGauge(
  registry: Registry,
  name: string,
  help: string,
  labelNames: string[],
  fill: (set: (labels: Record<string, string>, value: number) => void) => void,
): void {
  new Gauge({
    name,
    help,
    labelNames,
    registers: [registry],
    collect() {
      this.reset();
      fill((labels, value) => this.set(labels, value));
    },
  });
}

/**
 * Adds the scraper's Prometheus 2.42 retrieval, discovery and remote-storage families to
 * `registry`. The `prometheus_config_last_reload_*` pair comes from service-kit's reload hook.
 */
export function registerSelfMetrics(registry: Registry, manager: ScrapeManager): void {
  for (const m of allSelfMetrics()) registry.registerMetric(m);
  const pools = (
    each: (job: string, pool: NonNullable<ReturnType<ScrapeManager['pools']['get']>>) => void,
  ) => {
    for (const [job, pool] of manager.pools) each(job, pool);
  };
  stateGauge(
    registry,
    'prometheus_target_scrape_pool_targets',
    'Current number of targets in this scrape pool.',
    ['scrape_job'],
    (set) => pools((job, pool) => set({ scrape_job: job }, pool.loops.size)),
  );
  stateGauge(
    registry,
    'prometheus_target_metadata_cache_entries',
    'Total number of metric metadata entries in the cache',
    ['scrape_job'],
    (set) =>
      pools((job, pool) => {
        let n = 0;
        for (const loop of pool.loops.values()) n += loop.metadata().size;
        set({ scrape_job: job }, n);
      }),
  );
  stateGauge(
    registry,
    'prometheus_target_metadata_cache_bytes',
    'The number of bytes that are currently used for storing metric metadata in the cache',
    ['scrape_job'],
    (set) =>
      pools((job, pool) => {
        // As upstream's scrapeCache.SizeMetadata: name, type, help and unit lengths.
        let bytes = 0;
        for (const loop of pool.loops.values())
          for (const [name, m] of loop.metadata())
            bytes += name.length + m.type.length + m.help.length + m.unit.length;
        set({ scrape_job: job }, bytes);
      }),
  );
  stateGauge(
    registry,
    'prometheus_sd_discovered_targets',
    'Current number of discovered targets.',
    ['config', 'name'],
    (set) => pools((job, pool) => set({ config: job, name: 'scrape' }, pool.discoveredTargets)),
  );
  stateGauge(
    registry,
    'prometheus_sd_failed_configs',
    'Current number of service discovery configurations that failed to load.',
    ['name'],
    // A discovery config that cannot be used fails the whole config load here, so none run failed.
    (set) => set({ name: 'scrape' }, 0),
  );
  const queueGauge = (name: string, help: string, pick: (q: RemoteWriteQueue) => number): void =>
    stateGauge(registry, name, help, ['remote_name', 'url'], (set) => {
      for (const q of manager.queues) set(q.metricLabels, pick(q));
    });
  queueGauge(
    'prometheus_remote_storage_samples_pending',
    'The number of samples pending in the queues shards to be sent to the remote storage.',
    (q) => q.stats.samplesPending,
  );
  queueGauge(
    'prometheus_remote_storage_shards',
    'The number of shards used for parallel sending to the remote storage.',
    (q) => q.shardCount,
  );
  queueGauge(
    'prometheus_remote_storage_shards_desired',
    'The number of shards that the queues shard calculation wants to run based on the rate of samples in vs. samples out.',
    (q) => q.desiredShards,
  );
  queueGauge(
    'prometheus_remote_storage_shards_min',
    'The minimum number of shards that the queue is allowed to run.',
    (q) => q.queueConfig.min_shards,
  );
  queueGauge(
    'prometheus_remote_storage_shards_max',
    'The maximum number of shards that the queue is allowed to run.',
    (q) => q.queueConfig.max_shards,
  );
  queueGauge(
    'prometheus_remote_storage_shard_capacity',
    'The capacity of each shard of the queue used for parallel sending to the remote storage.',
    (q) => q.queueConfig.capacity,
  );
  queueGauge(
    'prometheus_remote_storage_max_samples_per_send',
    'The maximum number of samples to be sent, in a single request, to the remote storage. Note that, when sending of exemplars over remote write is enabled, exemplars count towards this limt.',
    (q) => q.queueConfig.max_samples_per_send,
  );
  // Ours (upstream buffers in its WAL and has no such series): what the --storage.path overflow buffer holds.
  const overflowGauge = (
    name: string,
    help: string,
    pick: (p: { batches: number; samples: number; bytes: number }) => number,
  ): void =>
    stateGauge(registry, name, help, ['remote_name', 'url'], (set) => {
      for (const q of manager.queues) {
        const pending = q.overflowPending;
        if (pending) set(q.metricLabels, pick(pending));
      }
    });
  overflowGauge(
    'argus_remote_storage_overflow_batches',
    'Batches in the on-disk overflow buffer waiting to be sent to the remote storage.',
    (p) => p.batches,
  );
  overflowGauge(
    'argus_remote_storage_overflow_samples',
    'Samples in the on-disk overflow buffer waiting to be sent to the remote storage.',
    (p) => p.samples,
  );
  overflowGauge(
    'argus_remote_storage_overflow_bytes',
    'Bytes of the on-disk overflow buffer waiting to be sent to the remote storage.',
    (p) => p.bytes,
  );
}
