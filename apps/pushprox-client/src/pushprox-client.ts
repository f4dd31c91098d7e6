import { readFileSync } from 'node:fs';
import {
  PUSH_TIMEOUT_HEADER,
  SCRAPE_ID_HEADER,
  formatRemainingSeconds,
  parseScrapeRequest,
  requestHeader,
  writeScrapeResponse,
} from '@argus/pushprox';
import type { ScrapeRequest, ScrapeResponse } from '@argus/pushprox';
import { createService } from '@argus/service-kit';
import type { Logger, Service, ServiceAddress } from '@argus/service-kit';
import { Registry } from 'prom-client';
import { Agent, request } from 'undici';
import { Backoff } from './backoff.ts';
import { ClientMetrics } from './client-metrics.ts';
import { ClientConfigError } from './errors.ts';
import { planScrape } from './scrape-plan.ts';
import type { ScrapePlanOptions } from './scrape-plan.ts';

export interface PushproxClientOptions {
  /** `--fqdn`: the name this client polls as; scrape targets must use it as host. */
  readonly fqdn: string;
  /** `--proxy-url`; a trailing `/` is added, `poll` and `push` resolve under it. */
  readonly proxyUrl: string;
  /** `--tls.cacert`, `--tls.cert`, `--tls.key`: files for the proxy connection. */
  readonly tlsCaCertFile?: string;
  readonly tlsCertFile?: string;
  readonly tlsKeyFile?: string;
  /** `--metrics-addr`: where `pushprox_client_*` are served (on every path). */
  readonly metricsAddress: string;
  /** `--proxy.retry.initial-wait` and `--proxy.retry.max-wait`. */
  readonly retryInitialWaitMs: number;
  readonly retryMaxWaitMs: number;
  /** Rancher `--insecure-skip-verify`: no TLS verification, towards targets and the proxy. */
  readonly insecureSkipVerify?: boolean;
  /** Rancher `--allow-port`, default `*`. */
  readonly allowPort?: string;
  /** Rancher `--use-localhost`; refused together with `allowPort` `*`. */
  readonly useLocalhost?: boolean;
  /** Rancher `--token-path`: bearer token for targets, read on every scrape; forces https. */
  readonly tokenPath?: string;
  /** Ours: bearer token file sent to the proxy (its optional client authentication). */
  readonly proxyTokenFile?: string;
  readonly logger: Logger;
}

/** A running client: its metrics server and its poll loop. */
export interface PushproxClient {
  readonly service: Service;
  readonly address: ServiceAddress;
  readonly metrics: ClientMetrics;
  start(): Promise<void>;
  stop(): Promise<void>;
}

/** Hop-by-hop headers undici refuses on a request; they concern only one connection. */
/** Bound on pushing an error for a scrape without a usable timeout header. */
const UNTIMED_PUSH_MS = 30_000;

const NOT_FORWARDED = new Set([
  'Connection',
  'Keep-Alive',
  'Upgrade',
  'Transfer-Encoding',
  'Expect',
  'Proxy-Connection',
  'Host',
  'Content-Length',
]);

/**
 * PushProx's client: long-polls the proxy as `fqdn` forever (jittered backoff after
 * errors), performs each scrape it receives concurrently, and pushes the target's response
 * (status, headers and body untouched, gzip included) or the upstream error texts back.
 */
export function createPushproxClient(options: PushproxClientOptions): PushproxClient {
  const logger = options.logger;
  if (options.useLocalhost && (options.allowPort ?? '*') === '*') {
    throw new ClientConfigError('--use-localhost requires --allow-port to be set to a specific port');
  }
  const base = options.proxyUrl.endsWith('/') ? options.proxyUrl : `${options.proxyUrl}/`;
  const pollUrl = new URL('poll', base).toString();
  const pushUrl = new URL('push', base).toString();
  const read = (file: string | undefined) => (file ? readFileSync(file) : undefined);
  const tls = {
    ca: read(options.tlsCaCertFile),
    cert: read(options.tlsCertFile),
    key: read(options.tlsKeyFile),
    rejectUnauthorized: !options.insecureSkipVerify,
  };
  const proxyAgent = new Agent({ connect: tls, headersTimeout: 0, bodyTimeout: 0, keepAliveTimeout: 30_000 });
  const targetAgent = new Agent({
    connect: { rejectUnauthorized: !options.insecureSkipVerify, timeout: 30_000 },
  });
  const proxyAuth: Record<string, string> = options.proxyTokenFile
    ? { authorization: `Bearer ${readFileSync(options.proxyTokenFile, 'utf8').trim()}` }
    : {};
  const planOptions: ScrapePlanOptions = {
    fqdn: options.fqdn,
    allowPort: options.allowPort,
    useLocalhost: options.useLocalhost,
    readToken: options.tokenPath ? () => readFileSync(options.tokenPath!, 'utf8') : undefined,
  };

  const registry = new Registry();
  const metrics = new ClientMetrics(registry);
  const stopping = new AbortController();
  let loop: Promise<void> | undefined;
  const service = createService({
    displayName: 'PushProx Client',
    logger,
    listenAddress: options.metricsAddress,
    registry,
    routes: (app) => {
      app.all('/*', async (_request, reply) =>
        reply.type(registry.contentType).send(await registry.metrics()),
      );
    },
    // The poll loop lives and dies with the metrics server, so `runMain` drives both.
    onStart: () => {
      loop = pollForever();
    },
    onStop: async () => {
      stopping.abort();
      await loop;
      await Promise.all([proxyAgent.close(), targetAgent.close()]);
    },
    shutdownTimeoutMs: 2_000,
  });

  /**
   * Pushes `response` for scrape `id`. With a deadline, the push is bounded by it and carries
   * `X-Prometheus-Scrape-Timeout` (remaining seconds, Go `%f`); without one (the timeout
   * header was unusable) it is bounded by `UNTIMED_PUSH_MS`, as upstream pushes it unbounded.
   */
  const push = async (response: ScrapeResponse, id: string, deadline: number | undefined): Promise<void> => {
    const headers: (readonly [string, string])[] = [...response.headers, [SCRAPE_ID_HEADER, id]];
    if (deadline !== undefined)
      headers.push([PUSH_TIMEOUT_HEADER, formatRemainingSeconds(deadline - Date.now())]);
    const body = writeScrapeResponse({ ...response, headers });
    try {
      const answer = await request(pushUrl, {
        method: 'POST',
        body,
        headers: { 'content-length': String(body.length), ...proxyAuth },
        dispatcher: proxyAgent,
        signal: AbortSignal.timeout(
          deadline === undefined ? UNTIMED_PUSH_MS : Math.max(1, deadline - Date.now()),
        ),
      });
      const text = await answer.body.text();
      if (answer.statusCode !== 200) throw new Error(`push answered ${answer.statusCode}: ${text.trim()}`);
    } catch (error) {
      metrics.pushErrors.inc();
      logger.warn({ scrape_id: id, err: (error as Error).message }, 'Failed to push scrape response');
    }
  };

  const scrape = async (scrapeRequest: ScrapeRequest): Promise<void> => {
    const id = requestHeader(scrapeRequest, SCRAPE_ID_HEADER) ?? '';
    const started = Date.now();
    const plan = planScrape(scrapeRequest, planOptions);
    if (plan.kind === 'refuse') {
      metrics.scrapeErrors.inc();
      logger.warn({ scrape_id: id, err: plan.message }, 'Failed to scrape');
      await push(
        { statusCode: 500, headers: [], body: Buffer.from(plan.message) },
        id,
        plan.timeoutMs === undefined ? undefined : started + plan.timeoutMs,
      );
      return;
    }
    const deadline = started + plan.timeoutMs;
    const headers: Record<string, string | string[]> = { host: plan.host };
    for (const [name, value] of plan.headers) {
      if (NOT_FORWARDED.has(name)) continue;
      const key = name.toLowerCase();
      const previous = headers[key];
      headers[key] =
        previous === undefined ? value : [...(Array.isArray(previous) ? previous : [previous]), value];
    }
    let response: ScrapeResponse;
    try {
      const answer = await request(`${plan.origin}${plan.path}`, {
        method: plan.method as 'GET',
        headers,
        body: plan.body.length > 0 ? plan.body : undefined,
        dispatcher: targetAgent,
        signal: AbortSignal.timeout(Math.max(1, plan.timeoutMs)),
      });
      const body = Buffer.from(await answer.body.arrayBuffer());
      const responseHeaders: [string, string][] = [];
      for (const [name, value] of Object.entries(answer.headers)) {
        if (value === undefined) continue;
        for (const one of Array.isArray(value) ? value : [value]) responseHeaders.push([name, one]);
      }
      response = { statusCode: answer.statusCode, protocol: [1, 1], headers: responseHeaders, body };
      logger.debug({ scrape_id: id, url: plan.url, status: answer.statusCode }, 'Retrieved scrape response');
    } catch (error) {
      metrics.scrapeErrors.inc();
      const cause = error as Error;
      const message = `failed to scrape ${plan.url}: ${cause.name === 'TimeoutError' ? 'context deadline exceeded' : cause.message}`;
      logger.warn({ scrape_id: id, err: message }, 'Failed to scrape');
      response = { statusCode: 500, headers: [], body: Buffer.from(message) };
    }
    await push(response, id, deadline);
  };

  const pollOnce = async (): Promise<ScrapeRequest> => {
    const answer = await request(pollUrl, {
      method: 'POST',
      body: options.fqdn,
      headers: { 'content-type': '', ...proxyAuth },
      dispatcher: proxyAgent,
      signal: stopping.signal,
    });
    const body = Buffer.from(await answer.body.arrayBuffer());
    // Upstream ignores the status and fails parsing the error text; saying the status and
    // the proxy's text (a 408 eviction, an authentication refusal) is clearer, same outcome.
    if (answer.statusCode !== 200) {
      throw new Error(`poll answered ${answer.statusCode}: ${body.toString('utf8').trim().slice(0, 500)}`);
    }
    return parseScrapeRequest(body);
  };

  const pollForever = async (): Promise<void> => {
    const backoff = new Backoff(options.retryInitialWaitMs, options.retryMaxWaitMs);
    while (!stopping.signal.aborted) {
      try {
        const scrapeRequest = await pollOnce();
        backoff.reset();
        logger.debug(
          { scrape_id: requestHeader(scrapeRequest, SCRAPE_ID_HEADER), url: scrapeRequest.target },
          'Got scrape request',
        );
        void scrape(scrapeRequest);
      } catch (error) {
        if (stopping.signal.aborted) return;
        metrics.pollErrors.inc();
        const waitMs = backoff.next();
        logger.warn(
          { err: (error as Error).message, retry_in_ms: Math.round(waitMs) },
          'Error polling for scrapes',
        );
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, waitMs);
          stopping.signal.addEventListener(
            'abort',
            () => {
              clearTimeout(timer);
              resolve();
            },
            { once: true },
          );
        });
      }
    }
  };

  return {
    service,
    metrics,
    get address() {
      return service.address;
    },
    start: () => service.start(),
    stop: () => service.stop(),
  };
}
