import { connectBus, ensureStream, publishToStream } from '@argus/bus';
import type { Bus } from '@argus/bus';
import {
  SAMPLES_STREAM,
  SAMPLES_STREAM_LIMITS,
  SAMPLES_SUBJECTS,
  samplesMsgId,
  samplesSubject,
} from '@argus/remote';
import type { Appendable, Appender } from '@argus/storage';
import { Gauge } from 'prom-client';
import type { Registry } from 'prom-client';
import type { RemoteWriteConfig } from './config/scraper-config.ts';
import { RemoteWriteQueue } from './remote-write-queue.ts';
import type { RemoteWriteStats, SendFunc } from './remote-write-queue.ts';
import { emptyRemoteWriteStats } from './remote-write-shard.ts';

type Log = (message: string, fields?: Record<string, unknown>) => void;

export interface NatsSamplePublisherOptions {
  /** `--nats.url` (comma-separated servers accepted). */
  readonly url: string;
  /** `--shard`: messages go to `argus.samples.<shard>`. */
  readonly shard: number;
  readonly externalLabels: Readonly<Record<string, string>>;
  readonly log: Log;
  /** How long the first connection is retried before the start fails; default 10 s. */
  readonly connectTimeoutMs?: number;
  /** Queue settings (remote write's `queue_config` names); see {@link NATS_QUEUE_CONFIG}. */
  readonly queueConfig?: Partial<RemoteWriteConfig['queue_config']>;
  /** How long `close` keeps trying to publish what is queued; default 5 s. */
  readonly closeTimeoutMs?: number;
}

/**
 * The queue settings for NATS: remote write's defaults, with larger batches (a publish is
 * cheap, the server's default max payload is 1 MiB) and a one-second batch deadline, so a
 * 1 s scrape reaches tsdb within about a second. Retries back off from 30 ms to 5 s.
 */
export const NATS_QUEUE_CONFIG: RemoteWriteConfig['queue_config'] = {
  capacity: 10_000,
  max_shards: 50,
  min_shards: 1,
  max_samples_per_send: 2_000,
  batch_send_deadline: 1_000,
  min_backoff: 30,
  max_backoff: 5_000,
  retry_on_http_429: true,
};

/** How long one publish waits for the stream's acknowledgement before it is retried. */
const PUBLISH_TIMEOUT_MS = 10_000;

/**
 * Ships committed samples to JetStream (`ARGUS_SAMPLES`, subject `argus.samples.<shard>`)
 * through the remote-write queue with a NATS sender instead of HTTP: the same sharding by
 * series, batching, bounded memory (`capacity` per shard; a full shard makes the scrape's
 * commit wait) and retries with backoff, which here cover NATS being down or the stream
 * not answering. Each batch's message id is the payload's hash, so a publish retried after
 * a lost acknowledgement is stored once. External labels are added as remote write does;
 * `setExternalLabels` (config reload) switches to a new queue after the old one drained.
 */
export class NatsSamplePublisher implements Appendable {
  readonly bus: Bus;
  readonly #o: NatsSamplePublisherOptions;
  readonly #subject: string;
  #queue: RemoteWriteQueue;
  /** Every queue made, for cumulative stats across reloads. */
  readonly #queues: RemoteWriteQueue[] = [];
  #externalKey: string;
  #streamChecked = true;
  #closed = false;

  private constructor(bus: Bus, options: NatsSamplePublisherOptions) {
    this.bus = bus;
    this.#o = options;
    this.#subject = samplesSubject(options.shard);
    this.#externalKey = JSON.stringify(options.externalLabels);
    this.#queue = this.#newQueue(options.externalLabels);
  }

  /** Connects (retrying until `connectTimeoutMs`), makes sure the stream exists, and returns the publisher. */
  static async start(options: NatsSamplePublisherOptions): Promise<NatsSamplePublisher> {
    samplesSubject(options.shard); // a bad shard fails before connecting
    const bus = await connectBus({
      servers: options.url,
      name: `argus-scraper-${options.shard}`,
      connectTimeoutMs: options.connectTimeoutMs,
      onEvent: (e) =>
        e.type === 'error'
          ? options.log('NATS error', { err: e.message })
          : options.log(`NATS ${e.type}`, { server: e.server }),
    });
    try {
      await ensureSamplesStream(bus);
    } catch (error) {
      await bus.close();
      throw new Error(`cannot create JetStream stream ${SAMPLES_STREAM}: ${(error as Error).message}`, {
        cause: error,
      });
    }
    return new NatsSamplePublisher(bus, options);
  }

  /** Totals over every queue this publisher had (`prometheus_remote_storage_*` shapes). */
  get stats(): RemoteWriteStats {
    const total: RemoteWriteStats = emptyRemoteWriteStats();
    for (const q of this.#queues)
      for (const key of Object.keys(total) as (keyof RemoteWriteStats)[]) total[key] += q.stats[key];
    return total;
  }

  appender(): Appender {
    return this.#queue.appender();
  }

  /** On reload: new external labels take effect for commits from now on. */
  async setExternalLabels(labels: Readonly<Record<string, string>>): Promise<void> {
    const key = JSON.stringify(labels);
    if (key === this.#externalKey || this.#closed) return;
    this.#externalKey = key;
    const old = this.#queue;
    this.#queue = this.#newQueue(labels);
    await old.close();
  }

  /**
   * Publishes what is queued (retrying for up to `closeTimeoutMs`; what is left then is
   * lost and logged), then closes the connection.
   */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    const timeoutMs = this.#o.closeTimeoutMs ?? 5_000;
    let timer: NodeJS.Timeout | undefined;
    const flushed = await Promise.race([
      this.#queue.close().then(() => true),
      new Promise<boolean>((r) => (timer = setTimeout(() => r(false), timeoutMs))),
    ]);
    clearTimeout(timer);
    if (!flushed)
      this.#o.log('NATS publisher closed with samples still queued', { pending: this.stats.samplesPending });
    await this.bus.close();
  }

  #newQueue(externalLabels: Readonly<Record<string, string>>): RemoteWriteQueue {
    const config: RemoteWriteConfig = {
      url: `nats:${this.#subject}`,
      remote_timeout: PUBLISH_TIMEOUT_MS,
      headers: {},
      send_exemplars: false,
      write_relabel_configs: [],
      follow_redirects: false,
      enable_http2: false,
      name: undefined,
      authorization: undefined,
      basic_auth: undefined,
      bearer_token: undefined,
      bearer_token_file: undefined,
      tls_config: undefined,
      proxy_url: undefined,
      metadata_config: undefined,
      queue_config: { ...NATS_QUEUE_CONFIG, ...this.#o.queueConfig },
    };
    const queue = new RemoteWriteQueue({
      config,
      externalLabels,
      baseDir: '.',
      send: this.#send,
      onError: (message) => this.#o.log('NATS publish', { subject: this.#subject, err: message }),
    });
    this.#queues.push(queue);
    return queue;
  }

  /**
   * One batch to the stream. Failures are reported as status 0 (retried), except a payload
   * over the server's `max_payload` (413, dropped: it can never be stored). After a
   * failure the stream is checked again, in case the server lost it.
   */
  readonly #send: SendFunc = async (body, timeoutMs) => {
    if (!this.bus.connected) throw new Error('not connected to NATS');
    const maxPayload = this.bus.nc.info?.max_payload;
    if (maxPayload !== undefined && body.length > maxPayload) return { status: 413, retryAfter: null };
    if (!this.#streamChecked) {
      await ensureSamplesStream(this.bus);
      this.#streamChecked = true;
    }
    try {
      await publishToStream(this.bus, this.#subject, body, {
        msgId: samplesMsgId(this.#o.shard, body),
        timeoutMs,
      });
    } catch (error) {
      this.#streamChecked = false;
      throw error;
    }
    return { status: 200, retryAfter: null };
  };
}

/** Creates `ARGUS_SAMPLES` when missing (or brings its subjects and limits to the contract's). */
export function ensureSamplesStream(bus: Bus): Promise<void> {
  return ensureStream(bus, { name: SAMPLES_STREAM, subjects: [SAMPLES_SUBJECTS], ...SAMPLES_STREAM_LIMITS });
}

/** `argus_nats_*` gauges over the publisher's queue totals, plus the connection state. */
export function registerNatsPublisherMetrics(registry: Registry, publisher: NatsSamplePublisher): void {
  const gauge = (name: string, help: string, pick: (s: RemoteWriteStats) => number): void => {
    new Gauge({
      name,
      help,
      registers: [registry],
      collect() {
        this.set(pick(publisher.stats));
      },
    });
  };
  gauge('argus_nats_samples_total', 'Samples stored in the JetStream stream.', (s) => s.samplesTotal);
  gauge(
    'argus_nats_samples_failed_total',
    'Samples dropped because their batch can never be stored (over max_payload).',
    (s) => s.samplesFailedTotal,
  );
  gauge(
    'argus_nats_samples_retried_total',
    'Samples whose publish failed (NATS down, no stream answer) and was retried.',
    (s) => s.samplesRetriedTotal,
  );
  gauge(
    'argus_nats_samples_pending',
    'Samples queued for publishing, bounded by capacity times shards.',
    (s) => s.samplesPending,
  );
  gauge('argus_nats_sent_batches_total', 'Publish attempts, successful or not.', (s) => s.sentBatches);
  new Gauge({
    name: 'argus_nats_connected',
    help: '1 while the connection to NATS is up.',
    registers: [registry],
    collect() {
      this.set(publisher.bus.connected ? 1 : 0);
    },
  });
}
