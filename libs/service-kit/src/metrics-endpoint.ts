import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Registry } from 'prom-client';

const gzipAsync = promisify(gzip);

/** Content type of the Prometheus text format 0.0.4, as promhttp sends it. */
export const TEXT_FORMAT_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

/**
 * Answers a scrape: the registry's exposition followed by the service's own, gzipped when
 * the client accepts gzip (as promhttp does). A failing producer yields 500 with its error
 * text, never a partial body.
 */
export async function serveMetrics(
  request: FastifyRequest,
  reply: FastifyReply,
  registry: Registry,
  exposition: (() => string | Promise<string>) | undefined,
): Promise<FastifyReply> {
  let body: string;
  try {
    let own = await registry.metrics();
    if (own.trim() === '') own = '';
    const extra = exposition ? await exposition() : '';
    body = own === '' || own.endsWith('\n') ? own + extra : `${own}\n${extra}`;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    request.log.error({ err: error }, 'Error gathering metrics');
    return reply
      .code(500)
      .type('text/plain; charset=utf-8')
      .send(`An error has occurred while serving metrics:\n\n${message}\n`);
  }
  reply.type(TEXT_FORMAT_CONTENT_TYPE);
  if (acceptsGzip(request.headers['accept-encoding'])) {
    reply.header('content-encoding', 'gzip').header('vary', 'Accept-Encoding');
    return reply.send(await gzipAsync(body));
  }
  return reply.send(body);
}

function acceptsGzip(header: string | string[] | undefined): boolean {
  if (header === undefined) return false;
  const text = Array.isArray(header) ? header.join(',') : header;
  return text.split(',').some((part) => {
    const [coding, ...params] = part.trim().split(';');
    if (coding?.trim().toLowerCase() !== 'gzip') return false;
    const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    return q === undefined || Number(q.slice(2)) > 0;
  });
}
