import { Counter, Gauge, type Registry } from 'prom-client';
import type { Tsdb } from '@argus/tsdb';

/**
 * The storage's self-metrics under upstream's `prometheus_tsdb_*` names, read from the
 * head's and WAL's counters at scrape time.
 */
export function registerTsdbMetrics(registry: Registry, tsdb: Tsdb): { samplesRejected: Counter<'reason'> } {
  const head = tsdb.head;
  const gauge = (name: string, help: string, read: () => number) =>
    new Gauge({
      name,
      help,
      registers: [registry],
      collect() {
        this.set(read());
      },
    });
  const counter = (name: string, help: string, read: () => number) =>
    new Counter({
      name,
      help,
      registers: [registry],
      collect() {
        this.reset();
        this.inc(read());
      },
    });
  gauge('prometheus_tsdb_head_series', 'Total number of series in the head block.', () => head.numSeries);
  counter(
    'prometheus_tsdb_head_samples_appended_total',
    'Total number of appended samples.',
    () => head.counters.samplesAppended,
  );
  counter(
    'prometheus_tsdb_head_series_created_total',
    'Total number of series created in the head.',
    () => head.counters.seriesCreated,
  );
  counter(
    'prometheus_tsdb_head_series_removed_total',
    'Total number of series removed in the head.',
    () => head.counters.seriesRemoved,
  );
  gauge(
    'prometheus_tsdb_head_chunks',
    'Total number of chunks in the head block.',
    () => head.counters.chunksCreated - head.counters.chunksRemoved,
  );
  counter(
    'prometheus_tsdb_head_chunks_created_total',
    'Total number of chunks created in the head.',
    () => head.counters.chunksCreated,
  );
  counter(
    'prometheus_tsdb_head_chunks_removed_total',
    'Total number of chunks removed in the head.',
    () => head.counters.chunksRemoved,
  );
  gauge('prometheus_tsdb_head_min_time', 'Minimum time bound of the head block.', () =>
    Number.isFinite(head.minTimeMs) ? head.minTimeMs : 0,
  );
  gauge('prometheus_tsdb_head_max_time', 'Maximum timestamp of the head block.', () =>
    Number.isFinite(head.maxTimeMs) ? head.maxTimeMs : 0,
  );
  counter(
    'prometheus_tsdb_out_of_order_samples_total',
    'Total number of out of order samples ingestion failed attempts due to out of order being disabled.',
    () => head.counters.samplesDroppedAtCommit,
  );
  counter(
    'prometheus_tsdb_head_out_of_order_samples_appended_total',
    'Total number of appended out of order samples.',
    () => head.counters.outOfOrderSamplesAppended,
  );
  counter('prometheus_tsdb_wal_corruptions_total', 'Total number of WAL corruptions.', () =>
    tsdb.replay.repaired ? 1 : 0,
  );
  counter('prometheus_tsdb_wal_fsync_total', 'Number of WAL fsyncs.', () => tsdb.wal.counters.fsyncs);
  counter('prometheus_tsdb_wal_writes_total', 'Number of WAL writes.', () => tsdb.wal.counters.writes);
  const blocks = tsdb.blocks;
  gauge(
    'prometheus_tsdb_blocks_loaded',
    'Number of currently loaded data blocks.',
    () => blocks.blocks.length,
  );
  gauge(
    'prometheus_tsdb_storage_blocks_bytes',
    'The number of bytes that are currently used for local storage by all blocks.',
    () => blocks.sizeBytes(),
  );
  counter(
    'prometheus_tsdb_compactions_total',
    'Total number of compactions that were executed for the partition.',
    () => blocks.counters.compactions,
  );
  counter(
    'prometheus_tsdb_compactions_failed_total',
    'Total number of compactions that failed for the partition.',
    () => blocks.counters.compactionsFailed,
  );
  counter(
    'prometheus_tsdb_time_retentions_total',
    'The number of times that blocks were deleted because the maximum time limit was exceeded.',
    () => blocks.counters.timeRetentions,
  );
  counter(
    'prometheus_tsdb_size_retentions_total',
    'The number of times that blocks were deleted because the maximum number of bytes was exceeded.',
    () => blocks.counters.sizeRetentions,
  );
  counter(
    'prometheus_tsdb_reloads_total',
    'Number of times the database reloaded block data from disk.',
    () => blocks.counters.reloads,
  );
  const samplesRejected = new Counter({
    name: 'prometheus_remote_write_samples_rejected_total',
    help: 'Remote-write samples refused by the storage, by reason.',
    labelNames: ['reason'] as const,
    registers: [registry],
  });
  return { samplesRejected };
}
