import type { FastifyInstance } from 'fastify';
import { MAX_WEBHOOK_BODY_BYTES } from './webhook-payload.ts';

/** Past this many bytes a too-large body is no longer drained: the connection is cut. */
const MAX_DRAINED_BYTES = 64 * 1024 * 1024;

/**
 * Makes every route of `app` receive its body as a Buffer whatever the Content-Type, so the
 * driver, not fastify, decides what a bad body is (a clear message instead of fastify's
 * `FST_ERR_CTP_*`). A body over `limitBytes` is read to its end and discarded, then answered
 * 413: replying while the client is still sending would make it see a broken pipe, not the 413.
 */
export function acceptRawBodies(app: FastifyInstance, limitBytes = MAX_WEBHOOK_BODY_BYTES): void {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', (request, payload, done) => {
    const chunks: Buffer[] = [];
    let size = 0;
    payload.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limitBytes) chunks.push(chunk);
      else if (size > MAX_DRAINED_BYTES) request.raw.destroy();
    });
    payload.on('error', (error) => done(error, undefined));
    payload.on('end', () => {
      if (size <= limitBytes) return done(null, Buffer.concat(chunks));
      const error = Object.assign(new Error(`request body is larger than ${limitBytes} bytes`), {
        statusCode: 413,
      });
      done(error, undefined);
    });
  });
}
