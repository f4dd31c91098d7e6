import { Labels, LabelsBuilder } from '@argus/model';
import { relabel } from '@argus/relabel';
import { REMOTE_WRITE_HEADERS, encodeWriteRequest, labelsToRemoteLabels } from '@argus/remote';
import type { RemoteTimeSeries } from '@argus/remote';
import type { Appendable, Appender } from '@argus/storage';
import type { RemoteWriteConfig } from './config/scraper-config.ts';
import { authorizationHeader } from './http-scrape.ts';

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

interface PendingSample {
  readonly labels: Labels;
  readonly t: number;
  readonly v: number;
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
}

/**
 * A remote-write 1.0 sender that is also an {@link Appendable}, as upstream's queue manager:
 * committed samples get external labels (where absent) and `write_relabel_configs`, go to
 * one of `min_shards` shards by series hash, and leave in batches of `max_samples_per_send`
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
  readonly #shards: Shard[];
  readonly #external: Labels;
  /** Outgoing labels per incoming Labels object (scrape caches reuse them): null when dropped. */
  #outgoing = new WeakMap<Labels, Labels | null>();
  #closed = false;

  constructor(options: RemoteWriteQueueOptions) {
    this.#o = options;
    this.#external = Labels.fromRecord(options.externalLabels);
    const q = options.config.queue_config;
    const count = Math.max(1, q.min_shards);
    const send = options.send ?? httpSend(options.config, options.baseDir);
    const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms).unref()));
    this.#shards = Array.from(
      { length: count },
      () => new Shard(q, send, sleep, this.stats, options.config.remote_timeout, options.onError),
    );
  }

  appender(): Appender {
    const pending: PendingSample[] = [];
    return {
      append: (ref, labels, t, v) => {
        pending.push({ labels, t, v });
        return ref;
      },
      commit: async () => {
        if (this.#closed) return;
        for (const s of pending) {
          const labels = this.#outgoingLabels(s.labels);
          if (labels === undefined) continue;
          const shard = this.#shards[labels.hash() % this.#shards.length]!;
          await shard.enqueue({ labels, t: s.t, v: s.v });
        }
      },
      rollback: async () => {
        pending.length = 0;
      },
    };
  }

  /** Sends what is queued (retrying as configured) and stops the timers. */
  async close(): Promise<void> {
    this.#closed = true;
    await Promise.all(this.#shards.map((s) => s.close()));
  }

  #outgoingLabels(labels: Labels): Labels | undefined {
    const cached = this.#outgoing.get(labels);
    if (cached !== undefined) return cached ?? undefined;
    const out = this.#computeOutgoing(labels);
    this.#outgoing.set(labels, out ?? null);
    return out;
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
  #queue: PendingSample[] = [];
  #sending: Promise<void> | undefined;
  #timer: NodeJS.Timeout | undefined;
  #waiters: (() => void)[] = [];

  constructor(
    readonly q: RemoteWriteConfig['queue_config'],
    readonly send: SendFunc,
    readonly sleep: (ms: number) => Promise<void>,
    readonly stats: RemoteWriteStats,
    readonly timeoutMs: number,
    readonly onError: ((message: string) => void) | undefined,
  ) {}

  async enqueue(sample: PendingSample): Promise<void> {
    while (this.#queue.length >= this.q.capacity) {
      this.#flush();
      await new Promise<void>((resolve) => this.#waiters.push(resolve));
    }
    this.#queue.push(sample);
    this.stats.samplesPending++;
    if (this.#queue.length >= this.q.max_samples_per_send) this.#flush();
    else this.#timer ??= setTimeout(() => this.#flush(), this.q.batch_send_deadline).unref();
  }

  async close(): Promise<void> {
    while (this.#queue.length > 0 || this.#sending) {
      this.#flush();
      await this.#sending;
    }
    clearTimeout(this.#timer);
  }

  /** Starts sending if idle; batches are sent one at a time per shard to keep series order. */
  #flush(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    if (this.#sending || this.#queue.length === 0) return;
    const batch = this.#queue.splice(0, this.q.max_samples_per_send);
    this.#sending = this.#sendWithRetry(batch).finally(() => {
      this.#sending = undefined;
      this.stats.samplesPending -= batch.length;
      const waiters = this.#waiters;
      this.#waiters = [];
      for (const w of waiters) w();
      if (this.#queue.length >= this.q.max_samples_per_send) this.#flush();
      else if (this.#queue.length > 0)
        this.#timer ??= setTimeout(() => this.#flush(), this.q.batch_send_deadline).unref();
    });
  }

  async #sendWithRetry(batch: PendingSample[]): Promise<void> {
    const body = encodeWriteRequest({ timeseries: toTimeSeries(batch) });
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
      this.stats.sentBatchDurationSecondsSum += (performance.now() - started) / 1000;
      if (status >= 200 && status < 300) {
        this.stats.samplesTotal += batch.length;
        return;
      }
      const retryable = status === 0 || status >= 500 || (status === 429 && this.q.retry_on_http_429);
      if (!retryable) {
        this.stats.samplesFailedTotal += batch.length;
        this.onError?.(`non-recoverable error sending ${batch.length} samples: ${reason}`);
        return;
      }
      this.stats.samplesRetriedTotal += batch.length;
      this.onError?.(`failed to send batch, retrying: ${reason}`);
      const wait = retryAfterMs(retryAfter) ?? backoff;
      await this.sleep(wait);
      backoff = Math.min(backoff * 2, this.q.max_backoff);
    }
  }
}

const remoteLabelsCache = new WeakMap<Labels, ReturnType<typeof labelsToRemoteLabels>>();

/**
 * Groups a batch by series object, keeping sample order within each. Equal label sets held
 * by different objects become separate entries, which remote write allows.
 */
function toTimeSeries(batch: PendingSample[]): RemoteTimeSeries[] {
  const bySeries = new Map<Labels, RemoteTimeSeries>();
  for (const s of batch) {
    let ts = bySeries.get(s.labels);
    if (ts === undefined) {
      let labels = remoteLabelsCache.get(s.labels);
      if (labels === undefined) {
        labels = labelsToRemoteLabels(s.labels);
        remoteLabelsCache.set(s.labels, labels);
      }
      ts = { labels, samples: [] };
      bySeries.set(s.labels, ts);
    }
    ts.samples.push({ value: s.v, timestamp: s.t });
  }
  return [...bySeries.values()];
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
