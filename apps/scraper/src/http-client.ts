import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { ConnectionOptions } from 'node:tls';
import { Agent, Pool, ProxyAgent } from 'undici';
import type { Dispatcher } from 'undici';
import type { ScrapeConfig } from './config/scraper-config.ts';

/** The HTTP client fields of a scrape config that decide how connections are made. */
export type HttpClientSettings = Pick<
  ScrapeConfig,
  'tls_config' | 'proxy_url' | 'follow_redirects' | 'enable_http2'
>;

/** Error raised when a redirect chain is longer than Go's limit. */
export class TooManyRedirectsError extends Error {
  constructor() {
    super('stopped after 10 redirects');
    this.name = 'TooManyRedirectsError';
  }
}

/** Go's `http.Client` gives up after this many redirects. */
const MAX_REDIRECTS = 10;
/** How long an idle connection is kept for the next scrape (Go transport's idle timeout is 90 s, Prometheus's 5 m). */
const IDLE_CONNECTION_MS = 5 * 60_000;
const TLS_VERSIONS = { TLS10: 'TLSv1', TLS11: 'TLSv1.1', TLS12: 'TLSv1.2', TLS13: 'TLSv1.3' } as const;

/**
 * Node TLS options from a `tls_config`, files read relative to `baseDir` now (a missing
 * file is an error naming it). Undefined fields keep Node's defaults (system CAs, TLS 1.2+).
 */
export function tlsOptions(
  tls: ScrapeConfig['tls_config'],
  baseDir: string,
): ConnectionOptions & { servername?: string } {
  if (tls === undefined) return {};
  const read = (what: string, file: string): string => {
    try {
      return readFileSync(resolve(baseDir, file), 'utf8');
    } catch (error) {
      throw new Error(`unable to read ${what} ${file}: ${(error as Error).message}`, { cause: error });
    }
  };
  const options: ConnectionOptions & { servername?: string } = {
    rejectUnauthorized: !tls.insecure_skip_verify,
  };
  if (tls.ca_file !== undefined) options.ca = read('CA file', tls.ca_file);
  else if (tls.ca !== undefined) options.ca = tls.ca;
  if (tls.cert_file !== undefined) options.cert = read('client certificate', tls.cert_file);
  else if (tls.cert !== undefined) options.cert = tls.cert;
  if (tls.key_file !== undefined) options.key = read('client key', tls.key_file);
  else if (tls.key !== undefined) options.key = tls.key.reveal();
  if (tls.server_name) options.servername = tls.server_name;
  if (tls.min_version) options.minVersion = TLS_VERSIONS[tls.min_version];
  if (tls.max_version) options.maxVersion = TLS_VERSIONS[tls.max_version];
  return options;
}

/**
 * The HTTP client of one scrape config, as Prometheus builds one per job: connections are
 * kept and reused across scrapes; `tls_config` applies to targets; `proxy_url` sends plain
 * http targets to the proxy in absolute form (`GET http://host:port/path`, what Go's
 * transport does and PushProx relies on) and tunnels https targets with CONNECT;
 * `follow_redirects` follows up to 10 redirects. `enable_http2` is accepted; requests use
 * HTTP/1.1.
 */
export class ScrapeHttpClient {
  /** Direct connections (no proxy), or CONNECT tunnels for https targets behind the proxy. */
  readonly #agent: Dispatcher;
  /** Connections to the proxy for absolute-form requests; undefined without `proxy_url`. */
  readonly #proxyPool: Pool | undefined;
  readonly #proxyAuthorization: string | undefined;
  readonly #followRedirects: boolean;

  constructor(settings: HttpClientSettings, baseDir: string) {
    const tls = tlsOptions(settings.tls_config, baseDir);
    const keepAlive = { keepAliveTimeout: IDLE_CONNECTION_MS, keepAliveMaxTimeout: IDLE_CONNECTION_MS };
    this.#followRedirects = settings.follow_redirects;
    if (settings.proxy_url) {
      const proxy = parseProxyUrl(settings.proxy_url);
      this.#proxyAuthorization = proxy.authorization;
      this.#proxyPool = new Pool(proxy.origin, keepAlive);
      this.#agent = new ProxyAgent({ uri: settings.proxy_url, requestTls: tls, ...keepAlive });
    } else {
      this.#agent = new Agent({ connect: tls, ...keepAlive });
    }
  }

  /**
   * A GET of `url` with `headers`, following redirects when configured; the response body
   * is the caller's to consume or dump. Redirect responses in between are dumped here.
   */
  async get(
    url: string,
    headers: Record<string, string>,
    signal: AbortSignal,
  ): Promise<Dispatcher.ResponseData> {
    let current = new URL(url);
    for (let redirects = 0; ; redirects++) {
      const response = await this.#send(current, headers, signal);
      const location = response.headers.location;
      if (!this.#followRedirects || !isRedirect(response.statusCode) || typeof location !== 'string') {
        return response;
      }
      await response.body.dump();
      if (redirects + 1 >= MAX_REDIRECTS) throw new TooManyRedirectsError();
      current = new URL(location, current);
    }
  }

  #send(url: URL, headers: Record<string, string>, signal: AbortSignal): Promise<Dispatcher.ResponseData> {
    if (this.#proxyPool !== undefined && url.protocol === 'http:') {
      // Absolute form to the proxy, Host naming the target, as Go's transport does.
      const proxied: Record<string, string> = { ...headers, host: url.host };
      if (this.#proxyAuthorization !== undefined) proxied['proxy-authorization'] = this.#proxyAuthorization;
      return this.#proxyPool.request({ method: 'GET', path: url.href, headers: proxied, signal });
    }
    return this.#agent.request({
      origin: url.origin,
      method: 'GET',
      path: `${url.pathname}${url.search}`,
      headers,
      signal,
    });
  }

  /** Closes every connection; requests in flight are aborted. */
  async close(): Promise<void> {
    await Promise.all([this.#agent.destroy(), this.#proxyPool?.destroy()]);
  }
}

function isRedirect(status: number): boolean {
  return status === 301 || status === 302 || status === 303 || status === 307 || status === 308;
}

/** The proxy's origin and, from user info in the URL, its `Proxy-Authorization`. */
function parseProxyUrl(proxyUrl: string): { origin: string; authorization: string | undefined } {
  let url: URL;
  try {
    url = new URL(proxyUrl);
  } catch {
    throw new Error(`invalid proxy_url ${JSON.stringify(proxyUrl)}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new Error(`unsupported proxy_url scheme ${JSON.stringify(url.protocol.slice(0, -1))}`);
  }
  const authorization =
    url.username === ''
      ? undefined
      : `Basic ${Buffer.from(`${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`).toString('base64')}`;
  return { origin: url.origin, authorization };
}
