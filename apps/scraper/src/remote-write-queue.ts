import { Labels, LabelsBuilder } from '@argus/model';
import { relabel } from '@argus/relabel';
import { REMOTE_WRITE_HEADERS } from '@argus/remote';
import type { Appendable, Appender } from '@argus/storage';
import { createHash } from 'node:crypto';
import type { RemoteWriteConfig } from './config/scraper-config.ts';
import { authorizationHeader } from './http-scrape.ts';
import { remoteMetrics } from './metrics/self-metrics.ts';
import { WriteRequestEncoder, encodeLabels } from './write-request-encoder.ts';
import type { OutgoingSeries } from './write-request-encoder.ts';

/** Sends one encoded request; resolves with the HTTP status and `Retry-After` header. */
export type SendFunc = (
  body: Buffer,
  timeoutMs: number,
) => Promise<{ status: number; retryAfter: string | null }>;

/** Counters in the shape of upstream's `prometheus_remote_storage_*` metrics. */
export interface RemoteWriteStats {
  samplesTotal: number;
  samplesFailedTotal: number;
  samplesRetriedTotal: number;
  samplesDroppedTotal: number;
  samplesPending: number;
  sentBatchDurationSecondsSum: number;
  sentBatches: number;
}

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
  readonly stats: RemoteWriteStats = {
    samplesTotal: 0,
    samplesFailedTotal: 0,
    samplesRetriedTotal: 0,
    samplesDroppedTotal: 0,
    samplesPending: 0,
    sentBatchDurationSecondsSum: 0,
    sentBatches: 0,
  };
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
  /** Outgoing labels per incoming Labels object (scrape caches reuse them): null when dropped. */
  #outgoing = new WeakMap<Labels, OutgoingSeries | null>();
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
    const send = options.send ?? httpSend(options.config, options.baseDir);
    const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms).unref()));
    const encoder = new WriteRequestEncoder();
    this.#newShard = () =>
      new Shard(
        q,
        send,
        sleep,
        this.stats,
        options.config.remote_timeout,
        encoder,
        options.onError,
        this.metricLabels,
      );
    this.#shards = Array.from({ length: count }, this.#newShard);
    const every = options.reshardIntervalMs ?? 10_000;
    if (every > 0 && q.max_shards > count)
      this.#reshardTimer = setInterval(() => this.#considerResharding(), every).unref();
  }

  get queueConfig(): RemoteWriteConfig['queue_config'] {
    return this.#o.config.queue_config;
  }

  get shardCount(): number {
    return this.#shards.length;
  }

  /**
   * Upstream's dynamic resharding, simplified: the shards needed are the incoming sample
   * rate times the send time per sample (shard-seconds), with 30% headroom, between
   * `min_shards` and `max_shards`; changes within ±30% are ignored. Our commits wait when
   * shards are full (upstream's WAL never makes a scrape wait), so the measured rate is
   * capped by what was sent: when commits waited, the count at least doubles.
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
    let desired = Math.ceil(inRate * perSample * 1.3);
    if (this.#blocked > 0) desired = Math.max(desired, current * 2);
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

  appender(): Appender {
    // Parallel arrays, not an object per sample: this runs for every scraped sample.
    const labelsIn: Labels[] = [];
    const tIn: number[] = [];
    const vIn = new Float64List();
    return {
      append: (ref, labels, t, v) => {
        labelsIn.push(labels);
        tIn.push(t);
        vIn.push(v);
        return ref;
      },
      commit: async () => {
        if (this.#closed) return;
        if (this.#resharding) await this.#resharding;
        this.#samplesIn += labelsIn.length;
        let waited = false;
        let dropped = 0;
        for (let i = 0; i < labelsIn.length; i++) {
          const series = this.#outgoingSeries(labelsIn[i]!);
          if (series === undefined) {
            dropped++;
            continue;
          }
          // The common case stays synchronous: an await per sample would cost more than the sample.
          let shard = this.#shards[series.hash % this.#shards.length]!;
          if (shard.tryEnqueue(series, tIn[i]!, vIn.at(i))) continue;
          waited = true;
          remoteMetrics.enqueueRetries.inc(this.metricLabels);
          if (this.#resharding) await this.#resharding;
          shard = this.#shards[series.hash % this.#shards.length]!;
          await shard.enqueue(series, tIn[i]!, vIn.at(i));
        }
        if (waited) this.#blocked++;
        if (dropped > 0) remoteMetrics.samplesDropped.inc(this.metricLabels, dropped);
      },
      rollback: async () => {
        labelsIn.length = 0;
        tIn.length = 0;
        vIn.clear();
      },
    };
  }

  /** Sends what is queued (retrying as configured) and stops the timers. */
  async close(): Promise<void> {
    this.#closed = true;
    clearInterval(this.#reshardTimer);
    if (this.#resharding) await this.#resharding;
    await Promise.all(this.#shards.map((s) => s.close()));
  }

  /** The outgoing series of a scraped one, computed once per Labels object (one lookup per sample). */
  #outgoingSeries(labels: Labels): OutgoingSeries | undefined {
    const cached = this.#outgoing.get(labels);
    if (cached !== undefined) return cached ?? undefined;
    const out = this.#computeOutgoing(labels);
    const series = out === undefined ? undefined : { hash: out.hash() >>> 0, bytes: encodeLabels(out) };
    this.#outgoing.set(labels, series ?? null);
    return series;
  }

  #computeOutgoing(labels: Labels): Labels | undefined {
    let out = labels;
    if (this.#external.size > 0) {
      const b = new LabelsBuilder(labels);
      this.#external.forEach((name, value) => {
        if (labels.get(name) === '') b.set(name, value);
      });
      out = b.labels();
    }
    return relabel(out, this.#o.config.write_relabel_configs);
  }
}

class Shard {
  // Queued samples as parallel arrays.
  #labels: OutgoingSeries[] = [];
  #t: number[] = [];
  readonly #v = new Float64List();
  #sending: Promise<void> | undefined;
  #timer: NodeJS.Timeout | undefined;
  #waiters: (() => void)[] = [];

  constructor(
    readonly q: RemoteWriteConfig['queue_config'],
    readonly send: SendFunc,
    readonly sleep: (ms: number) => Promise<void>,
    readonly stats: RemoteWriteStats,
    readonly timeoutMs: number,
    readonly encoder: WriteRequestEncoder,
    readonly onError: ((message: string) => void) | undefined,
    readonly metricLabels: { remote_name: string; url: string },
  ) {}

  async enqueue(labels: OutgoingSeries, t: number, v: number): Promise<void> {
    while (!this.tryEnqueue(labels, t, v)) {
      this.#flush();
      await new Promise<void>((resolve) => this.#waiters.push(resolve));
    }
  }

  /** Queues the sample when there is room; false when the shard is full. */
  tryEnqueue(labels: OutgoingSeries, t: number, v: number): boolean {
    if (this.#labels.length >= this.q.capacity) return false;
    this.#labels.push(labels);
    this.#t.push(t);
    this.#v.push(v);
    this.stats.samplesPending++;
    if (this.#labels.length >= this.q.max_samples_per_send) this.#flush();
    else this.#timer ??= setTimeout(() => this.#flush(), this.q.batch_send_deadline).unref();
    return true;
  }

  async close(): Promise<void> {
    while (this.#labels.length > 0 || this.#sending) {
      this.#flush();
      await this.#sending;
    }
    clearTimeout(this.#timer);
  }

  /** Starts sending if idle; batches are sent one at a time per shard to keep series order. */
  #flush(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    if (this.#sending || this.#labels.length === 0) return;
    const n = Math.min(this.#labels.length, this.q.max_samples_per_send);
    const times = this.#t.splice(0, n);
    let highest = -Infinity;
    for (const t of times) if (t > highest) highest = t;
    const body = this.encoder.encode(this.#labels.splice(0, n), times, this.#v.shift(n));
    this.#sending = this.#sendWithRetry(body, n, highest).finally(() => {
      this.#sending = undefined;
      this.stats.samplesPending -= n;
      const waiters = this.#waiters;
      this.#waiters = [];
      for (const w of waiters) w();
      if (this.#labels.length >= this.q.max_samples_per_send) this.#flush();
      else if (this.#labels.length > 0)
        this.#timer ??= setTimeout(() => this.#flush(), this.q.batch_send_deadline).unref();
    });
  }

  async #sendWithRetry(body: Buffer, samples: number, highestMs: number): Promise<void> {
    const labels = this.metricLabels;
    let backoff = this.q.min_backoff;
    for (;;) {
      const started = performance.now();
      let status = 0;
      let retryAfter: string | null = null;
      let reason = '';
      try {
        ({ status, retryAfter } = await this.send(body, this.timeoutMs));
        reason = `server returned HTTP status ${status}`;
      } catch (error) {
        reason = (error as Error).message;
      }
      this.stats.sentBatches++;
      const seconds = (performance.now() - started) / 1000;
      this.stats.sentBatchDurationSecondsSum += seconds;
      remoteMetrics.sentBatchDuration.observe(labels, seconds);
      remoteMetrics.bytes.inc(labels, body.length);
      if (status >= 200 && status < 300) {
        this.stats.samplesTotal += samples;
        remoteMetrics.samples.inc(labels, samples);
        remoteMetrics.highestSentTimestamp.set(labels, highestMs / 1000);
        return;
      }
      const retryable = status === 0 || status >= 500 || (status === 429 && this.q.retry_on_http_429);
      if (!retryable) {
        this.stats.samplesFailedTotal += samples;
        remoteMetrics.samples.inc(labels, samples);
        remoteMetrics.samplesFailed.inc(labels, samples);
        this.onError?.(`non-recoverable error sending ${samples} samples: ${reason}`);
        return;
      }
      this.stats.samplesRetriedTotal += samples;
      remoteMetrics.samples.inc(labels, samples);
      remoteMetrics.samplesRetried.inc(labels, samples);
      this.onError?.(`failed to send batch, retrying: ${reason}`);
      const wait = retryAfterMs(retryAfter) ?? backoff;
      await this.sleep(wait);
      backoff = Math.min(backoff * 2, this.q.max_backoff);
    }
  }
}

/**
 * A growable list of doubles in a Float64Array. Plain arrays would do, but V8 canonicalises
 * NaN stored in them, and StaleNaN is a NaN whose bits matter.
 */
class Float64List {
  #a = new Float64Array(1024);
  #n = 0;

  get length(): number {
    return this.#n;
  }

  push(v: number): void {
    if (this.#n === this.#a.length) {
      const next = new Float64Array(this.#a.length * 2);
      next.set(this.#a);
      this.#a = next;
    }
    this.#a[this.#n++] = v;
  }

  at(i: number): number {
    return this.#a[i]!;
  }

  /** Removes and returns the first `n` values. */
  shift(n: number): Float64Array {
    const out = this.#a.slice(0, n);
    this.#a.copyWithin(0, n, this.#n);
    this.#n -= n;
    return out;
  }

  clear(): void {
    this.#n = 0;
  }
}

/** `Retry-After` as seconds or an HTTP date, in milliseconds; undefined when absent or unreadable. */
export function retryAfterMs(header: string | null, nowMs = Date.now()): number | undefined {
  if (header === null || header === '') return undefined;
  if (/^\d+$/.test(header)) return Number(header) * 1000;
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, at - nowMs);
}

function httpSend(config: RemoteWriteConfig, baseDir: string): SendFunc {
  return async (body, timeoutMs) => {
    const headers: Record<string, string> = {
      ...config.headers,
      ...REMOTE_WRITE_HEADERS,
      'user-agent': 'Argus-scraper/0.1.0',
    };
    const auth = authorizationHeader(config, baseDir);
    if (auth !== undefined) headers.authorization = auth;
    const response = await fetch(config.url, {
      method: 'POST',
      headers,
      body,
      signal: AbortSignal.timeout(timeoutMs),
    });
    await response.arrayBuffer().catch(() => undefined);
    return { status: response.status, retryAfter: response.headers.get('retry-after') };
  };
}
