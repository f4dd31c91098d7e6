import {
  BlockDecompressor,
  MalformedRequestError,
  RequestTooLargeError,
  remoteLabelsToLabels,
  type RemoteMetadata,
  type WriteRequest,
} from '@argus/remote';
import { validateLabels, type Labels } from '@argus/model';
import { StorageError, type Appendable } from '@argus/storage';
import type { OutgoingHttpHeaders } from 'node:http';
import type { FastifyInstance } from 'fastify';
import type { Counter } from 'prom-client';
import type { Logger } from '@argus/service-kit';
import type { MetadataStore } from './metadata-store.ts';
import { SeriesCache } from './series-cache.ts';
import { appendEncodedWriteRequest } from './write-request-walker.ts';

export interface RemoteWriteOptions {
  readonly appendable: Appendable;
  readonly metadata: MetadataStore;
  readonly logger: Logger;
  /** Largest accepted body, compressed and decoded; default 32 MiB. */
  readonly maxBodyBytes?: number;
  readonly samplesRejected?: Counter<'reason'>;
}

/** What one request appended and what it had to refuse. */
export interface WriteOutcome {
  samplesAppended: number;
  samplesRejected: number;
  /** The first refusal, reported to the sender. */
  firstError: string | undefined;
}

const DEFAULT_MAX_BODY_BYTES = 32 * 1024 * 1024;

/**
 * Appends every acceptable sample of a decoded request and commits once. Samples the
 * storage refuses (out of order, duplicate, out of bounds) and series with invalid labels
 * are skipped and counted; the rest is kept, so one bad sample never loses a batch.
 * Storage failures other than refusals propagate (the caller answers 5xx).
 */
export async function appendWriteRequest(
  appendable: Appendable,
  request: WriteRequest,
  onReject?: (reason: string) => void,
): Promise<WriteOutcome> {
  const app = appendable.appender();
  const outcome: WriteOutcome = { samplesAppended: 0, samplesRejected: 0, firstError: undefined };
  const reject = (reason: string, message: string, count: number) => {
    outcome.samplesRejected += count;
    outcome.firstError ??= message;
    onReject?.(reason);
  };
  try {
    for (const series of request.timeseries) {
      let labels: Labels;
      try {
        labels = remoteLabelsToLabels(series.labels);
        if (labels.metricName === '') throw new Error(`series ${labels.toString()} has no metric name`);
        validateLabels(labels);
      } catch (err) {
        reject('invalid_labels', `invalid labels: ${(err as Error).message}`, series.samples.length);
        continue;
      }
      let ref = 0;
      for (const sample of series.samples) {
        try {
          ref = app.append(ref, labels, sample.timestamp, sample.value);
          outcome.samplesAppended++;
        } catch (err) {
          if (!(err instanceof StorageError)) throw err;
          reject(err.code, `${err.message} for series ${labels.toString()}`, 1);
        }
      }
    }
  } catch (err) {
    await app.rollback();
    throw err;
  }
  await app.commit();
  return outcome;
}

/**
 * `POST /api/v1/write`: remote write 1.0 (protobuf in snappy). 204 when everything was
 * stored; 400 for a malformed body or refused samples (the rest is stored); 413 for an
 * oversized body; 500 when the storage fails, which a sender retries.
 */
export function registerRemoteWrite(app: FastifyInstance, options: RemoteWriteOptions): void {
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  void app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: maxBodyBytes }, (_req, body, done) =>
      done(null, body),
    );
    // Series of earlier requests by label bytes: senders repeat the same series every scrape.
    const cache = new SeriesCache();
    // One body is decoded at a time (the walk is synchronous up to its commit), so one
    // buffer serves every request.
    const decompressor = new BlockDecompressor();
    const onReject = (reason: string) => options.samplesRejected?.inc({ reason });
    const onMetadata = (m: RemoteMetadata) =>
      options.metadata.set(m.metricFamilyName, { type: m.type.toLowerCase(), help: m.help, unit: m.unit });
    scope.post('/api/v1/write', async (request, reply) => {
      const body = request.body as Buffer | undefined;
      let outcome: WriteOutcome;
      try {
        const decoded = decompressor.decompress(body ?? Buffer.alloc(0), maxBodyBytes);
        outcome = await appendEncodedWriteRequest(options.appendable, decoded, cache, onReject, onMetadata);
      } catch (err) {
        if (err instanceof RequestTooLargeError)
          return reply
            .code(413)
            .type('text/plain')
            .send(err.message + '\n');
        if (err instanceof MalformedRequestError)
          return reply
            .code(400)
            .type('text/plain')
            .send(err.message + '\n');
        options.logger.error({ err: (err as Error).message }, 'remote write: storage failure');
        return reply
          .code(500)
          .type('text/plain')
          .send(`storage failure: ${(err as Error).message}\n`);
      }
      if (outcome.firstError !== undefined) {
        options.logger.warn(
          { rejected: outcome.samplesRejected, appended: outcome.samplesAppended, first: outcome.firstError },
          'remote write: samples refused',
        );
        return reply
          .code(400)
          .type('text/plain')
          .send(outcome.firstError + '\n');
      }
      // Success, the common case, goes straight to the socket: fastify's send path (onSend
      // hooks, serialization) costs as much as the rest of a request's handling. The headers
      // set so far (web config) are kept, onResponse hooks (HTTP metrics) still run, and the
      // connection is closed while the service stops, as service-kit's onSend hook does.
      reply.hijack();
      const headers = reply.getHeaders();
      if (!request.server.server.listening) headers.connection = 'close';
      reply.raw.writeHead(204, headers as OutgoingHttpHeaders);
      reply.raw.end();
    });
  });
}
