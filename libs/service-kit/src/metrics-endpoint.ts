import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Registry } from 'prom-client';
import { OPENMETRICS_CONTENT_TYPE, formatText, negotiateFormat } from '@argus/exposition';
import type { MetricFamily } from '@argus/exposition';
import { registryFamilies } from './registry-families.ts';
import type { ScrapeMetrics } from './self-metrics.ts';

const gzipAsync = promisify(gzip);

/** Content type of the Prometheus text format 0.0.4, as promhttp sends it. */
export const TEXT_FORMAT_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

export interface MetricsHandlerOptions {
  readonly registry: Registry;
  /**
   * The service's own families after the registry's (node-exporter's collectors). With them,
   * the body is the text format 0.0.4 or OpenMetrics 1.0 as `Accept` negotiates; without,
   * it is prom-client's text.
   */
  readonly families?: (() => MetricFamily[] | Promise<MetricFamily[]>) | undefined;
  /** promhttp's self-metrics, counted when given. */
  readonly scrapeMetrics?: ScrapeMetrics | undefined;
  /** More concurrent scrapes than this get 503 (node_exporter's `--web.max-requests`); 0 or undefined: no limit. */
  readonly maxRequests?: number | undefined;
}

/**
 * The exposition endpoint: the registry's metrics followed by the service's own, gzipped
 * when the client accepts gzip (as promhttp does). A failing producer yields 500 with its
 * error text, never a partial body; a scrape over the concurrency limit yields 503.
 */
export function metricsHandler(options: MetricsHandlerOptions) {
  const { registry, families, scrapeMetrics, maxRequests } = options;
  let inFlight = 0;
  return async (request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> => {
    if (maxRequests && inFlight >= maxRequests) {
      scrapeMetrics?.requests.inc({ code: '503' });
      return reply
        .code(503)
        .type('text/plain; charset=utf-8')
        .send(`Limit of concurrent requests reached (${maxRequests}), try again later.\n`);
    }
    inFlight++;
    scrapeMetrics?.inFlight.inc();
    try {
      let body: string;
      let contentType = TEXT_FORMAT_CONTENT_TYPE;
      try {
        if (families) {
          const format = negotiateFormat(acceptHeader(request.headers.accept));
          body = formatText([...(await registryFamilies(registry)), ...(await families())], format);
          if (format === 'openmetrics') contentType = OPENMETRICS_CONTENT_TYPE;
        } else {
          body = await registry.metrics();
          if (body.trim() === '') body = '';
        }
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        request.log.error({ err: error }, 'Error gathering metrics');
        scrapeMetrics?.errors.inc({ cause: 'gathering' });
        scrapeMetrics?.requests.inc({ code: '500' });
        return reply
          .code(500)
          .type('text/plain; charset=utf-8')
          .send(`An error has occurred while serving metrics:\n\n${message}\n`);
      }
      reply.type(contentType);
      scrapeMetrics?.requests.inc({ code: '200' });
      if (acceptsGzip(request.headers['accept-encoding'])) {
        reply.header('content-encoding', 'gzip').header('vary', 'Accept-Encoding');
        return reply.send(await gzipAsync(body));
      }
      return reply.send(body);
    } finally {
      inFlight--;
      scrapeMetrics?.inFlight.dec();
    }
  };
}

function acceptHeader(header: string | string[] | undefined): string | undefined {
  return Array.isArray(header) ? header.join(',') : header;
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
