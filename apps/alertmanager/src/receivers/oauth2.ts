import { Agent, ProxyAgent, fetch } from 'undici';
import type { Dispatcher } from 'undici';
import { NotifyError } from '../dispatch/notifier.ts';
import { plain, readSecret } from './secrets.ts';

type Fields = Record<string, unknown>;

/** golang.org/x/oauth2 renews a token this long before it expires. */
const EXPIRY_DELTA_MS = 10_000;

/**
 * `http_config.oauth2`: the client-credentials grant as Prometheus's client does it
 * (client id and secret as HTTP basic auth, `scopes` space-separated, `endpoint_params`
 * added to the form), the token cached until 10 s before `expires_in`.
 */
export class OAuth2Source {
  #token: { value: string; type: string; expiresAtMs: number } | undefined;
  #dispatcher: Dispatcher | undefined;

  constructor(
    readonly config: Fields,
    readonly tls: Record<string, unknown>,
  ) {}

  /** The `Authorization` header value, fetching a token when none is cached or it expires. */
  async authorization(deadlineMs: number): Promise<string> {
    const now = Date.now();
    if (this.#token === undefined || now >= this.#token.expiresAtMs - EXPIRY_DELTA_MS) {
      this.#token = await this.#fetchToken(deadlineMs);
    }
    return `${this.#token.type} ${this.#token.value}`;
  }

  async #fetchToken(deadlineMs: number): Promise<{ value: string; type: string; expiresAtMs: number }> {
    const c = this.config;
    const id = plain(c['client_id']);
    const secret = await readSecret(c, 'client_secret');
    const form = new URLSearchParams({ grant_type: 'client_credentials' });
    const scopes = Array.isArray(c['scopes']) ? (c['scopes'] as string[]) : [];
    if (scopes.length > 0) form.set('scope', scopes.join(' '));
    for (const [k, v] of Object.entries((c['endpoint_params'] ?? {}) as Record<string, string>))
      form.set(k, v);
    const proxy = plain(c['proxy_url']);
    this.#dispatcher ??=
      proxy !== ''
        ? new ProxyAgent({ uri: proxy, requestTls: this.tls, proxyTls: this.tls })
        : new Agent({ connect: this.tls });
    const signal = AbortSignal.timeout(Math.max(1, deadlineMs - Date.now()));
    let res;
    try {
      res = await fetch(plain(c['token_url']), {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          authorization: `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}`,
        },
        body: form.toString(),
        dispatcher: this.#dispatcher,
        signal,
      });
    } catch (error) {
      const reason = signal.aborted
        ? 'context deadline exceeded'
        : ((error as Error).message ?? 'request failed');
      throw new NotifyError(`oauth2: cannot fetch token: ${reason}`, true, { cause: error });
    }
    const body = await res.text();
    if (res.status < 200 || res.status >= 300)
      throw new NotifyError(`oauth2: cannot fetch token: status ${res.status}`, res.status >= 500);
    let parsed: { access_token?: string; token_type?: string; expires_in?: number };
    try {
      parsed = JSON.parse(body) as typeof parsed;
    } catch {
      parsed = Object.fromEntries(new URLSearchParams(body)) as typeof parsed;
    }
    if (!parsed.access_token) throw new NotifyError('oauth2: server response missing access_token', false);
    const expiresIn = Number(parsed.expires_in ?? 0);
    return {
      value: parsed.access_token,
      // x/oauth2 always sends "Bearer" whatever case the server used.
      type: 'Bearer',
      expiresAtMs: expiresIn > 0 ? Date.now() + expiresIn * 1000 : Number.POSITIVE_INFINITY,
    };
  }
}
