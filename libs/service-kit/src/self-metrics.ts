import { arch } from 'node:process';
import type { FastifyInstance } from 'fastify';
import { Counter, Gauge, Histogram } from 'prom-client';
import type { Registry } from 'prom-client';

const GOARCH: Readonly<Record<string, string>> = {
  x64: 'amd64',
  ia32: '386',
  arm64: 'arm64',
  arm: 'arm',
  ppc64: 'ppc64le',
  s390x: 's390x',
  riscv64: 'riscv64',
};

/** What `<namespace>_build_info` reports. */
export interface BuildInfo {
  readonly version: string;
  readonly revision?: string;
  readonly branch?: string;
}

/**
 * Registers `<namespace>_build_info` with upstream's label names, so dashboards and alerts
 * that select on them keep working: `goversion` carries the Node.js version, `goos` and
 * `goarch` the platform in Go's spelling.
 */
export function registerBuildInfo(registry: Registry, namespace: string, info: BuildInfo): void {
  const gauge = new Gauge({
    name: `${namespace}_build_info`,
    help: `A metric with a constant '1' value labeled by version, revision, branch, goversion from which ${namespace} was built, and the goos and goarch for the build.`,
    labelNames: ['version', 'revision', 'branch', 'goversion', 'goos', 'goarch'],
    registers: [registry],
  });
  gauge.set(
    {
      version: info.version,
      revision: info.revision ?? 'unknown',
      branch: info.branch ?? 'unknown',
      goversion: `node${process.versions.node}`,
      goos: process.platform,
      goarch: GOARCH[arch] ?? arch,
    },
    1,
  );
}

/** `<namespace>_config_last_reload_successful` and `…_success_timestamp_seconds`, as Prometheus and Alertmanager expose them. */
export class ReloadMetrics {
  readonly #successful: Gauge;
  readonly #timestamp: Gauge;

  constructor(registry: Registry, namespace: string) {
    this.#successful = new Gauge({
      name: `${namespace}_config_last_reload_successful`,
      help: 'Whether the last configuration reload attempt was successful.',
      registers: [registry],
    });
    this.#timestamp = new Gauge({
      name: `${namespace}_config_last_reload_success_timestamp_seconds`,
      help: 'Timestamp of the last successful configuration reload.',
      registers: [registry],
    });
    this.record(true);
  }

  /** Records the outcome of a load: the timestamp moves only on success. */
  record(ok: boolean): void {
    this.#successful.set(ok ? 1 : 0);
    if (ok) this.#timestamp.set(Date.now() / 1000);
  }
}

/**
 * Counts every request as Prometheus does: `<namespace>_http_requests_total{code,handler}`
 * and `<namespace>_http_request_duration_seconds{handler}`, `handler` being the route
 * pattern (`/api/v1/query`, `/metrics`), never the raw URL, so cardinality stays bounded.
 */
export function instrumentHttp(app: FastifyInstance, registry: Registry, namespace: string): void {
  const requests = new Counter({
    name: `${namespace}_http_requests_total`,
    help: 'Counter of HTTP requests.',
    labelNames: ['code', 'handler'],
    registers: [registry],
  });
  const duration = new Histogram({
    name: `${namespace}_http_request_duration_seconds`,
    help: 'Histogram of latencies for HTTP requests.',
    labelNames: ['handler'],
    buckets: [0.1, 0.2, 0.4, 1, 3, 8, 20, 60, 120],
    registers: [registry],
  });
  app.addHook('onResponse', async (request, reply) => {
    const handler = request.routeOptions.url ?? 'other';
    requests.inc({ code: String(reply.statusCode), handler });
    duration.observe({ handler }, reply.elapsedTime / 1000);
  });
}

/**
 * promhttp's own metrics for the exposition endpoint, as every Go exporter serves them:
 * `promhttp_metric_handler_requests_total{code}`, `…_requests_in_flight` and
 * `…_errors_total{cause}`.
 */
export class ScrapeMetrics {
  readonly requests: Counter<'code'>;
  readonly inFlight: Gauge;
  readonly errors: Counter<'cause'>;

  constructor(registry: Registry) {
    this.requests = new Counter({
      name: 'promhttp_metric_handler_requests_total',
      help: 'Total number of scrapes by HTTP status code.',
      labelNames: ['code'],
      registers: [registry],
    });
    for (const code of ['200', '500', '503']) this.requests.inc({ code }, 0);
    this.inFlight = new Gauge({
      name: 'promhttp_metric_handler_requests_in_flight',
      help: 'Current number of scrapes being served.',
      registers: [registry],
    });
    this.errors = new Counter({
      name: 'promhttp_metric_handler_errors_total',
      help: 'Total number of internal errors encountered by the promhttp metric handler.',
      labelNames: ['cause'],
      registers: [registry],
    });
    for (const cause of ['encoding', 'gathering']) this.errors.inc({ cause }, 0);
  }
}
