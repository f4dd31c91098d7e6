import type { FastifyInstance } from 'fastify';
import { Counter, Gauge, Histogram } from 'prom-client';
import type { Registry } from 'prom-client';

/**
 * Upstream's HTTP families: `alertmanager_http_request_duration_seconds{handler,method}`,
 * `alertmanager_http_response_size_bytes{handler,method}`,
 * `alertmanager_http_requests_in_flight{method}` and
 * `alertmanager_http_concurrency_limit_exceeded_total{method}` (0: Argus has no
 * `--web.get-concurrency` limit). `handler` is the route pattern, `method` lower-case.
 */
export function instrumentAlertmanagerHttp(app: FastifyInstance, registry: Registry): void {
  const duration = new Histogram({
    name: 'alertmanager_http_request_duration_seconds',
    help: 'Histogram of latencies for HTTP requests.',
    labelNames: ['handler', 'method'],
    buckets: [0.05, 0.1, 0.25, 0.5, 0.75, 1, 2, 5, 20, 60],
    registers: [registry],
  });
  const size = new Histogram({
    name: 'alertmanager_http_response_size_bytes',
    help: 'Histogram of response size for HTTP requests.',
    labelNames: ['handler', 'method'],
    buckets: [100, 1_000, 10_000, 100_000, 1_000_000, 10_000_000, 100_000_000],
    registers: [registry],
  });
  const inFlight = new Gauge({
    name: 'alertmanager_http_requests_in_flight',
    help: 'Current number of HTTP requests being processed.',
    labelNames: ['method'],
    registers: [registry],
  });
  const limited = new Counter({
    name: 'alertmanager_http_concurrency_limit_exceeded_total',
    help: 'Total number of times an HTTP request failed because the concurrency limit was reached.',
    labelNames: ['method'],
    registers: [registry],
  });
  limited.inc({ method: 'get' }, 0);
  inFlight.set({ method: 'get' }, 0);
  app.addHook('onRequest', async (request) => {
    inFlight.inc({ method: request.method.toLowerCase() });
  });
  app.addHook('onResponse', async (request, reply) => {
    const method = request.method.toLowerCase();
    const handler = request.routeOptions.url ?? 'other';
    inFlight.dec({ method });
    duration.observe({ handler, method }, reply.elapsedTime / 1000);
    const length = Number(reply.getHeader('content-length') ?? 0);
    size.observe({ handler, method }, Number.isFinite(length) ? length : 0);
  });
}
