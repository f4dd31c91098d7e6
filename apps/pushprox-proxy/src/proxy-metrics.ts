import { Counter, Gauge, Histogram } from 'prom-client';
import type { Registry } from 'prom-client';

/** The upstream proxy's metric names (note `pushproxy_` on the proxied counter, as upstream). */
export class ProxyMetrics {
  readonly httpRequests: Counter<'code' | 'path'>;
  readonly httpDuration: Histogram<'path'>;
  readonly proxiedRequests: Counter<'code'>;

  constructor(registry: Registry, knownClients: () => number) {
    this.httpRequests = new Counter({
      name: 'pushprox_http_requests_total',
      help: 'Number of http api requests.',
      labelNames: ['code', 'path'],
      registers: [registry],
    });
    this.httpDuration = new Histogram({
      name: 'pushprox_http_duration_seconds',
      help: 'Time taken by path',
      labelNames: ['path'],
      registers: [registry],
    });
    this.proxiedRequests = new Counter({
      name: 'pushproxy_proxied_requests_total',
      help: 'Number of http proxy requests.',
      labelNames: ['code'],
      registers: [registry],
    });
    new Gauge({
      name: 'pushprox_proxy_clients',
      help: 'Number of connected clients.',
      registers: [registry],
      collect() {
        this.set(knownClients());
      },
    });
    for (const path of ['/push', '/poll', '/clients', '/metrics'])
      this.httpRequests.inc({ code: '200', path }, 0);
    this.httpRequests.inc({ code: '500', path: '/push' }, 0);
    this.httpRequests.inc({ code: '408', path: '/poll' }, 0);
  }
}
