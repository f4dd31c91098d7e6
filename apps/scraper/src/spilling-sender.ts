import { compressBlock, decompressBlock } from '@argus/remote';
import { setTimeout as sleepFor } from 'node:timers/promises';
import type { RemoteWriteConfig } from './config/scraper-config.ts';
import { DiskQueue } from './disk-queue.ts';
import { remoteMetrics } from './metrics/self-metrics.ts';
import { retryAfterMs } from './remote-write-queue.ts';
import type { RemoteWriteStats, SendFunc } from './remote-write-queue.ts';

/** What a shard knows about the batch it sends; kept with a buffered batch for the metrics of its later send. */
export interface BatchInfo {
  readonly samples: number;
  readonly highestTimestampMs: number;
}

/** A send's outcome; `buffered` when the batch went to the overflow buffer instead (its sends are counted there). */
export interface SpillingSendResult {
  readonly status: number;
  readonly retryAfter: string | null;
  readonly buffered?: boolean;
}

/** The send function a queue gets from {@link SpillingSender.attach}: `SendFunc` plus the batch's {@link BatchInfo}. */
export type SpillingSendFunc = (
  body: Buffer,
  timeoutMs: number,
  info?: BatchInfo,
) => Promise<SpillingSendResult>;

/** The queue a {@link SpillingSender} sends for: its transport, retry settings and where it counts. */
export interface SpillTarget {
  readonly send: SendFunc;
  readonly queueConfig: Pick<
    RemoteWriteConfig['queue_config'],
    'min_backoff' | 'max_backoff' | 'retry_on_http_429' | 'max_samples_per_send'
  >;
  readonly timeoutMs: number;
  /** Counted into like the queue's shards count their sends (resharding reads them). */
  readonly stats?: RemoteWriteStats;
  /** `{remote_name, url}` of the `prometheus_remote_storage_*` series to count the buffer's sends into. */
  readonly metricLabels?: { remote_name: string; url: string };
}

export interface SpillingSenderOptions {
  readonly dir: string;
  /** Bound of the buffer on disk (default 1 GiB); past it the oldest batches are dropped. */
  readonly maxBytes?: number;
  readonly segmentBytes?: number;
  /** Failures, drops and repairs, for the service log. */
  readonly log?: (message: string, fields?: Record<string, unknown>) => void;
  /** Backoff wait; tests inject one. Resolves early (or rejects) when `signal` aborts. */
  readonly sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
  /** How long `close` waits for a send in flight from the buffer (default 5 s). */
  readonly closeTimeoutMs?: number;
}

/** What went through the buffer since it was opened. */
export interface SpillStats {
  /** Batches (and their samples) written to disk because the remote end failed or older batches were waiting. */
  bufferedBatches: number;
  bufferedSamples: number;
  /** Batches sent from the buffer with a 2xx. */
  sentBatches: number;
  sentSamples: number;
  /** Batches dropped from the buffer, oldest first, to stay under `maxBytes`. */
  droppedForRoomBatches: number;
  droppedForRoomSamples: number;
  /** Buffered batches dropped because the remote end refused them with a non-retryable status. */
  failedBatches: number;
  failedSamples: number;
}

/** Buffered record: `highest timestamp f64 BE | samples u32 BE | encoded WriteRequest`. */
const ENVELOPE_BYTES = 12;
/** Bounds of one request merged from buffered batches: compressed bytes, and batches. */
export const MERGE_MAX_BYTES = 1024 * 1024;
const MERGE_MAX_RECORDS = 1000;

/**
 * A write-ahead overflow buffer in front of one remote-write destination. While its
 * {@link DiskQueue} is empty a batch goes straight to the remote end, and a 2xx or a
 * non-retryable answer goes back to the shard as before; when the send fails in a way
 * that would be retried (5xx, 429 with `retry_on_http_429`, network error), the batch is
 * written to disk and the shard is told `buffered`, so it takes its next batch at once
 * instead of retrying. While the buffer holds anything, every batch is appended behind it
 * (keeping each series in order), and one loop sends the buffer oldest first, one request
 * in flight (consecutive batches merged), retrying with upstream's backoff and
 * `Retry-After`. Leftovers of a previous run
 * are sent first, once a queue is attached. The disk is bounded: past `maxBytes` the oldest
 * batches are dropped and logged. When the disk itself fails, a batch waits for the buffer
 * to empty and is sent directly (the shard retries it in memory, as without a buffer).
 */
export class SpillingSender {
  readonly stats: SpillStats = {
    bufferedBatches: 0,
    bufferedSamples: 0,
    sentBatches: 0,
    sentSamples: 0,
    droppedForRoomBatches: 0,
    droppedForRoomSamples: 0,
    failedBatches: 0,
    failedSamples: 0,
  };
  readonly #queue: DiskQueue;
  readonly #o: SpillingSenderOptions;
  readonly #sleep: (ms: number, signal: AbortSignal) => Promise<void>;
  /** Stops the running drain loop (its backoff sleep at once): aborted by `close` and `detach`. */
  #stopDrain = new AbortController();
  #target: SpillTarget | undefined;
  #draining: Promise<void> | undefined;
  #emptyWaiters: (() => void)[] = [];
  #closed = false;

  private constructor(queue: DiskQueue, options: SpillingSenderOptions) {
    this.#queue = queue;
    this.#o = options;
    this.#sleep = options.sleep ?? ((ms, signal) => sleepFor(ms, undefined, { signal, ref: false }));
  }

  /**
   * Opens the buffer in `options.dir` (creating it), replaying what a previous run left;
   * nothing is sent until a queue is {@link attach}ed. Throws `DiskQueueError` naming the
   * directory when it cannot be used.
   */
  static open(options: SpillingSenderOptions): SpillingSender {
    const log = options.log;
    const queue = DiskQueue.open(options.dir, {
      maxBytes: options.maxBytes,
      segmentBytes: options.segmentBytes,
      onWarn: (message) => log?.(message, { dir: options.dir }),
    });
    const sender = new SpillingSender(queue, options);
    if (queue.size > 0)
      log?.('remote write overflow buffer holds batches of a previous run: sending them first', {
        dir: queue.dir,
        batches: queue.size,
        samples: queue.weight,
      });
    return sender;
  }

  get dir(): string {
    return this.#queue.dir;
  }

  /** Batches, samples and bytes on disk waiting to be sent. */
  get pending(): { batches: number; samples: number; bytes: number } {
    return { batches: this.#queue.size, samples: this.#queue.weight, bytes: this.#queue.bytes };
  }

  /**
   * Makes `target` the destination (a reload's new queue replaces the old one; the old
   * one's last batches still go through the same buffer, in order) and starts sending
   * what is buffered through it. Returns the send function the queue's shards call: it
   * resolves like `target.send`, or with `buffered: true` (status 200) when the batch was
   * written to disk, in which case the buffer counts the sends, not the shard.
   */
  attach(target: SpillTarget): SpillingSendFunc {
    this.#target = target;
    this.#kick();
    return (body, timeoutMs, info) => this.#send(target, body, timeoutMs, info);
  }

  /** Resolves once the buffer is empty (at once when it is), or when the sender closes. */
  whenEmpty(): Promise<void> {
    if (this.#queue.size === 0 || this.#closed) return Promise.resolve();
    return new Promise((resolve) => this.#emptyWaiters.push(resolve));
  }

  /**
   * Stops sending from the buffer (waiting up to `closeTimeoutMs` for a send in flight)
   * and closes the files; what is buffered stays for the next {@link open}. Later sends
   * go straight to the remote end.
   */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#stopDraining();
    this.#queue.close();
    this.#wakeEmptyWaiters();
  }

  /**
   * Stops sending through `target` when it is the attached one (a closing queue, before it
   * closes its connections): the send in flight is waited for (up to `closeTimeoutMs`), and
   * the buffer waits for the next {@link attach}. A no-op for a target already replaced.
   */
  async detach(target: SpillTarget): Promise<void> {
    if (this.#target !== target) return;
    this.#target = undefined;
    await this.#stopDraining();
  }

  async #stopDraining(): Promise<void> {
    this.#stopDrain.abort();
    const draining = this.#draining;
    if (!draining) return;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      draining,
      new Promise<void>((r) => (timer = setTimeout(r, this.#o.closeTimeoutMs ?? 5_000))),
    ]);
    clearTimeout(timer);
  }

  async #send(
    target: SpillTarget,
    body: Buffer,
    timeoutMs: number,
    info?: BatchInfo,
  ): Promise<SpillingSendResult> {
    if (this.#closed) return target.send(body, timeoutMs);
    let failure: { result: SpillingSendResult; startedMs: number; reason: string } | undefined;
    if (this.#queue.size === 0) {
      const startedMs = performance.now();
      const { reason, ...result } = await attempt(target.send, body, timeoutMs);
      if (result.status >= 200 && result.status < 300) return result;
      if (!retryable(result.status, target) || this.#closed) return result;
      failure = { result, startedMs, reason };
    }
    if (this.#buffer(body, info)) {
      if (failure) {
        // Counted here as the shard would have: it is told `buffered` and counts nothing.
        this.#count(target, 'retried', info?.samples ?? 0, body.length, failure.startedMs, undefined);
        this.#o.log?.(`failed to send batch, buffering it on disk: ${failure.reason}`, { dir: this.dir });
      }
      return { status: 200, retryAfter: null, buffered: true };
    }
    // The disk failed: keep the order by waiting for what is buffered, then let the shard retry in memory.
    await this.whenEmpty();
    if (failure && this.#queue.size === 0) return failure.result;
    const { reason: _reason, ...result } = await attempt(target.send, body, timeoutMs);
    return result;
  }

  /** Appends a batch; false when the disk refused it (logged). */
  #buffer(body: Buffer, info: BatchInfo | undefined): boolean {
    const samples = info?.samples ?? 0;
    const envelope = Buffer.allocUnsafe(ENVELOPE_BYTES);
    envelope.writeDoubleBE(info?.highestTimestampMs ?? -Infinity, 0);
    envelope.writeUInt32BE(samples, 8);
    try {
      const dropped = this.#queue.push([envelope, body], samples);
      if (dropped.records > 0) {
        this.stats.droppedForRoomBatches += dropped.records;
        this.stats.droppedForRoomSamples += dropped.weight;
        this.#o.log?.('remote write overflow buffer full: dropped its oldest batches', {
          dir: this.dir,
          batches: dropped.records,
          samples: dropped.weight,
        });
      }
    } catch (error) {
      this.#o.log?.(`cannot buffer batch on disk: ${(error as Error).message}`, { dir: this.dir });
      return false;
    }
    this.stats.bufferedBatches++;
    this.stats.bufferedSamples += samples;
    this.#kick();
    return true;
  }

  #kick(): void {
    if (this.#draining || this.#closed || this.#target === undefined || this.#queue.size === 0) return;
    this.#stopDrain = new AbortController();
    this.#draining = this.#drain(this.#stopDrain.signal).finally(() => {
      this.#draining = undefined;
      if (this.#queue.size === 0) this.#wakeEmptyWaiters();
      else this.#kick();
    });
  }

  /**
   * Sends the buffer oldest first until it is empty or draining stops. Consecutive batches
   * are merged into one request (their `WriteRequest`s concatenated, which protobuf reads
   * as one with all their series, in order), up to {@link MERGE_MAX_BYTES} compressed and
   * ten times `max_samples_per_send`, so that one request in flight drains faster than the
   * shards fill the buffer. A merged request refused with a non-retryable status is sent
   * again batch by batch, so only the batches at fault are dropped.
   */
  async #drain(stop: AbortSignal): Promise<void> {
    let backoffMs: number | undefined;
    /** Batches still to send one by one after a merged request was refused. */
    let singles = 0;
    while (!stop.aborted) {
      const target = this.#target;
      if (target === undefined) return;
      const q = target.queueConfig;
      let records: Buffer[];
      try {
        records = this.#queue.peekMany(singles > 0 ? 1 : MERGE_MAX_RECORDS, MERGE_MAX_BYTES);
      } catch (error) {
        // A read error may pass (a full or flaky device); try again after the longest backoff.
        this.#o.log?.(`cannot read the overflow buffer: ${(error as Error).message}`, { dir: this.dir });
        await this.#sleep(q.max_backoff, stop).catch(() => undefined);
        continue;
      }
      if (records.length === 0) return;
      const request = this.#request(records, q.max_samples_per_send * 10);
      if (request === undefined) {
        this.#o.log?.('dropping a buffered record too short to be a batch', { dir: this.dir });
        this.#ack(records[0]!);
        continue;
      }
      const { batches, samples, highestMs, body } = request;
      const started = performance.now();
      const result = await attempt(target.send, body, target.timeoutMs);
      if (this.#closed) return; // the queue is closed: an unacknowledged batch is sent again next run
      if (result.status >= 200 && result.status < 300) {
        this.#count(target, 'sent', samples, body.length, started, highestMs);
        for (const r of batches) this.#ack(r);
        this.stats.sentBatches += batches.length;
        this.stats.sentSamples += samples;
        if (singles > 0) singles--;
        backoffMs = undefined;
        continue;
      }
      if (!retryable(result.status, target)) {
        if (batches.length > 1) {
          this.#count(target, 'retried', samples, body.length, started, highestMs);
          this.#o.log?.(
            `merged request refused (${result.reason}): sending its ${batches.length} batches one by one`,
            {
              dir: this.dir,
            },
          );
          singles = batches.length;
          continue;
        }
        this.#count(target, 'failed', samples, body.length, started, highestMs);
        this.#ack(batches[0]!);
        this.stats.failedBatches++;
        this.stats.failedSamples += samples;
        if (singles > 0) singles--;
        this.#o.log?.(`non-recoverable error sending ${samples} buffered samples: ${result.reason}`, {
          dir: this.dir,
        });
        continue;
      }
      this.#count(target, 'retried', samples, body.length, started, highestMs);
      this.#o.log?.(`failed to send buffered batch, retrying: ${result.reason}`, {
        dir: this.dir,
        pending: this.#queue.size,
      });
      backoffMs = backoffMs === undefined ? q.min_backoff : Math.min(backoffMs * 2, q.max_backoff);
      try {
        await this.#sleep(retryAfterMs(result.retryAfter) ?? backoffMs, stop);
      } catch {
        return; // aborted by close or detach
      }
    }
  }

  /**
   * The request for the oldest buffered `records`: the leading ones that fit `maxSamples`
   * (at least one) and merge (their bodies snappy blocks), or undefined when the oldest is
   * not a batch at all.
   */
  #request(
    records: readonly Buffer[],
    maxSamples: number,
  ): { batches: Buffer[]; samples: number; highestMs: number; body: Buffer } | undefined {
    const batches: Buffer[] = [];
    let samples = 0;
    let highestMs = -Infinity;
    for (const r of records) {
      if (r.length < ENVELOPE_BYTES) break;
      const n = r.readUInt32BE(8);
      if (batches.length > 0 && samples + n > maxSamples) break;
      batches.push(r);
      samples += n;
      highestMs = Math.max(highestMs, r.readDoubleBE(0));
    }
    if (batches.length === 0) return undefined;
    const first = batches[0]!.subarray(ENVELOPE_BYTES);
    if (batches.length === 1) return { batches, samples, highestMs, body: first };
    try {
      const body = compressBlock(
        Buffer.concat(batches.map((b) => decompressBlock(b.subarray(ENVELOPE_BYTES)))),
      );
      return { batches, samples, highestMs, body };
    } catch {
      // Not all snappy blocks (the receiver will say what it thinks of them): send the oldest alone.
      const only = batches[0]!;
      return { batches: [only], samples: only.readUInt32BE(8), highestMs: only.readDoubleBE(0), body: first };
    }
  }

  /** Acknowledges the batch at the head; a failure to record that on disk only means it may be sent again after a restart. */
  #ack(record: Buffer): void {
    try {
      this.#queue.shift(record);
    } catch (error) {
      this.#o.log?.(`cannot record a sent batch in the overflow buffer: ${(error as Error).message}`, {
        dir: this.dir,
      });
    }
  }

  /** One send attempt into the queue's stats and `prometheus_remote_storage_*`, as a shard counts its own. */
  #count(
    target: SpillTarget,
    outcome: 'sent' | 'retried' | 'failed',
    samples: number,
    bytes: number,
    startedMs: number,
    highestMs: number | undefined,
  ): void {
    const seconds = (performance.now() - startedMs) / 1000;
    const stats = target.stats;
    if (stats) {
      stats.sentBatches++;
      stats.sentBatchDurationSecondsSum += seconds;
      if (outcome === 'sent') stats.samplesTotal += samples;
      else if (outcome === 'retried') stats.samplesRetriedTotal += samples;
      else stats.samplesFailedTotal += samples;
    }
    const labels = target.metricLabels;
    if (!labels) return;
    remoteMetrics.sentBatchDuration.observe(labels, seconds);
    remoteMetrics.bytes.inc(labels, bytes);
    remoteMetrics.samples.inc(labels, samples);
    if (outcome === 'retried') remoteMetrics.samplesRetried.inc(labels, samples);
    if (outcome === 'failed') remoteMetrics.samplesFailed.inc(labels, samples);
    if (outcome === 'sent' && highestMs !== undefined && Number.isFinite(highestMs))
      remoteMetrics.highestSentTimestamp.set(labels, highestMs / 1000);
  }

  #wakeEmptyWaiters(): void {
    const waiters = this.#emptyWaiters;
    this.#emptyWaiters = [];
    for (const w of waiters) w();
  }
}

/** One call of `send`; a thrown error becomes status 0 (a network error, retried) with its message. */
async function attempt(
  send: SendFunc,
  body: Buffer,
  timeoutMs: number,
): Promise<{ status: number; retryAfter: string | null; reason: string }> {
  try {
    const { status, retryAfter } = await send(body, timeoutMs);
    return { status, retryAfter, reason: `server returned HTTP status ${status}` };
  } catch (error) {
    return { status: 0, retryAfter: null, reason: (error as Error).message };
  }
}

/** Upstream's recoverable errors: network (0), 5xx, and 429 when `retry_on_http_429`. */
function retryable(status: number, target: SpillTarget): boolean {
  return status === 0 || status >= 500 || (status === 429 && target.queueConfig.retry_on_http_429);
}
