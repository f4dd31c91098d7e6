import { Labels, LabelsBuilder } from '@argus/model';
import { relabel } from '@argus/relabel';
import type { Appendable, Appender } from '@argus/storage';
import { createHash } from 'node:crypto';
import type { RemoteWriteConfig } from './config/scraper-config.ts';
import { remoteMetrics } from './metrics/self-metrics.ts';
import { OutgoingSeriesTable } from './outgoing-series-table.ts';
import { httpSender } from './remote-write-sender.ts';
import { Shard, emptyRemoteWriteStats } from './remote-write-shard.ts';
import type { RemoteWriteStats, SendFunc } from './remote-write-shard.ts';
import type { SpillTarget, SpillingSender } from './spilling-sender.ts';
import { LabelPairs, WriteRequestEncoder, outgoingSeries } from './write-request-encoder.ts';
import type { OutgoingSeries } from './write-request-encoder.ts';

export { retryAfterMs } from './remote-write-shard.ts';
export type { RemoteWriteStats, SendFunc } from './remote-write-shard.ts';

/** Spare appender columns kept: about one per target scraping at once is enough. */
const MAX_SPARE_COLUMNS = 64;
/** How often outgoing series unused since the last sweep are forgotten. */
const SERIES_SWEEP_MS = 10 * 60_000;

/** Options of {@link RemoteWriteQueue}; `send` defaults to HTTP POST to `config.url`. */
export interface RemoteWriteQueueOptions {
  readonly config: RemoteWriteConfig;
  readonly externalLabels: Readonly<Record<string, string>>;
  readonly baseDir: string;
  readonly send?: SendFunc;
  readonly onError?: (message: string) => void;
  /** Sleep used for backoff; injected by tests. */
  readonly sleep?: (ms: number) => Promise<void>;
  /** How often the shard count is reconsidered (upstream: 10 s); 0 turns resharding off. */
  readonly reshardIntervalMs?: number;
  /**
   * The entry's on-disk overflow buffer (`OverflowBuffers.for(config)`): a batch whose send
   * fails in a retryable way goes to disk and the shard moves on; without one, failed
   * batches are retried in memory and commits wait once the shards are full.
   */
  readonly overflow?: SpillingSender;
}

/**
 * A remote-write 1.0 sender that is also an {@link Appendable}, as upstream's queue manager:
 * committed samples get external labels (where absent) and `write_relabel_configs`, go to
 * one of the shards by series hash (`min_shards` at first, resharded between `min_shards`
 * and `max_shards` by throughput, resharding below), and leave in batches of `max_samples_per_send`
 * or after `batch_send_deadline`. Each shard holds at most `capacity` samples; a commit
 * waits for room (backpressure onto the scrape). 5xx, 429 (with `retry_on_http_429`) and
 * network errors are retried with doubling backoff from `min_backoff` to `max_backoff`,
 * honouring `Retry-After`; other 4xx drop the batch. Order within a series is kept.
 */
export class RemoteWriteQueue implements Appendable {
  readonly stats: RemoteWriteStats = emptyRemoteWriteStats();
  readonly #o: RemoteWriteQueueOptions;
  #shards: Shard[];
  readonly #newShard: () => Shard;
  /** Set while old shards drain before a new shard count takes over (commits wait for it). */
  #resharding: Promise<void> | undefined;
  #reshardTimer: NodeJS.Timeout | undefined;
  /** Samples committed and commits that had to wait for room, since the last reshard check. */
  #samplesIn = 0;
  #blocked = 0;
  #lastCheck = { at: performance.now(), sentSeconds: 0, sent: 0 };
  readonly #external: Labels;
  /** Outgoing series per scraped Labels object, addressed by the refs this queue hands out. */
  readonly #table = new OutgoingSeriesTable((labels) => this.#computeOutgoing(labels));
  /** The label pairs of those series, shared so the encoder can refer back to them. */
  readonly #pairs = new LabelPairs();
  readonly #sweepTimer: NodeJS.Timeout;
  /** Columns of finished appenders, for the next ones (see {@link SampleColumns}). */
  readonly #spareColumns: SampleColumns[] = [];
  readonly #closeSender: () => Promise<void>;
  readonly #spillTarget: SpillTarget | undefined;
  #closed = false;
  /** `remote_name` (the entry's `name`, else a hash of its URL) and `url` of the `prometheus_remote_storage_*` series. */
  readonly metricLabels: { remote_name: string; url: string };
  /** The shard count the last resharding check wanted (`prometheus_remote_storage_shards_desired`). */
  desiredShards: number;

  constructor(options: RemoteWriteQueueOptions) {
    this.#o = options;
    const { name, url } = options.config;
    this.metricLabels = {
      remote_name: name ?? createHash('sha256').update(url).digest('hex').slice(0, 6),
      url,
    };
    this.#external = Labels.fromRecord(options.externalLabels);
    const q = options.config.queue_config;
    const count = Math.max(1, q.min_shards);
    this.desiredShards = count;
    const sender = options.send ? undefined : httpSender(options.config, options.baseDir);
    this.#closeSender = () => sender?.close() ?? Promise.resolve();
    const direct = options.send ?? sender!.send;
    this.#spillTarget = options.overflow && {
      send: direct,
      queueConfig: q,
      timeoutMs: options.config.remote_timeout,
      stats: this.stats,
      metricLabels: this.metricLabels,
    };
    const context = {
      q,
      send: this.#spillTarget ? options.overflow!.attach(this.#spillTarget) : direct,
      sleep: options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms).unref())),
      stats: this.stats,
      timeoutMs: options.config.remote_timeout,
      encoder: new WriteRequestEncoder(),
      onError: options.onError,
      metricLabels: this.metricLabels,
    };
    this.#newShard = () => new Shard(context);
    this.#shards = Array.from({ length: count }, this.#newShard);
    this.#sweepTimer = setInterval(() => {
      this.#table.sweep();
      this.#pairs.retain(this.#table.live());
    }, SERIES_SWEEP_MS).unref();
    const every = options.reshardIntervalMs ?? 10_000;
    if (every > 0 && q.max_shards > count)
      this.#reshardTimer = setInterval(() => this.#considerResharding(), every).unref();
  }

  get queueConfig(): RemoteWriteConfig['queue_config'] {
    return this.#o.config.queue_config;
  }

  /** What the entry's overflow buffer holds on disk; undefined without one. */
  get overflowPending(): { batches: number; samples: number; bytes: number } | undefined {
    return this.#o.overflow?.pending;
  }

  get shardCount(): number {
    return this.#shards.length;
  }

  /**
   * Upstream's dynamic resharding, simplified: the shards needed are the incoming sample
   * rate times the send time per sample (shard-seconds), with 30% headroom, between
   * `min_shards` and `max_shards`; changes within ±30% are ignored. Our commits wait when
   * shards are full (upstream's WAL never makes a scrape wait), so the measured rate is
   * capped by what was sent: when commits waited while the shards were busy more than half
   * the time, the count at least doubles.
   */
  #considerResharding(): void {
    if (this.#resharding || this.#closed) return;
    const q = this.#o.config.queue_config;
    const now = performance.now();
    const seconds = (now - this.#lastCheck.at) / 1000;
    const sentSeconds = this.stats.sentBatchDurationSecondsSum;
    const samplesSent = this.stats.samplesTotal;
    const perSample =
      samplesSent > this.#lastCheck.sent
        ? (sentSeconds - this.#lastCheck.sentSeconds) / (samplesSent - this.#lastCheck.sent)
        : 0;
    const inRate = this.#samplesIn / Math.max(seconds, 0.001);
    const current = this.#shards.length;
    const busy = inRate * perSample; // shard-seconds of sending per second
    let desired = Math.ceil(busy * 1.3);
    // Commits that waited double the count only when the shards were mostly busy: a wait
    // behind one slow send (a pause of the receiver) is not a lack of shards, and more
    // shards cost the receiver more (concurrent requests, each series' samples spread).
    if (this.#blocked > 0 && busy > current * 0.5) desired = Math.max(desired, current * 2);
    desired = Math.min(q.max_shards, Math.max(Math.max(1, q.min_shards), desired));
    this.#lastCheck = { at: now, sentSeconds, sent: samplesSent };
    this.#samplesIn = 0;
    this.#blocked = 0;
    this.desiredShards = desired;
    if (desired === current || (desired > current * 0.7 && desired < current * 1.3)) return;
    this.#resharding = this.#reshard(desired);
  }

  /** Drains the current shards (keeping each series' order), then switches to `count` shards. */
  async #reshard(count: number): Promise<void> {
    const old = this.#shards;
    await Promise.all(old.map((s) => s.close()));
    this.#shards = Array.from({ length: count }, this.#newShard);
    this.#resharding = undefined;
  }

  /**
   * An appender whose refs are this queue's outgoing-series slots: a scrape cache that keeps
   * the ref it got back skips every lookup on the next scrape (see {@link OutgoingSeriesTable}).
   */
  appender(): Appender {
    // Parallel columns, not an object per sample: this runs for every scraped sample.
    let cols: SampleColumns | undefined = this.#spareColumns.pop() ?? new SampleColumns();
    let dropped = 0;
    const table = this.#table;
    const release = (): void => {
      if (cols === undefined) return;
      cols.clear();
      if (this.#spareColumns.length < MAX_SPARE_COLUMNS) this.#spareColumns.push(cols);
      cols = undefined;
    };
    return {
      append: (ref, labels, t, v) => {
        if (cols === undefined) throw new Error('remote-write appender used after commit or rollback');
        const slot = table.slot(ref, labels);
        const series = table.series(slot);
        if (series === null) dropped++;
        else cols.push(series, t, v);
        return slot + 1;
      },
      commit: async () => {
        const c = cols;
        if (c === undefined) return;
        try {
          if (this.#closed) return;
          if (this.#resharding) await this.#resharding;
          const n = c.n;
          this.#samplesIn += n + dropped;
          let waited = false;
          const { series: seriesIn, t: tIn, v: vIn } = c;
          for (let i = 0; i < n; i++) {
            const series = seriesIn[i]!;
            // The common case stays synchronous: an await per sample would cost more than the sample.
            let shard = this.#shards[series.hash % this.#shards.length]!;
            if (shard.tryEnqueue(series, tIn[i]!, vIn[i]!)) continue;
            waited = true;
            remoteMetrics.enqueueRetries.inc(this.metricLabels);
            if (this.#resharding) await this.#resharding;
            shard = this.#shards[series.hash % this.#shards.length]!;
            await shard.enqueue(series, tIn[i]!, vIn[i]!);
          }
          if (waited) this.#blocked++;
          if (dropped > 0) remoteMetrics.samplesDropped.inc(this.metricLabels, dropped);
        } finally {
          release();
        }
      },
      rollback: async () => {
        dropped = 0;
        release();
      },
    };
  }

  /** Sends what is queued (retrying as configured), stops the timers and closes the connections. */
  async close(): Promise<void> {
    this.#closed = true;
    clearInterval(this.#reshardTimer);
    clearInterval(this.#sweepTimer);
    if (this.#resharding) await this.#resharding;
    await Promise.all(this.#shards.map((s) => s.close()));
    if (this.#spillTarget) await this.#o.overflow!.detach(this.#spillTarget);
    await this.#closeSender();
  }

  /** A scraped series as this queue ships it (external labels, write relabeling), or null when dropped. */
  #computeOutgoing(labels: Labels): OutgoingSeries | null {
    let out = labels;
    if (this.#external.size > 0) {
      const b = new LabelsBuilder(labels);
      this.#external.forEach((name, value) => {
        if (labels.get(name) === '') b.set(name, value);
      });
      out = b.labels();
    }
    const kept = relabel(out, this.#o.config.write_relabel_configs);
    return kept === undefined ? null : outgoingSeries(kept, kept.hash() >>> 0, this.#pairs);
  }
}

/**
 * One commit's samples as parallel columns, handed back to the queue after the commit so the
 * next appender reuses them instead of regrowing three arrays per scrape. Values live in a
 * Float64Array: V8 canonicalises NaN stored in a plain array, and StaleNaN's bits matter.
 */
class SampleColumns {
  readonly series: (OutgoingSeries | undefined)[] = [];
  t = new Float64Array(1024);
  v = new Float64Array(1024);
  n = 0;

  push(series: OutgoingSeries, t: number, v: number): void {
    const n = this.n;
    if (n === this.t.length) {
      const t2 = new Float64Array(n * 2);
      t2.set(this.t);
      this.t = t2;
      const v2 = new Float64Array(n * 2);
      v2.set(this.v);
      this.v = v2;
    }
    this.series[n] = series;
    this.t[n] = t;
    this.v[n] = v;
    this.n = n + 1;
  }

  /** Empties the columns (dropping the series references, so a swept series can go). */
  clear(): void {
    this.series.fill(undefined, 0, this.n);
    this.n = 0;
  }
}
