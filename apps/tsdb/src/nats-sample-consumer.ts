import { UnprocessableMessageError, connectBus, consumeStream, ensureStream } from '@argus/bus';
import type { Bus, StreamConsumer, StreamMessage } from '@argus/bus';
import {
  MalformedRequestError,
  RequestTooLargeError,
  SAMPLES_STREAM,
  SAMPLES_STREAM_LIMITS,
  SAMPLES_SUBJECTS,
  decodeWriteRequest,
} from '@argus/remote';
import type { WriteRequest } from '@argus/remote';
import type { Logger } from '@argus/service-kit';
import type { Appendable } from '@argus/storage';
import { Counter, Gauge } from 'prom-client';
import type { Registry } from 'prom-client';
import type { MetadataStore } from './metadata-store.ts';
import { appendWriteRequest } from './remote-write-receiver.ts';

export interface NatsSampleConsumerOptions {
  /** `--nats.url` (comma-separated servers accepted). */
  readonly url: string;
  /** `--nats.consumer`: the durable consumer's name; one tsdb per name. */
  readonly durable: string;
  readonly appendable: Appendable;
  readonly metadata: MetadataStore;
  readonly logger: Logger;
  readonly registry: Registry;
  readonly samplesRejected?: Counter<'reason'>;
  /** How long the first connection is retried before the start fails; default 10 s. */
  readonly connectTimeoutMs?: number;
}

export interface NatsSampleConsumer {
  readonly bus: Bus;
  /** Stops taking messages (the current one finishes and is acknowledged), then disconnects. */
  stop(): Promise<void>;
}

/**
 * Consumes `ARGUS_SAMPLES` (every `argus.samples.<shard>`) through a durable pull consumer
 * and appends each message as the remote-write receiver appends a request body, acking
 * only once the append committed (its WAL record written). So a tsdb killed mid-way loses
 * nothing: at the next start the durable resumes at its ack floor, redelivering at once
 * and in order what was taken but not acknowledged (`resumeFromAckFloor`), and what was
 * published meanwhile follows. A message that does not decode is logged with its subject
 * and sequence and terminated; refused samples (out of order, duplicates: a redelivery
 * after a crash between WAL write and ack) are logged and the rest kept, as for remote
 * write; a storage failure asks for redelivery.
 */
export async function startNatsSampleConsumer(
  options: NatsSampleConsumerOptions,
): Promise<NatsSampleConsumer> {
  const { logger } = options;
  const bus = await connectBus({
    servers: options.url,
    name: `argus-tsdb-${options.durable}`,
    connectTimeoutMs: options.connectTimeoutMs,
    onEvent: (e) =>
      e.type === 'error'
        ? logger.warn({ err: e.message }, 'NATS error')
        : logger.warn({ server: e.server }, `NATS ${e.type}`),
  });
  const messages = new Counter({
    name: 'argus_nats_messages_total',
    help: 'Sample messages taken from JetStream, by outcome (appended, terminated, retried).',
    labelNames: ['outcome'] as const,
    registers: [options.registry],
  });
  const samples = new Counter({
    name: 'argus_nats_samples_appended_total',
    help: 'Samples appended from JetStream messages.',
    registers: [options.registry],
  });
  new Gauge({
    name: 'argus_nats_connected',
    help: '1 while the connection to NATS is up.',
    registers: [options.registry],
    collect() {
      this.set(bus.connected ? 1 : 0);
    },
  });

  const handler = async (m: StreamMessage): Promise<void> => {
    let request: WriteRequest;
    try {
      request = decodeWriteRequest(m.data);
    } catch (err) {
      if (!(err instanceof MalformedRequestError || err instanceof RequestTooLargeError)) throw err;
      logger.error(
        { subject: m.subject, seq: m.seq, err: err.message },
        'NATS samples: message does not decode; terminated',
      );
      throw new UnprocessableMessageError(err.message);
    }
    for (const md of request.metadata)
      options.metadata.set(md.metricFamilyName, {
        type: md.type.toLowerCase(),
        help: md.help,
        unit: md.unit,
      });
    const outcome = await appendWriteRequest(options.appendable, request, (reason) =>
      options.samplesRejected?.inc({ reason }),
    );
    samples.inc(outcome.samplesAppended);
    messages.inc({ outcome: 'appended' });
    if (outcome.firstError !== undefined)
      logger.warn(
        {
          subject: m.subject,
          seq: m.seq,
          delivery: m.deliveryCount,
          rejected: outcome.samplesRejected,
          appended: outcome.samplesAppended,
          first: outcome.firstError,
        },
        'NATS samples: samples refused',
      );
  };

  let consumer: StreamConsumer;
  try {
    await ensureStream(bus, { name: SAMPLES_STREAM, subjects: [SAMPLES_SUBJECTS], ...SAMPLES_STREAM_LIMITS });
    consumer = await consumeStream(bus, {
      stream: SAMPLES_STREAM,
      durable: options.durable,
      filterSubject: SAMPLES_SUBJECTS,
      resumeFromAckFloor: true,
      retryDelayMs: 1_000,
      handler,
      onError: (err, m) => {
        if (err instanceof UnprocessableMessageError) {
          messages.inc({ outcome: 'terminated' });
          return;
        }
        messages.inc({ outcome: 'retried' });
        logger.error(
          { subject: m.subject, seq: m.seq, delivery: m.deliveryCount, err: (err as Error).message },
          'NATS samples: storage failure; message will be redelivered',
        );
      },
    });
  } catch (err) {
    await bus.close();
    throw new Error(
      `cannot consume JetStream stream ${SAMPLES_STREAM} as ${JSON.stringify(options.durable)}: ${(err as Error).message}`,
      { cause: err },
    );
  }
  logger.info({ stream: SAMPLES_STREAM, durable: options.durable }, 'consuming samples from NATS');
  return {
    bus,
    async stop() {
      await consumer.stop();
      await bus.close();
    },
  };
}
