import type { RemoteWriteConfig } from './config/scraper-config.ts';
import { remoteMetrics } from './metrics/self-metrics.ts';
import type { OutgoingSeries, WriteRequestEncoder } from './write-request-encoder.ts';

/** Sends one encoded request; resolves with the HTTP status and `Retry-After` header. */
export type SendFunc = (
  body: Buffer,
  timeoutMs: number,
  info?: { samples: number; highestTimestampMs: number },
) => Promise<{ status: number; retryAfter: string | null; buffered?: boolean }>;

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

/** Stats with every counter at zero. */
export function emptyRemoteWriteStats(): RemoteWriteStats {
  return {
    samplesTotal: 0,
    samplesFailedTotal: 0,
    samplesRetriedTotal: 0,
    samplesDroppedTotal: 0,
    samplesPending: 0,
    sentBatchDurationSecondsSum: 0,
    sentBatches: 0,
  };
}

/** What every shard of one queue shares. */
export interface ShardContext {
  readonly q: RemoteWriteConfig['queue_config'];
  readonly send: SendFunc;
  readonly sleep: (ms: number) => Promise<void>;
  readonly stats: RemoteWriteStats;
  readonly timeoutMs: number;
  readonly encoder: WriteRequestEncoder;
  readonly onError: ((message: string) => void) | undefined;
  readonly metricLabels: { remote_name: string; url: string };
}

/**
 * One shard of a remote-write queue: up to `capacity` samples in ring buffers (series,
 * timestamp, value columns; no per-sample object, no array shifting), sent in batches of
 * `max_samples_per_send` or after `batch_send_deadline`, one batch at a time so each
 * series stays in order. A batch is encoded once when it leaves the ring, then sent with
 * retries ({@link #sendWithRetry}).
 */
export class Shard {
  readonly #c: ShardContext;
  readonly #series: (OutgoingSeries | undefined)[];
  readonly #t: Float64Array;
  readonly #v: Float64Array;
  /** Ring position of the oldest queued sample, and how many are queued. */
  #head = 0;
  #count = 0;
  #sending: Promise<void> | undefined;
  #timer: NodeJS.Timeout | undefined;
  #waiters: (() => void)[] = [];

  constructor(context: ShardContext) {
    this.#c = context;
    const capacity = Math.max(1, context.q.capacity);
    this.#series = new Array<OutgoingSeries | undefined>(capacity).fill(undefined);
    this.#t = new Float64Array(capacity);
    this.#v = new Float64Array(capacity);
  }

  async enqueue(series: OutgoingSeries, t: number, v: number): Promise<void> {
    while (!this.tryEnqueue(series, t, v)) {
      this.#flush();
      await new Promise<void>((resolve) => this.#waiters.push(resolve));
    }
  }

  /** Queues the sample when there is room; false when the shard is full. */
  tryEnqueue(series: OutgoingSeries, t: number, v: number): boolean {
    const capacity = this.#series.length;
    if (this.#count >= capacity) return false;
    let at = this.#head + this.#count;
    if (at >= capacity) at -= capacity;
    this.#series[at] = series;
    this.#t[at] = t;
    this.#v[at] = v;
    this.#count++;
    this.#c.stats.samplesPending++;
    if (this.#count >= this.#c.q.max_samples_per_send) this.#flush();
    else this.#timer ??= setTimeout(() => this.#flush(), this.#c.q.batch_send_deadline).unref();
    return true;
  }

  async close(): Promise<void> {
    while (this.#count > 0 || this.#sending) {
      this.#flush();
      await this.#sending;
    }
    clearTimeout(this.#timer);
  }

  /** Starts sending if idle: the oldest samples (at most `max_samples_per_send`) leave the ring as one encoded batch. */
  #flush(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    if (this.#sending || this.#count === 0) return;
    const n = Math.min(this.#count, this.#c.q.max_samples_per_send);
    const capacity = this.#series.length;
    let highest = -Infinity;
    for (let i = 0, j = this.#head; i < n; i++, j++) {
      if (j >= capacity) j -= capacity;
      if (this.#t[j]! > highest) highest = this.#t[j]!;
    }
    const body = this.#c.encoder.encode(this.#series, this.#t, this.#v, this.#head, n);
    for (let i = 0, j = this.#head; i < n; i++, j++) {
      if (j >= capacity) j -= capacity;
      this.#series[j] = undefined;
    }
    this.#head = (this.#head + n) % capacity;
    this.#count -= n;
    this.#sending = this.#sendWithRetry(body, n, highest).finally(() => this.#sent(n));
  }

  /** After a batch is done (sent, dropped or given up): wake waiting commits, send what is due. */
  #sent(n: number): void {
    this.#sending = undefined;
    this.#c.stats.samplesPending -= n;
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const w of waiters) w();
    if (this.#count >= this.#c.q.max_samples_per_send) this.#flush();
    else if (this.#count > 0)
      this.#timer ??= setTimeout(() => this.#flush(), this.#c.q.batch_send_deadline).unref();
  }

  /**
   * Sends one encoded batch: 2xx is done; 5xx, 429 (with `retry_on_http_429`) and network
   * errors are retried with doubling backoff from `min_backoff` to `max_backoff`, honouring
   * `Retry-After`; any other status drops the batch.
   */
  async #sendWithRetry(body: Buffer, samples: number, highestMs: number): Promise<void> {
    const { q, stats, metricLabels: labels } = this.#c;
    let backoff = q.min_backoff;
    for (;;) {
      const started = performance.now();
      let status = 0;
      let retryAfter: string | null = null;
      let reason = '';
      let buffered: boolean | undefined;
      try {
        ({ status, retryAfter, buffered } = await this.#c.send(body, this.#c.timeoutMs, {
          samples,
          highestTimestampMs: highestMs,
        }));
        reason = `server returned HTTP status ${status}`;
      } catch (error) {
        reason = (error as Error).message;
      }
      if (buffered) return; // on disk: the overflow buffer counts its own sends
      stats.sentBatches++;
      const seconds = (performance.now() - started) / 1000;
      stats.sentBatchDurationSecondsSum += seconds;
      remoteMetrics.sentBatchDuration.observe(labels, seconds);
      remoteMetrics.bytes.inc(labels, body.length);
      if (status >= 200 && status < 300) {
        stats.samplesTotal += samples;
        remoteMetrics.samples.inc(labels, samples);
        remoteMetrics.highestSentTimestamp.set(labels, highestMs / 1000);
        return;
      }
      const retryable = status === 0 || status >= 500 || (status === 429 && q.retry_on_http_429);
      if (!retryable) {
        stats.samplesFailedTotal += samples;
        remoteMetrics.samples.inc(labels, samples);
        remoteMetrics.samplesFailed.inc(labels, samples);
        this.#c.onError?.(`non-recoverable error sending ${samples} samples: ${reason}`);
        return;
      }
      stats.samplesRetriedTotal += samples;
      remoteMetrics.samples.inc(labels, samples);
      remoteMetrics.samplesRetried.inc(labels, samples);
      this.#c.onError?.(`failed to send batch, retrying: ${reason}`);
      const wait = retryAfterMs(retryAfter) ?? backoff;
      await this.#c.sleep(wait);
      backoff = Math.min(backoff * 2, q.max_backoff);
    }
  }
}

/** `Retry-After` as seconds or an HTTP date, in milliseconds; undefined when absent or unreadable. */
export function retryAfterMs(header: string | null, nowMs = Date.now()): number | undefined {
  if (header === null || header === '') return undefined;
  if (/^\d+$/.test(header)) return Number(header) * 1000;
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, at - nowMs);
}
