import { randomUUID } from 'node:crypto';
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import {
  SCRAPE_ID_HEADER,
  SCRAPE_TIMEOUT_HEADER,
  parseScrapeResponse,
  responseHeader,
  scrapeTimeoutMs,
  targetHostname,
  writeScrapeRequest,
} from '@argus/pushprox';
import { createService } from '@argus/service-kit';
import type { Logger, Service, ServiceAddress } from '@argus/service-kit';
import { Registry } from 'prom-client';
import type { ClientAuthenticator } from './client-authenticator.ts';
import { Coordinator } from './coordinator.ts';
import type { CoordinatorClock } from './coordinator.ts';
import { ClientGoneError, PollExpiredError, PushproxProxyError, ScrapeCancelledError } from './errors.ts';
import { ProxyMetrics } from './proxy-metrics.ts';
import { readBody } from './read-body.ts';

export interface PushproxProxyOptions {
  /** `--web.listen-address` (Go syntax, `:8080`; `127.0.0.1:0` in tests). */
  readonly listenAddress: string;
  /** `--web.config.file`: TLS (and client certificates for authentication); none when empty. */
  readonly webConfigFile?: string;
  readonly logger: Logger;
  /** `--scrape.default-timeout`, used when a scrape has no usable timeout header. */
  readonly defaultScrapeTimeoutMs: number;
  /** `--scrape.max-timeout`, the cap on every scrape timeout. */
  readonly maxScrapeTimeoutMs: number;
  /** `--registration.timeout`: how long a client stays in `/clients` after its last poll. */
  readonly registrationTimeoutMs: number;
  /** Largest `/push` body (a whole scrape response) kept in memory; 413 beyond. */
  readonly maxPushBytes: number;
  /** Optional client authentication; none (upstream behaviour) when omitted. */
  readonly authenticator?: ClientAuthenticator;
  readonly clock?: CoordinatorClock;
}

/** The running proxy: the service-kit service plus its coordinator. */
export interface PushproxProxyService {
  readonly service: Service;
  readonly coordinator: Coordinator;
  readonly address: ServiceAddress;
  start(): Promise<void>;
  stop(): Promise<void>;
}

const GC_INTERVAL_MS = 60_000;
const MAX_POLL_BYTES = 64 * 1024;
const MAX_SCRAPE_REQUEST_BYTES = 1024 * 1024;
const CLIENT_GONE_GRACE_MS = 200;
const INSTRUMENTED = new Set(['/push', '/poll', '/clients', '/metrics']);

/**
 * PushProx's proxy: forwards scrapes sent to it as an HTTP proxy (absolute-form request
 * targets) to the client polling under the target's host name, and answers `/poll`,
 * `/push`, `/clients` and `/metrics` as upstream does. Scrapes, polls and pushes of
 * different clients never wait on each other.
 */
export function createPushproxProxyService(options: PushproxProxyOptions): PushproxProxyService {
  const logger = options.logger;
  const registry = new Registry();
  const coordinator = new Coordinator({
    registrationTimeoutMs: options.registrationTimeoutMs,
    clock: options.clock,
  });
  const metrics = new ProxyMetrics(registry, () => coordinator.knownClients().length);
  const auth = options.authenticator;
  let gcTimer: NodeJS.Timeout | undefined;

  const service = createService({
    displayName: 'PushProx Proxy',
    logger,
    listenAddress: options.listenAddress,
    webConfigFile: options.webConfigFile,
    registry,
    routes: (app) => {
      app.get('/clients', async (_request, reply) => {
        const targets = coordinator.knownClients().map((fqdn) => ({ targets: [fqdn], labels: null }));
        return reply.type('application/json').send(`${JSON.stringify(targets)}\n`);
      });
      app.setNotFoundHandler((_request, reply) => {
        void reply
          .code(404)
          .type('text/plain; charset=utf-8')
          .header('x-content-type-options', 'nosniff')
          .send('404 page not found\n');
      });
    },
    onStart: () => {
      gcTimer = setInterval(() => {
        coordinator.collectGarbage();
        logger.info('GC of clients completed');
      }, GC_INTERVAL_MS);
      gcTimer.unref();
    },
    onStop: () => clearInterval(gcTimer),
    shutdownTimeoutMs: 2_000,
  });

  const textError = (response: ServerResponse, status: number, message: string): void => {
    if (response.headersSent || response.destroyed) return;
    response.writeHead(status, {
      'Content-Type': 'text/plain; charset=utf-8',
      'X-Content-Type-Options': 'nosniff',
    });
    response.end(`${message}\n`);
  };

  const handlePoll = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const fqdn = (await readBody(request, MAX_POLL_BYTES)).toString('utf8').trim();
    const refusal = auth?.refuse(request, fqdn);
    if (refusal !== undefined) {
      logger.warn({ fqdn, reason: refusal.message }, 'Refused poll');
      textError(response, refusal.status, `Error WaitForScrapeInstruction: ${refusal.message}`);
      return;
    }
    const poll = coordinator.waitForScrapeInstruction(fqdn);
    response.once('close', poll.cancel);
    try {
      const instruction = await poll.instruction;
      logger.debug({ fqdn, scrape_id: instruction.id }, 'Responded to /poll');
      watchClientConnection(request.socket, fqdn, instruction.id);
      response.writeHead(200, {
        'Content-Type': 'text/plain; charset=utf-8',
        'Content-Length': instruction.request.length,
      });
      response.end(instruction.request);
    } catch (error) {
      if (!(error instanceof PollExpiredError)) throw error;
      textError(response, 408, `Error WaitForScrapeInstruction: ${error.message}`);
    }
  };

  // A client killed mid-scrape closes its connections and polls no more: fail its scrapes
  // at once instead of at their timeout. A live client has re-polled by then. One close
  // listener per connection, holding the ids still unanswered (pruned as they settle).
  const takenBySocket = new WeakMap<Socket, Set<string>>();
  const watchClientConnection = (socket: Socket, fqdn: string, id: string): void => {
    let taken = takenBySocket.get(socket);
    if (!taken) {
      const ids = new Set<string>();
      taken = ids;
      takenBySocket.set(socket, ids);
      socket.once('close', () => {
        setTimeout(() => {
          if (coordinator.hasWaitingPoll(fqdn)) return;
          for (const pending of ids) coordinator.abandon(pending, new ClientGoneError(fqdn));
        }, CLIENT_GONE_GRACE_MS).unref();
      });
    }
    for (const old of taken) if (!coordinator.isTaken(old)) taken.delete(old);
    taken.add(id);
  };

  const handlePush = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    let pushed;
    try {
      pushed = parseScrapeResponse(await readBody(request, options.maxPushBytes));
    } catch (error) {
      const status = error instanceof PushproxProxyError && error.code === 'body_too_large' ? 413 : 500;
      textError(response, status, `Error pushing: ${(error as Error).message}`);
      return;
    }
    const id = responseHeader(pushed, SCRAPE_ID_HEADER) ?? '';
    const identity = auth?.identify(request);
    if (auth && identity === undefined) {
      textError(response, 401, 'Error pushing: client not authenticated');
      return;
    }
    const delivered = coordinator.deliver(
      id,
      pushed,
      (fqdn) => auth === undefined || auth.allows(identity!, fqdn),
    );
    if (!delivered) {
      logger.debug({ scrape_id: id }, 'Push for no waiting scrape');
      textError(response, 500, `Error pushing: no scrape is waiting for id ${JSON.stringify(id)}`);
      return;
    }
    response.writeHead(200, { 'Content-Length': 0 });
    response.end();
  };

  const handleProxy = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const url = request.url ?? '';
    const timeoutHeader = request.headers[SCRAPE_TIMEOUT_HEADER.toLowerCase()];
    const timeoutMs = scrapeTimeoutMs(
      Array.isArray(timeoutHeader) ? timeoutHeader[0] : timeoutHeader,
      options.defaultScrapeTimeoutMs,
      options.maxScrapeTimeoutMs,
    );
    const id = randomUUID();
    const abort = new AbortController();
    response.once('close', () => {
      if (!response.writableFinished) abort.abort();
    });
    let status = 500;
    try {
      const body = await readBody(request, MAX_SCRAPE_REQUEST_BYTES);
      const wire = writeScrapeRequest(
        {
          method: request.method ?? 'GET',
          target: url,
          host: request.headers.host,
          headers: headerPairs(request.rawHeaders),
          body,
        },
        id,
      );
      const pushed = await coordinator.scrape(targetHostname(url), id, url, wire, timeoutMs, abort.signal);
      const headers: [string, string][] = [];
      for (const [name, value] of pushed.headers) {
        if (
          name === SCRAPE_ID_HEADER ||
          name === SCRAPE_TIMEOUT_HEADER ||
          name === 'Content-Length' ||
          name === 'Connection'
        )
          continue;
        headers.push([name, value]);
      }
      headers.push(['Content-Length', String(pushed.body.length)]);
      status = pushed.statusCode;
      response.writeHead(pushed.statusCode, headers.flat());
      response.end(pushed.body);
    } catch (error) {
      if (error instanceof ScrapeCancelledError) {
        response.destroy();
        return;
      }
      logger.info({ url, scrape_id: id, err: (error as Error).message }, 'Error scraping');
      textError(response, 500, `Error scraping ${JSON.stringify(url)}: ${(error as Error).message}`);
    } finally {
      metrics.proxiedRequests.inc({ code: String(status) });
    }
  };

  const fastifyListeners = service.app.server.listeners('request') as RequestListener[];
  service.app.server.removeAllListeners('request');
  service.app.server.on('request', (request: IncomingMessage, response: ServerResponse) => {
    const target = request.url ?? '/';
    if (!target.startsWith('/') && target !== '*') {
      void handleProxy(request, response).catch((error: unknown) => failed(response, error));
      return;
    }
    const queryAt = target.indexOf('?');
    const path = queryAt < 0 ? target : target.slice(0, queryAt);
    if (INSTRUMENTED.has(path)) {
      const stopTimer = metrics.httpDuration.startTimer({ path });
      response.once('finish', () => {
        stopTimer();
        metrics.httpRequests.inc({ code: String(response.statusCode), path });
      });
    }
    if (path === '/poll')
      void handlePoll(request, response).catch((error: unknown) => failed(response, error));
    else if (path === '/push')
      void handlePush(request, response).catch((error: unknown) => failed(response, error));
    else for (const listener of fastifyListeners) listener.call(service.app.server, request, response);
  });

  const failed = (response: ServerResponse, error: unknown): void => {
    logger.debug({ err: (error as Error).message }, 'Request failed');
    textError(response, 500, (error as Error).message);
  };

  return {
    service,
    coordinator,
    get address() {
      return service.address;
    },
    start: () => service.start(),
    stop: async () => {
      coordinator.close();
      await service.stop();
    },
  };
}

/** `IncomingMessage.rawHeaders` (name, value, name, value…) as pairs. */
function headerPairs(rawHeaders: readonly string[]): [string, string][] {
  const pairs: [string, string][] = [];
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) pairs.push([rawHeaders[i]!, rawHeaders[i + 1]!]);
  return pairs;
}
