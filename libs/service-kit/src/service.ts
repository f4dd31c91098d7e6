import { LogController, fastify } from 'fastify';
import type { FastifyInstance } from 'fastify';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Registry, collectDefaultMetrics } from 'prom-client';
import type { MetricFamily } from '@argus/exposition';
import { ReloadError, ServiceKitError } from './errors.ts';
import { registerLifecycleRoutes } from './lifecycle-routes.ts';
import { parseListenAddress } from './listen-address.ts';
import type { Logger } from './logger.ts';
import { metricsHandler } from './metrics-endpoint.ts';
import { ReloadMetrics, ScrapeMetrics, instrumentHttp, registerBuildInfo } from './self-metrics.ts';
import type { BuildInfo } from './self-metrics.ts';
import { EMPTY_WEB_CONFIG, loadWebConfig } from './web-config.ts';
import { WebServers } from './web-servers.ts';

/** Where a started service listens; `url` uses a loopback host when bound to every interface. */
export interface ServiceAddress {
  readonly host: string;
  readonly port: number;
  readonly url: string;
}

export interface ServiceOptions {
  /** Shown in `/-/healthy` and `/-/ready` texts (`Prometheus Server`, `Node Exporter`). */
  readonly displayName: string;
  readonly logger: Logger;
  /**
   * Go syntax (`:9100`, `127.0.0.1:0`); port 0 picks a free port, read it from `address`.
   * Several addresses (node_exporter's repeatable flag) serve the same routes on each.
   */
  readonly listenAddress: string | readonly string[];
  /**
   * `--web.config.file` (exporter-toolkit format: TLS, basic auth, headers, rate limit);
   * empty or omitted: plain HTTP without authentication. Read when the service is created
   * (errors throw from `createService`) and again on every reload.
   */
  readonly webConfigFile?: string;
  /** Path of the exposition endpoint; `/metrics` unless the service has `--web.telemetry-path`. */
  readonly metricsPath?: string;
  /** The service's own prom-client metrics; a fresh registry when omitted. */
  readonly registry?: Registry;
  /** Adds process_* and nodejs_* metrics to the registry (default true). */
  readonly defaultMetrics?: boolean;
  /**
   * How often the event-loop lag behind `nodejs_eventloop_lag_*` is sampled, ms; default 100
   * (prom-client's is 10). Each sample wakes the process: at 10 ms an idle service spends
   * ~5 ms of CPU per second on it, for lag figures nobody reads at that resolution.
   */
  readonly eventLoopMonitoringPrecisionMs?: number;
  /**
   * Families served on `/metrics` after the registry's (node-exporter's collectors), in the
   * format the scraper's `Accept` negotiates (text 0.0.4 or OpenMetrics 1.0).
   */
  readonly families?: () => MetricFamily[] | Promise<MetricFamily[]>;
  /**
   * Registers the service's own routes and plugins. It receives a fastify scope under
   * `routePrefix`; it runs when the server gets ready (at `start()` or the first
   * `inject()`), so its errors surface there.
   */
  readonly routes?: (app: FastifyInstance) => void | Promise<void>;
  /**
   * Re-reads the service's configuration; on error the service must keep the old one.
   * When given, `/-/reload` (POST, PUT) and SIGHUP (through `runMain`) call it.
   */
  readonly reload?: () => void | Promise<void>;
  /**
   * Prometheus's `--web.enable-lifecycle`: when false, `/-/reload` and `/-/quit` answer 403.
   * Default true. SIGHUP reloads either way.
   */
  readonly lifecycleApi?: boolean;
  /** Serves `/-/quit` (POST, PUT), which resolves `terminationRequested`; default false. */
  readonly quitEndpoint?: boolean;
  /**
   * `--web.route-prefix`: every endpoint, built-in or the service's, is served under it
   * (`/prom` → `/prom/-/ready`, `/prom/metrics`). Default: the root.
   */
  readonly routePrefix?: string;
  /**
   * Prefix of the service's self-metrics (`prometheus`, `alertmanager`). When set, the
   * registry gets `<ns>_http_requests_total{code,handler}`,
   * `<ns>_http_request_duration_seconds{handler}`, `<ns>_build_info` (when `buildInfo` is
   * given) and, for services with a reload hook, `<ns>_config_last_reload_successful` and
   * `<ns>_config_last_reload_success_timestamp_seconds`.
   */
  readonly metricsNamespace?: string;
  /** With `metricsNamespace`: register the `<ns>_http_*` families (default true); false lets the service add its own. */
  readonly httpMetrics?: boolean;
  readonly buildInfo?: BuildInfo;
  /** Adds promhttp's `promhttp_metric_handler_*` metrics, as Go exporters serve them (default false). */
  readonly promhttpMetrics?: boolean;
  /** Concurrent scrapes beyond this get 503 (`--web.max-requests`); 0 or omitted: unlimited. */
  readonly maxConcurrentScrapes?: number;
  /** Initial readiness; default true. Services that replay or sync first start false and call `setReady(true)`. */
  readonly ready?: boolean;
  /** Called after the listener is up. */
  readonly onStart?: () => void | Promise<void>;
  /** Called after the listener is closed and in-flight requests are done. */
  readonly onStop?: () => void | Promise<void>;
  /** Largest request body accepted (413 beyond); fastify's 1 MiB when omitted. */
  readonly bodyLimitBytes?: number;
  /** After this long, `stop()` closes connections still open; default 10 000 ms. */
  readonly shutdownTimeoutMs?: number;
}

/** A running (or runnable) service: the shape every `create…Service` factory returns. */
export interface Service {
  /** The fastify instance; routes can be exercised with `app.inject()` before `start()`. */
  readonly app: FastifyInstance;
  readonly logger: Logger;
  readonly registry: Registry;
  /** The first listen address; throws when the service is not listening. */
  readonly address: ServiceAddress;
  /** Every listen address, in the order given; throws when the service is not listening. */
  readonly addresses: readonly ServiceAddress[];
  readonly ready: boolean;
  /** Listens, then runs `onStart`. Rejects if the address is taken or a hook fails. */
  start(): Promise<void>;
  /** Stops accepting, waits for in-flight requests, runs `onStop`. Safe to call twice. */
  stop(): Promise<void>;
  /**
   * Re-reads the web config file and runs the reload hook; the new web config takes effect
   * only if both succeed. Rejects with `ReloadError` and keeps the old state on failure.
   */
  reload(): Promise<void>;
  setReady(ready: boolean): void;
  /** Resolves when `/-/quit` was called; `runMain` then stops the service and exits 0. */
  readonly terminationRequested: Promise<void>;
}

/**
 * Builds the fastify server every Argus service runs: `/metrics` (registry plus the
 * service's own exposition), `/-/healthy`, `/-/ready`, `/-/reload` when the service can
 * reload, and the service's routes. Listening starts with `start()`.
 */
export function createService(options: ServiceOptions): Service {
  const logger = options.logger;
  const registry = options.registry ?? new Registry();
  if (options.defaultMetrics ?? true)
    collectDefaultMetrics({
      register: registry,
      eventLoopMonitoringPrecision: options.eventLoopMonitoringPrecisionMs ?? 100,
    });
  const listens = (
    typeof options.listenAddress === 'string' ? [options.listenAddress] : options.listenAddress
  ).map(parseListenAddress);
  if (listens.length === 0) throw new ServiceKitError('no_listen_address', 'no listen address given');
  const webConfigFile = options.webConfigFile || undefined;
  const web = new WebServers(webConfigFile ? loadWebConfig(webConfigFile) : EMPTY_WEB_CONFIG, logger);
  const app = fastify({
    loggerInstance: logger,
    logController: new LogController({ disableRequestLogging: true }),
    forceCloseConnections: 'idle',
    ...(options.bodyLimitBytes !== undefined ? { bodyLimit: options.bodyLimitBytes } : {}),
    serverFactory: web.factory as (handler: (req: IncomingMessage, res: ServerResponse) => void) => Server,
  }) as unknown as FastifyInstance;
  web.guard.install(app);

  let ready = options.ready ?? true;
  let state: 'new' | 'starting' | 'running' | 'stopping' | 'stopped' = 'new';
  let stopping: Promise<void> | undefined;
  let reloadChain: Promise<void> = Promise.resolve();

  // A response finished while stopping closes its connection, so keep-alive clients do
  // not hold the shutdown until their idle timeout.
  app.addHook('onSend', async (_request, reply, payload) => {
    if (state === 'stopping') reply.header('connection', 'close');
    return payload;
  });

  const namespace = options.metricsNamespace;
  if (namespace !== undefined) {
    if (options.httpMetrics ?? true) instrumentHttp(app, registry, namespace);
    if (options.buildInfo) registerBuildInfo(registry, namespace, options.buildInfo);
  }
  const reloadMetrics =
    namespace !== undefined && options.reload ? new ReloadMetrics(registry, namespace) : undefined;
  const reload = (): Promise<void> => {
    const run = reloadChain.then(async () => {
      try {
        const next = webConfigFile ? loadWebConfig(webConfigFile) : undefined;
        if (next) web.check(next);
        await options.reload?.();
        if (next) web.apply(next);
        reloadMetrics?.record(true);
      } catch (cause) {
        reloadMetrics?.record(false);
        const detail = cause instanceof Error ? cause.message : String(cause);
        throw new ReloadError(detail, { cause });
      }
    });
    reloadChain = run.catch(() => undefined);
    return run;
  };

  let requestTermination!: () => void;
  const terminationRequested = new Promise<void>((resolve) => (requestTermination = resolve));

  const prefix = normalizePrefix(options.routePrefix);
  void app.register(
    async (scope) => {
      registerLifecycleRoutes(scope, {
        displayName: options.displayName,
        logger,
        isReady: () => ready,
        reload: options.reload ? reload : undefined,
        quit: options.quitEndpoint ? requestTermination : undefined,
        lifecycleApi: options.lifecycleApi ?? true,
      });
      scope.get(
        options.metricsPath ?? '/metrics',
        metricsHandler({
          registry,
          families: options.families,
          scrapeMetrics: options.promhttpMetrics ? new ScrapeMetrics(registry) : undefined,
          maxRequests: options.maxConcurrentScrapes,
        }),
      );
      await options.routes?.(scope);
    },
    { prefix },
  );

  let addresses: ServiceAddress[] = [];
  const extraServers: Server[] = [];

  return {
    app,
    logger,
    registry,
    get address(): ServiceAddress {
      if (addresses.length === 0 || state !== 'running') throw new Error('service is not listening');
      return addresses[0]!;
    },
    get addresses(): readonly ServiceAddress[] {
      if (addresses.length === 0 || state !== 'running') throw new Error('service is not listening');
      return addresses;
    },
    get ready() {
      return ready;
    },
    setReady(value: boolean) {
      ready = value;
    },
    reload,
    terminationRequested,
    async start() {
      if (state !== 'new') throw new Error(`service cannot start: it is ${state}`);
      state = 'starting';
      try {
        const [first, ...rest] = listens;
        await listenOn((host) => app.listen({ host, port: first!.port }), first!.host);
        addresses = [
          toServiceAddress(app.server.address() as AddressInfo, first!.host === undefined, web.tls),
        ];
        for (const extra of rest) {
          const server = web.factory((request, response) => app.routing(request, response));
          extraServers.push(server);
          await listenOn((host) => listenServer(server, host, extra.port), extra.host);
          addresses.push(
            toServiceAddress(server.address() as AddressInfo, extra.host === undefined, web.tls),
          );
        }
        state = 'running';
        for (const a of addresses)
          logger.info(
            { address: `${a.host.includes(':') ? `[${a.host}]` : a.host}:${a.port}` },
            'Listening on',
          );
        await options.onStart?.();
      } catch (error) {
        state = 'running';
        await this.stop();
        throw error;
      }
    },
    stop() {
      if (stopping) return stopping;
      if (state === 'new') {
        state = 'stopped';
        stopping = app.close().then(() => options.onStop?.());
        return stopping;
      }
      state = 'stopping';
      const timeoutMs = options.shutdownTimeoutMs ?? 10_000;
      stopping = (async () => {
        const timer = setTimeout(() => web.closeAllConnections(), timeoutMs);
        timer.unref();
        try {
          await Promise.all([app.close(), ...extraServers.map(closeServer)]);
        } finally {
          clearTimeout(timer);
        }
        await options.onStop?.();
        state = 'stopped';
      })();
      return stopping;
    },
  };
}

/** `prom/`, `/prom/` and `/prom` all mean `/prom`; `/` and `''` mean the root. */
function normalizePrefix(prefix: string | undefined): string {
  const trimmed = (prefix ?? '').replace(/\/+$/, '');
  if (trimmed === '') return '';
  if (/[?#\s]/.test(trimmed))
    throw new ServiceKitError('invalid_route_prefix', `invalid route prefix ${JSON.stringify(prefix)}`);
  return trimmed.startsWith('/') ? trimmed : `/${trimmed}`;
}

/** Binds `host`, or every interface (IPv6 dual-stack, IPv4 where IPv6 is missing) when undefined. */
async function listenOn(bind: (host: string) => Promise<unknown>, host: string | undefined): Promise<void> {
  if (host !== undefined) {
    await bind(host);
    return;
  }
  try {
    await bind('::');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'EAFNOSUPPORT' && code !== 'EADDRNOTAVAIL') throw error;
    await bind('0.0.0.0');
  }
}

function listenServer(server: Server, host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host, port }, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

/** Stops accepting, closes idle keep-alive connections, resolves when the rest have ended. */
function closeServer(server: Server): Promise<void> {
  if (!server.listening) return Promise.resolve();
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeIdleConnections();
  });
}

function toServiceAddress(info: AddressInfo, everyInterface: boolean, tls: boolean): ServiceAddress {
  const host = everyInterface ? '127.0.0.1' : info.address;
  const bracketed = host.includes(':') ? `[${host}]` : host;
  return {
    host: info.address,
    port: info.port,
    url: `${tls ? 'https' : 'http'}://${bracketed}:${info.port}`,
  };
}
