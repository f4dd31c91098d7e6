import type { FastifyInstance } from 'fastify';
import { MAX_WEBHOOK_BODY_BYTES } from './webhook-payload.ts';

/**
 * Makes every route of `app` receive its body as a Buffer whatever the Content-Type, so the
 * driver, not fastify, decides what a bad body is (a clear message instead of fastify's
 * `FST_ERR_CTP_*`). Bodies over `limitBytes` are refused with 413 before they are read whole.
 */
export function acceptRawBodies(app: FastifyInstance, limitBytes = MAX_WEBHOOK_BODY_BYTES): void {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: limitBytes }, (_req, body, done) =>
    done(null, body),
  );
}
