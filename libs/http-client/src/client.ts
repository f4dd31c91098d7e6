import type { IncomingHttpHeaders } from 'node:http';
import type { Dispatcher } from 'undici';
import type { HttpClientConfig, HttpClientOptions } from './config.ts';
import { staticAuthorization } from './credentials.ts';
import { makeDispatcher } from './dispatcher.ts';
import { OAuth2TokenSource } from './oauth2.ts';
import { tlsOptions } from './tls.ts';

/** Error raised when a redirect chain is longer than Go's limit. */
export class TooManyRedirectsError extends Error {
  constructor() {
    super('stopped after 10 redirects');
    this.name = 'TooManyRedirectsError';
  }
}

/** Go's `http.Client` gives up after this many redirects. */
const MAX_REDIRECTS = 10;

export interface HttpRequest {
  readonly url: string | URL;
  /** Default GET. */
  readonly method?: string;
  /** A header set here wins over the configured credentials (`Authorization: GenieKey …`), as in Go. */
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string | Uint8Array;
  readonly signal?: AbortSignal;
  /** A limit in ms (0 or unset: none), on top of `signal`. */
  readonly timeoutMs?: number;
}

export interface HttpResponse {
  readonly statusCode: number;
  readonly headers: IncomingHttpHeaders;
  /** The caller's to consume or dump. */
  readonly body: Dispatcher.ResponseData['body'];
  /** The URL that answered (after redirects). */
  readonly url: URL;
}

/**
 * An HTTP client built from one `http_config`, as Prometheus's `config.NewClientFromConfig`:
 * `tls_config`, `proxy_url` (absolute form for http targets, CONNECT for https) with
 * `no_proxy`, `proxy_connect_header` and `proxy_from_environment`, one of `basic_auth`,
 * `authorization`, `oauth2` (client credentials) or `bearer_token(_file)` (files read at
 * each request), and `follow_redirects` (default true, at most 10). Connections are kept and
 * reused; the TLS files are read when the client is first used (a failure is retried next
 * time). `enable_http2` is accepted; requests use HTTP/1.1.
 */
export class HttpClient {
  #dispatcher: Dispatcher | undefined;
  #oauth2: OAuth2TokenSource | undefined;
  #tokenClient: HttpClient | undefined;

  constructor(
    readonly config: HttpClientConfig,
    readonly options: HttpClientOptions = {},
  ) {}

  /** The connection pool, made on first use (throws `HttpClientConfigError` for a bad TLS file or proxy_url). */
  dispatcher(): Dispatcher {
    this.#dispatcher ??= makeDispatcher(
      this.config,
      tlsOptions(this.config.tls_config, this.options.baseDir, this.options.onSecret),
      this.options.onSecret,
    );
    return this.#dispatcher;
  }

  /** The configured `Authorization` value (oauth2 token fetched when needed), or undefined. */
  async authorization(signal: AbortSignal): Promise<string | undefined> {
    const { oauth2 } = this.config;
    if (oauth2 === undefined)
      return staticAuthorization(this.config, this.options.baseDir, this.options.onSecret);
    if (this.#oauth2 === undefined) {
      const tokenClient = new HttpClient(
        { tls_config: oauth2.tls_config, proxy_url: oauth2.proxy_url },
        { baseDir: this.options.baseDir, onSecret: this.options.onSecret, userAgent: this.options.userAgent },
      );
      this.#tokenClient = tokenClient;
      this.#oauth2 = new OAuth2TokenSource(
        oauth2,
        async (url, headers, body, tokenSignal) => {
          const res = await tokenClient.request({ method: 'POST', url, headers, body, signal: tokenSignal });
          return { status: res.statusCode, body: await res.body.text() };
        },
        this.options.baseDir,
        this.options.onSecret,
      );
    }
    return this.#oauth2.authorization(signal);
  }

  /**
   * Sends one request, following redirects as Go's client does when configured: 301/302/303
   * turn a POST into a body-less GET, 307/308 repeat it; the caller's `Authorization` and
   * `Cookie` are dropped on a redirect to another host (configured credentials are sent on
   * every hop, as Prometheus's round tripper adds them). Redirect responses are dumped here.
   */
  async request(req: HttpRequest): Promise<HttpResponse> {
    const signal =
      req.timeoutMs && req.timeoutMs > 0
        ? AbortSignal.any([AbortSignal.timeout(req.timeoutMs), ...(req.signal ? [req.signal] : [])])
        : (req.signal ?? new AbortController().signal);
    const dispatcher = this.dispatcher();
    const initial = new URL(req.url);
    const own: Record<string, string> = {};
    if (this.options.userAgent !== undefined) own['user-agent'] = this.options.userAgent;
    for (const [k, v] of Object.entries(req.headers ?? {})) own[k.toLowerCase()] = v;
    let method = (req.method ?? 'GET').toUpperCase();
    let body = req.body;
    let url = initial;
    for (let redirects = 0; ; redirects++) {
      const headers = { ...own };
      if (!sameOrSubdomain(url.hostname, initial.hostname)) {
        delete headers['authorization'];
        delete headers['cookie'];
        delete headers['www-authenticate'];
      }
      if (headers['authorization'] === undefined) {
        const auth = await this.authorization(signal);
        if (auth !== undefined) headers['authorization'] = auth;
      }
      const res = await dispatcher.request({
        origin: url.origin,
        path: `${url.pathname}${url.search}`,
        method: method as Dispatcher.HttpMethod,
        headers,
        body: body ?? null,
        signal,
      });
      const location = res.headers.location;
      if (
        this.config.follow_redirects === false ||
        !isRedirect(res.statusCode) ||
        typeof location !== 'string'
      ) {
        return { statusCode: res.statusCode, headers: res.headers, body: res.body, url };
      }
      await res.body.dump();
      if (redirects + 1 >= MAX_REDIRECTS) throw new TooManyRedirectsError();
      if (res.statusCode <= 303 && method !== 'GET' && method !== 'HEAD') {
        method = 'GET';
        body = undefined;
        delete own['content-type'];
        delete own['content-length'];
      }
      url = new URL(location, url);
    }
  }

  /** Closes every connection; requests in flight are aborted. */
  async close(): Promise<void> {
    const dispatcher = this.#dispatcher;
    this.#dispatcher = undefined;
    await Promise.all([dispatcher?.destroy(), this.#tokenClient?.close()]);
  }
}

function isRedirect(status: number): boolean {
  return status === 301 || status === 302 || status === 303 || status === 307 || status === 308;
}

/** Go copies sensitive headers to a redirect target on the same domain or a subdomain of it. */
function sameOrSubdomain(host: string, initial: string): boolean {
  return host === initial || host.endsWith(`.${initial}`);
}
