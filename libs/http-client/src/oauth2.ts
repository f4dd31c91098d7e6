import type { OAuth2Config } from './config.ts';
import { secretReader } from './credentials.ts';

/** golang.org/x/oauth2 renews a token this long before it expires. */
const EXPIRY_DELTA_MS = 10_000;

/** Why no token could be had; `retryable` as upstream's notifiers judge it (transport, 5xx). */
export class OAuth2Error extends Error {
  constructor(
    message: string,
    readonly retryable: boolean,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'OAuth2Error';
  }
}

/** The one request a token source makes: a form POST, answered with status and body text. */
export type TokenPost = (
  url: string,
  headers: Record<string, string>,
  body: string,
  signal: AbortSignal,
) => Promise<{ status: number; body: string }>;

/**
 * `oauth2` as Prometheus's client does it: the client-credentials grant (client id and
 * secret as HTTP basic auth, `scopes` space-separated, `endpoint_params` added to the
 * form), the token cached until 10 s before `expires_in`.
 */
export class OAuth2TokenSource {
  #token: { value: string; expiresAtMs: number } | undefined;

  constructor(
    readonly config: OAuth2Config,
    readonly post: TokenPost,
    readonly baseDir = '.',
    readonly onSecret?: (value: string) => void,
  ) {}

  /** The `Authorization` header value, fetching a token when none is cached or it expires. */
  async authorization(signal: AbortSignal): Promise<string> {
    if (this.#token === undefined || Date.now() >= this.#token.expiresAtMs - EXPIRY_DELTA_MS) {
      this.#token = await this.#fetchToken(signal);
    }
    // x/oauth2 always sends "Bearer" whatever case the server used.
    return `Bearer ${this.#token.value}`;
  }

  async #fetchToken(signal: AbortSignal): Promise<{ value: string; expiresAtMs: number }> {
    const c = this.config;
    const id = c.client_id ?? '';
    const secret = secretReader(this.baseDir, this.onSecret)(
      c.client_secret,
      c.client_secret_file,
      'client_secret',
    );
    const form = new URLSearchParams({ grant_type: 'client_credentials' });
    if (c.scopes && c.scopes.length > 0) form.set('scope', c.scopes.join(' '));
    for (const [k, v] of Object.entries(c.endpoint_params ?? {})) form.set(k, v);
    const basic = Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64');
    let res: { status: number; body: string };
    try {
      res = await this.post(
        c.token_url ?? '',
        { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${basic}` },
        form.toString(),
        signal,
      );
    } catch (error) {
      const reason = signal.aborted ? 'context deadline exceeded' : (error as Error).message;
      throw new OAuth2Error(`oauth2: cannot fetch token: ${reason}`, true, { cause: error });
    }
    if (res.status < 200 || res.status >= 300)
      throw new OAuth2Error(`oauth2: cannot fetch token: status ${res.status}`, res.status >= 500);
    let parsed: { access_token?: string; expires_in?: number };
    try {
      parsed = JSON.parse(res.body) as typeof parsed;
    } catch {
      parsed = Object.fromEntries(new URLSearchParams(res.body)) as typeof parsed;
    }
    if (!parsed.access_token) throw new OAuth2Error('oauth2: server response missing access_token', false);
    this.onSecret?.(parsed.access_token);
    const expiresIn = Number(parsed.expires_in ?? 0);
    return {
      value: parsed.access_token,
      expiresAtMs: expiresIn > 0 ? Date.now() + expiresIn * 1000 : Number.POSITIVE_INFINITY,
    };
  }
}
