import { AckPolicy, DeliverPolicy, JetStreamApiError, StorageType } from '@nats-io/jetstream';
import type { ConsumerMessages, JsMsg } from '@nats-io/jetstream';
import type { Bus } from './bus-connection.ts';

export interface StreamOptions {
  readonly name: string;
  /** Subjects the stream captures, e.g. `argus.samples.>`. */
  readonly subjects: readonly string[];
  /** Messages older than this are dropped (ms); 0 = forever. */
  readonly maxAgeMs?: number;
  /** Size cap in bytes; oldest dropped first. -1 = none. */
  readonly maxBytes?: number;
  /** Window (ms) in which a repeated `msgId` is dropped as a duplicate; default 2 minutes. */
  readonly duplicateWindowMs?: number;
  readonly replicas?: number;
  readonly storage?: 'file' | 'memory';
}

const nanos = (ms: number): number => Math.round(ms * 1_000_000);

/**
 * Creates the stream, or updates its subjects and limits when it exists. Resolves once the
 * server has it.
 */
export async function ensureStream(bus: Bus, options: StreamOptions): Promise<void> {
  const config = {
    name: options.name,
    subjects: [...options.subjects],
    max_age: nanos(options.maxAgeMs ?? 0),
    max_bytes: options.maxBytes ?? -1,
    // The server refuses a duplicate window longer than the age limit.
    duplicate_window: nanos(
      options.maxAgeMs
        ? Math.min(options.maxAgeMs, options.duplicateWindowMs ?? 120_000)
        : (options.duplicateWindowMs ?? 120_000),
    ),
    num_replicas: options.replicas ?? 1,
    storage: options.storage === 'memory' ? StorageType.Memory : StorageType.File,
  };
  try {
    await bus.jsm.streams.info(options.name);
  } catch (error) {
    if (error instanceof JetStreamApiError || (error as Error).name === 'StreamNotFoundError') {
      await bus.jsm.streams.add(config);
      return;
    }
    throw error;
  }
  const { storage: _storage, ...updatable } = config;
  await bus.jsm.streams.update(options.name, updatable);
}

/** Where a publish landed. `duplicate` is true when the stream dropped it as a repeat of `msgId`. */
export interface PublishAck {
  readonly stream: string;
  readonly seq: number;
  readonly duplicate: boolean;
}

/**
 * Publishes to a stream subject and resolves once the stream has stored it. With `msgId`,
 * a retry of the same message inside the duplicate window is stored once.
 */
export async function publishToStream(
  bus: Bus,
  subject: string,
  data: Uint8Array | string,
  options: { msgId?: string; timeoutMs?: number } = {},
): Promise<PublishAck> {
  const ack = await bus.js.publish(subject, data, {
    ...(options.msgId !== undefined ? { msgID: options.msgId } : {}),
    ...(options.timeoutMs !== undefined ? { timeout: options.timeoutMs } : {}),
  });
  return { stream: ack.stream, seq: ack.seq, duplicate: ack.duplicate };
}

/**
 * Thrown by a consumer's handler for a message that can never be handled (it does not
 * decode): the message is terminated instead of being redelivered forever.
 */
export class UnprocessableMessageError extends Error {
  override name = 'UnprocessableMessageError';
}

/** One message handed to a consumer's handler. */
export interface StreamMessage {
  readonly subject: string;
  readonly data: Uint8Array;
  /** Stream sequence number. */
  readonly seq: number;
  /** How many times the server has delivered it (1 the first time). */
  readonly deliveryCount: number;
}

export interface ConsumeOptions {
  readonly stream: string;
  /** Durable consumer name: restarts resume after the last acknowledged message. */
  readonly durable: string;
  readonly filterSubject?: string;
  /** Where a new durable starts: `all` (default) or `new`. */
  readonly deliver?: 'all' | 'new';
  /**
   * Handles one message. Resolving acknowledges it; throwing asks the server to deliver
   * it again after `retryDelayMs`, except {@link UnprocessableMessageError}, which
   * terminates it (never delivered again). Messages are handled one at a time, in order.
   */
  readonly handler: (message: StreamMessage) => Promise<void>;
  readonly retryDelayMs?: number;
  /** Server redelivers an unacknowledged message after this long (ms); default 30 000. */
  readonly ackWaitMs?: number;
  readonly onError?: (error: unknown, message: StreamMessage) => void;
  /**
   * At start, deliver again at once (in order) what an earlier process took and never
   * acknowledged, instead of after `ackWaitMs` behind newer messages: the durable is
   * recreated at its ack floor. For a durable that one process consumes (a crashed
   * consumer's in-flight messages then come back before anything newer).
   */
  readonly resumeFromAckFloor?: boolean;
}

export interface StreamConsumer {
  /** Stops taking messages; resolves when the current handler has finished. */
  stop(): Promise<void>;
}

/**
 * Consumes a stream through a durable pull consumer with explicit acknowledgement: a
 * message is acknowledged only after `handler` resolved, so nothing acknowledged is lost
 * and nothing unacknowledged is skipped.
 */
export async function consumeStream(bus: Bus, options: ConsumeOptions): Promise<StreamConsumer> {
  const config = {
    durable_name: options.durable,
    ack_policy: AckPolicy.Explicit,
    ack_wait: nanos(options.ackWaitMs ?? 30_000),
    deliver_policy: options.deliver === 'new' ? DeliverPolicy.New : DeliverPolicy.All,
    ...(options.filterSubject !== undefined ? { filter_subject: options.filterSubject } : {}),
  };
  let existing: Awaited<ReturnType<typeof bus.jsm.consumers.info>> | undefined;
  try {
    existing = await bus.jsm.consumers.info(options.stream, options.durable);
  } catch {
    await bus.jsm.consumers.add(options.stream, config);
  }
  if (existing && options.resumeFromAckFloor && existing.num_ack_pending > 0) {
    await bus.jsm.consumers.delete(options.stream, options.durable);
    await bus.jsm.consumers.add(options.stream, {
      ...config,
      deliver_policy: DeliverPolicy.StartSequence,
      opt_start_seq: existing.ack_floor.stream_seq + 1,
    });
  }
  const consumer = await bus.js.consumers.get(options.stream, options.durable);
  const messages: ConsumerMessages = await consumer.consume({ max_messages: 256 });
  const done = (async () => {
    for await (const m of messages) await handle(m);
  })();
  async function handle(m: JsMsg): Promise<void> {
    const message: StreamMessage = {
      subject: m.subject,
      data: m.data,
      seq: m.seq,
      deliveryCount: m.info.deliveryCount,
    };
    try {
      await options.handler(message);
      m.ack();
    } catch (error) {
      options.onError?.(error, message);
      // No reason text: nats-server 2.9 (Debian's) does not parse `+TERM <reason>`.
      if (error instanceof UnprocessableMessageError) m.term();
      else m.nak(options.retryDelayMs ?? 1_000);
    }
  }
  return {
    async stop() {
      await messages.close();
      await done.catch(() => undefined);
      // Acknowledgements and the unsubscribe of the pull inbox are only queued on the
      // connection; until the server has read them it may hand a newly published message
      // to this closed pull, where it would wait out the ack wait before redelivery.
      await bus.nc.flush();
    },
  };
}
