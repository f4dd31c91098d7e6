import { Counter, Gauge, Histogram, Summary } from 'prom-client';
import type { Registry } from 'prom-client';

/**
 * The scraper's own retrieval, discovery and remote-storage metrics under Prometheus 2.42's
 * names, types, help and label names, so kube-prometheus-stack's Prometheus alerts and
 * dashboards work against Argus. Like upstream's, they are process-wide: the places where
 * things happen (scrape loop, pool, manager, remote-write queue, discovery) count into
 * these objects, and {@link registerSelfMetrics} adds them to a service's registry. Gauges
 * that describe running state (targets per pool, shards) are computed at collection time in
 * `register.ts`.
 */

const none: Registry[] = [];
const counter = (name: string, help: string, labelNames: string[] = []) =>
  new Counter({ name, help, labelNames, registers: none });
const gauge = (name: string, help: string, labelNames: string[] = []) =>
  new Gauge({ name, help, labelNames, registers: none });
/** Upstream's summaries: its objectives (quantile labels) over a 10-minute window. */
const summary = (
  name: string,
  help: string,
  labelNames: string[] = [],
  percentiles = [0.01, 0.05, 0.5, 0.9, 0.99],
) =>
  new Summary({
    name,
    help,
    labelNames,
    percentiles,
    maxAgeSeconds: 600,
    ageBuckets: 5,
    registers: none,
  });

const REMOTE = ['remote_name', 'url'];

export const targetMetrics = {
  intervalLength: summary('prometheus_target_interval_length_seconds', 'Actual intervals between scrapes.', [
    'interval',
  ]),
  poolsTotal: counter(
    'prometheus_target_scrape_pools_total',
    'Total number of scrape pool creation attempts.',
  ),
  poolsFailed: counter(
    'prometheus_target_scrape_pools_failed_total',
    'Total number of scrape pool creations that failed.',
  ),
  reloads: counter('prometheus_target_scrape_pool_reloads_total', 'Total number of scrape pool reloads.'),
  reloadsFailed: counter(
    'prometheus_target_scrape_pool_reloads_failed_total',
    'Total number of failed scrape pool reloads.',
  ),
  targetLimit: counter(
    'prometheus_target_scrape_pool_exceeded_target_limit_total',
    'Total number of times scrape pools hit the target limit, during sync or config reload.',
  ),
  labelLimits: counter(
    'prometheus_target_scrape_pool_exceeded_label_limits_total',
    'Total number of times scrape pools hit the label limits, during sync or config reload.',
  ),
  syncTotal: counter(
    'prometheus_target_scrape_pool_sync_total',
    'Total number of syncs that were executed on a scrape pool.',
    ['scrape_job'],
  ),
  syncFailed: counter('prometheus_target_sync_failed_total', 'Total number of target sync failures.', [
    'scrape_job',
  ]),
  syncLength: summary('prometheus_target_sync_length_seconds', 'Actual interval to sync the scrape pool.', [
    'scrape_job',
  ]),
  cacheFlushForced: counter(
    'prometheus_target_scrapes_cache_flush_forced_total',
    'How many times a scrape cache was flushed due to getting big while scrapes are failing.',
  ),
  bodySizeLimit: counter(
    'prometheus_target_scrapes_exceeded_body_size_limit_total',
    'Total number of scrapes that hit the body size limit',
  ),
  sampleLimit: counter(
    'prometheus_target_scrapes_exceeded_sample_limit_total',
    'Total number of scrapes that hit the sample limit and were rejected.',
  ),
  exemplarOutOfOrder: counter(
    'prometheus_target_scrapes_exemplar_out_of_order_total',
    'Total number of exemplar rejected due to not being out of the expected order.',
  ),
  duplicate: counter(
    'prometheus_target_scrapes_sample_duplicate_timestamp_total',
    'Total number of samples rejected due to duplicate timestamps but different values.',
  ),
  outOfBounds: counter(
    'prometheus_target_scrapes_sample_out_of_bounds_total',
    'Total number of samples rejected due to timestamp falling outside of the time bounds.',
  ),
  outOfOrder: counter(
    'prometheus_target_scrapes_sample_out_of_order_total',
    'Total number of samples rejected due to not being out of the expected order.',
  ),
};

export const sdMetrics = {
  receivedUpdates: counter(
    'prometheus_sd_received_updates_total',
    'Total number of update events received from the SD providers.',
    ['name'],
  ),
  updates: counter('prometheus_sd_updates_total', 'Total number of update events sent to the SD consumers.', [
    'name',
  ]),
  refreshDuration: summary(
    'prometheus_sd_refresh_duration_seconds',
    'The duration of a refresh in seconds for the given SD mechanism.',
    ['mechanism'],
    [0.5, 0.9, 0.99],
  ),
  refreshFailures: counter(
    'prometheus_sd_refresh_failures_total',
    'Number of refresh failures for the given SD mechanism.',
    ['mechanism'],
  ),
  httpFailures: counter(
    'prometheus_sd_http_failures_total',
    'Number of HTTP service discovery refresh failures.',
  ),
  fileReadErrors: counter('prometheus_sd_file_read_errors_total', 'The number of File-SD read errors.'),
  fileWatcherErrors: counter(
    'prometheus_sd_file_watcher_errors_total',
    'The number of File-SD errors caused by filesystem watch failures.',
  ),
  fileScanDuration: summary(
    'prometheus_sd_file_scan_duration_seconds',
    'The duration of the File-SD scan in seconds.',
    [],
    [0.5, 0.9, 0.99],
  ),
  fileMtime: gauge(
    'prometheus_sd_file_mtime_seconds',
    'Timestamp (mtime) of files read by FileSD. Timestamp is set at read time.',
    ['filename'],
  ),
  kubernetesFailures: counter(
    'prometheus_sd_kubernetes_failures_total',
    'The number of failed WATCH/LIST requests.',
  ),
};

export const remoteMetrics = {
  samplesIn: counter(
    'prometheus_remote_storage_samples_in_total',
    'Samples in to remote storage, compare to samples out for queue managers.',
  ),
  highestTimestamp: gauge(
    'prometheus_remote_storage_highest_timestamp_in_seconds',
    'Highest timestamp that has come into the remote storage via the Appender interface, in seconds since epoch.',
  ),
  samples: counter(
    'prometheus_remote_storage_samples_total',
    'Total number of samples sent to remote storage.',
    REMOTE,
  ),
  samplesFailed: counter(
    'prometheus_remote_storage_samples_failed_total',
    'Total number of samples which failed on send to remote storage, non-recoverable errors.',
    REMOTE,
  ),
  samplesRetried: counter(
    'prometheus_remote_storage_samples_retried_total',
    'Total number of samples which failed on send to remote storage but were retried because the send error was recoverable.',
    REMOTE,
  ),
  samplesDropped: counter(
    'prometheus_remote_storage_samples_dropped_total',
    'Total number of samples which were dropped after being read from the WAL before being sent via remote write, either via relabelling or unintentionally because of an unknown reference ID.',
    REMOTE,
  ),
  bytes: counter(
    'prometheus_remote_storage_bytes_total',
    'The total number of bytes of data (not metadata) sent by the queue after compression. Note that when exemplars over remote write is enabled the exemplars included in a remote write request count towards this metric.',
    REMOTE,
  ),
  enqueueRetries: counter(
    'prometheus_remote_storage_enqueue_retries_total',
    'Total number of times enqueue has failed because a shards queue was full.',
    REMOTE,
  ),
  sentBatchDuration: new Histogram({
    name: 'prometheus_remote_storage_sent_batch_duration_seconds',
    help: 'Duration of send calls to the remote storage.',
    labelNames: REMOTE,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 25, 60, 120, 300],
    registers: none,
  }),
  highestSentTimestamp: gauge(
    'prometheus_remote_storage_queue_highest_sent_timestamp_seconds',
    'Timestamp from a WAL sample, the highest timestamp successfully sent by this queue, in seconds since epoch.',
    REMOTE,
  ),
};

let highestIn = 0;
/** Raises `prometheus_remote_storage_highest_timestamp_in_seconds` to `seconds` if higher. */
export function noteHighestTimestamp(seconds: number): void {
  if (seconds <= highestIn) return;
  highestIn = seconds;
  remoteMetrics.highestTimestamp.set(seconds);
}

/** Upstream's `time.Duration.String()` for whole milliseconds: `15s`, `1m0s`, `1h30m0s`, `500ms`. */
export function goDuration(ms: number): string {
  if (ms === 0) return '0s';
  if (ms < 1000) return `${ms}ms`;
  const h = Math.floor(ms / 3_600_000);
  const m = Math.floor((ms % 3_600_000) / 60_000);
  const s = (ms % 60_000) / 1000;
  return `${h > 0 ? `${h}h` : ''}${h > 0 || m > 0 ? `${m}m` : ''}${s}s`;
}

/** Every process-wide family above, for registration. */
export function allSelfMetrics(): (Counter | Gauge | Histogram | Summary)[] {
  return [...Object.values(targetMetrics), ...Object.values(sdMetrics), ...Object.values(remoteMetrics)];
}
