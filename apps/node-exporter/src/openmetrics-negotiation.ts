import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import { OPENMETRICS_CONTENT_TYPE, formatText, negotiateFormat } from '@argus/exposition';
import type { MetricFamily } from '@argus/exposition';
import type { Service } from '@argus/service-kit';
import { registryFamilies } from './registry-families.ts';

const gzipAsync = promisify(gzip);

/**
 * Answers scrapes of `path` whose `Accept` header negotiates OpenMetrics 1.0 (as Prometheus
 * asks by default) with the registry's families and `families()` in OpenMetrics, gzipped when
 * accepted. Other scrapes fall through to the service kit's text-format handler. Installed as
 * a `preHandler` hook, so the web config's TLS and basic auth (`onRequest`) apply first.
 */
export function serveOpenMetrics(
  app: Service['app'],
  path: string,
  registry: Service['registry'],
  families: () => Promise<MetricFamily[]>,
): void {
  app.addHook('preHandler', async (request, reply) => {
    if (request.method !== 'GET' || request.routeOptions.url !== path) return;
    if (negotiateFormat(request.headers.accept) !== 'openmetrics') return;
    const all = [...(await registryFamilies(registry)), ...(await families())];
    const body = formatText(all, 'openmetrics');
    reply.type(OPENMETRICS_CONTENT_TYPE);
    if (acceptsGzip(request.headers['accept-encoding'])) {
      reply.header('content-encoding', 'gzip').header('vary', 'Accept-Encoding');
      return reply.send(await gzipAsync(body));
    }
    return reply.send(body);
  });
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
