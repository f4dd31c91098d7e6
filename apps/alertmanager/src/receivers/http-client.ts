import { readFile } from 'node:fs/promises';
import { Agent, EnvHttpProxyAgent, ProxyAgent, fetch } from 'undici';
import type { Dispatcher } from 'undici';
import { NotifyError } from '../dispatch/notifier.ts';
import { OAuth2Source } from './oauth2.ts';
import { plain, readSecret } from './secrets.ts';

/** The decoded `http_config` / `tls_config` of an integration (see receiver-schema.ts). */
type Fields = Record<string, unknown>;

/** One HTTP answer, body read in full. */
export interface HttpAnswer {
  readonly status: number;
  readonly contentType: string;
  readonly body: string;
}

export interface HttpRequest {
  readonly method?: string;
  readonly headers?: Record<string, string>;
  readonly body?: string;
  /** Per-request limit in ms (0: none); always bounded by `deadlineMs`. */
  readonly timeoutMs?: number;
  /** The flush deadline (Unix ms). */
  readonly deadlineMs: number;
}

const TLS_VERSIONS: Record<string, 'TLSv1' | 'TLSv1.1' | 'TLSv1.2' | 'TLSv1.3'> = {
  TLS10: 'TLSv1',
  TLS11: 'TLSv1.1',
  TLS12: 'TLSv1.2',
  TLS13: 'TLSv1.3',
};

async function pem(fields: Fields, key: string): Promise<string | undefined> {
  const inline = plain(fields[key]);
  if (inline !== '') return inline;
  const file = plain(fields[`${key}_file`]);
  if (file === '') return undefined;
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'read error';
    throw new NotifyError(`unable to load tls_config ${key}_file ${file}: ${code}`, false, { cause: error });
  }
}

/** Node TLS options from Prometheus's `tls_config` (files read when the client is first used). */
export async function tlsOptions(tls: Fields | undefined): Promise<Record<string, unknown>> {
  if (tls === undefined) return {};
  const out: Record<string, unknown> = {};
  const ca = await pem(tls, 'ca');
  if (ca !== undefined) out['ca'] = ca;
  const cert = await pem(tls, 'cert');
  const key = await pem(tls, 'key');
  if (cert !== undefined) out['cert'] = cert;
  if (key !== undefined) out['key'] = key;
  if (typeof tls['server_name'] === 'string' && tls['server_name'] !== '')
    out['servername'] = tls['server_name'];
  if (tls['insecure_skip_verify'] === true) out['rejectUnauthorized'] = false;
  const min = TLS_VERSIONS[String(tls['min_version'] ?? '')];
  if (min) out['minVersion'] = min;
  const max = TLS_VERSIONS[String(tls['max_version'] ?? '')];
  if (max) out['maxVersion'] = max;
  return out;
}

/** `proxy_connect_header`: headers for the proxy's CONNECT (each a list of secrets, joined). */
function connectHeaders(cfg: Fields): Record<string, string> {
  const out: Record<string, string> = {};
  const headers = (cfg['proxy_connect_header'] ?? {}) as Record<string, unknown[]>;
  for (const [name, values] of Object.entries(headers))
    out[name] = (Array.isArray(values) ? values : [values]).map(plain).join(', ');
  return out;
}

/** Describes a transport failure without the URL (it may carry a token, as Slack's and Discord's do). */
function transportError(method: string, error: unknown, timedOut: boolean): NotifyError {
  const e = error as Error & { cause?: { code?: string; message?: string } };
  const reason = timedOut
    ? 'context deadline exceeded'
    : (e.cause?.code ?? e.cause?.message ?? e.message ?? 'request failed');
  return new NotifyError(`${method} "<redacted>": ${reason}`, true, { cause: error });
}

/**
 * An HTTP client configured from one integration's `http_config`, as Prometheus's
 * `config.NewClientFromConfig`: TLS (`tls_config`), `proxy_url` with `no_proxy` and
 * `proxy_connect_header`, `proxy_from_environment`, `follow_redirects`
 * (default true), and one of `basic_auth`, `authorization`, `oauth2` (client credentials),
 * `bearer_token` whose
 * `*_file` variants are read on every request. A header the integration sets itself
 * (`Authorization: GenieKey …`) wins over the configured credentials, as in Go.
 */
export class HttpClient {
  #dispatcher: Promise<Dispatcher> | undefined;
  #oauth2: OAuth2Source | undefined;

  constructor(
    readonly config: Fields | undefined,
    readonly userAgent: string,
  ) {}

  #getDispatcher(): Promise<Dispatcher> {
    this.#dispatcher ??= (async () => {
      const cfg = this.config ?? {};
      const tls = await tlsOptions(cfg['tls_config'] as Fields | undefined);
      const proxy = plain(cfg['proxy_url']);
      const noProxy = plain(cfg['no_proxy']);
      // EnvHttpProxyAgent hands its options to the ProxyAgents it makes (TLS, CONNECT headers).
      type EnvOptions = ConstructorParameters<typeof EnvHttpProxyAgent>[0];
      if (cfg['proxy_from_environment'] === true)
        return new EnvHttpProxyAgent({
          connect: tls,
          requestTls: tls,
          proxyTls: tls,
          proxyTunnel: false,
        } as EnvOptions);
      if (proxy !== '' && noProxy !== '')
        // Hosts matching no_proxy go direct, the rest through the proxy (Go's httpproxy rules).
        return new EnvHttpProxyAgent({
          httpProxy: proxy,
          httpsProxy: proxy,
          noProxy,
          connect: tls,
          requestTls: tls,
          proxyTls: tls,
          proxyTunnel: false,
          headers: connectHeaders(cfg),
        } as EnvOptions);
      if (proxy !== '')
        return new ProxyAgent({
          uri: proxy,
          requestTls: tls,
          proxyTls: tls,
          headers: connectHeaders(cfg),
          // As Go: plain-HTTP targets go to the proxy as absolute-form requests, HTTPS ones
          // through a CONNECT tunnel (many proxies refuse CONNECT to port 80).
          proxyTunnel: false,
        });
      return new Agent({ connect: tls });
    })();
    // A failed load (missing CA file) is retried on the next request, not cached.
    this.#dispatcher.catch(() => (this.#dispatcher = undefined));
    return this.#dispatcher;
  }

  async #authorization(deadlineMs: number): Promise<string | undefined> {
    const cfg = this.config ?? {};
    const oauth2 = cfg['oauth2'] as Fields | undefined;
    if (oauth2 !== undefined) {
      this.#oauth2 ??= new OAuth2Source(oauth2, await tlsOptions(oauth2['tls_config'] as Fields | undefined));
      return this.#oauth2.authorization(deadlineMs);
    }
    const basic = cfg['basic_auth'] as Fields | undefined;
    if (basic !== undefined) {
      const user = await readSecret(basic, 'username');
      const pass = await readSecret(basic, 'password');
      return `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`;
    }
    const authz = cfg['authorization'] as Fields | undefined;
    if (authz !== undefined) {
      const type = plain(authz['type']) || 'Bearer';
      return `${type} ${await readSecret(authz, 'credentials')}`;
    }
    const bearer = await readSecret(cfg, 'bearer_token');
    return bearer === '' ? undefined : `Bearer ${bearer}`;
  }

  /** Sends one request; transport failures and timeouts throw a retryable {@link NotifyError}. */
  async request(url: string, req: HttpRequest): Promise<HttpAnswer> {
    const method = req.method ?? 'POST';
    const headers: Record<string, string> = { 'user-agent': this.userAgent, ...lower(req.headers ?? {}) };
    if (headers['authorization'] === undefined) {
      const auth = await this.#authorization(req.deadlineMs);
      if (auth !== undefined) headers['authorization'] = auth;
    }
    const remaining = Math.max(1, req.deadlineMs - Date.now());
    const limit = req.timeoutMs && req.timeoutMs > 0 ? Math.min(req.timeoutMs, remaining) : remaining;
    const signal = AbortSignal.timeout(limit);
    const dispatcher = await this.#getDispatcher();
    try {
      const res = await fetch(url, {
        method,
        headers,
        body: req.body,
        dispatcher,
        signal,
        redirect: this.config?.['follow_redirects'] === false ? 'manual' : 'follow',
      });
      const body = await res.text();
      return { status: res.status, contentType: res.headers.get('content-type') ?? '', body };
    } catch (error) {
      throw transportError(method === 'POST' ? 'Post' : method, error, signal.aborted);
    }
  }

  async close(): Promise<void> {
    const d = this.#dispatcher;
    this.#dispatcher = undefined;
    if (d) await (await d.catch(() => undefined))?.close();
  }
}

function lower(headers: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) out[k.toLowerCase()] = v;
  return out;
}
