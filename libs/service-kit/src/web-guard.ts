import type { FastifyInstance } from 'fastify';
import type { PeerCertificate, TLSSocket } from 'node:tls';
import { BasicAuthenticator } from './basic-auth.ts';
import type { WebConfig } from './web-config.ts';

/**
 * Applies the non-TLS parts of a web config to every request: rate limit (429), basic
 * auth (401 with `WWW-Authenticate: Basic`) and the configured response headers. Refusals
 * look like Go's `http.Error`: plain text, `X-Content-Type-Options: nosniff`.
 * `update` swaps the config atomically for requests that arrive afterwards.
 */
export class WebGuard {
  #config: WebConfig;
  #auth: BasicAuthenticator;
  #tokens = 0;
  #refilledAt = 0;

  constructor(config: WebConfig) {
    this.#config = config;
    this.#auth = new BasicAuthenticator(config.basicAuthUsers);
    this.#resetBucket();
  }

  get config(): WebConfig {
    return this.#config;
  }

  update(config: WebConfig): void {
    this.#config = config;
    this.#auth = new BasicAuthenticator(config.basicAuthUsers);
    this.#resetBucket();
  }

  /** Registers the hooks on `app`; call once, before routes are used. */
  install(app: FastifyInstance): void {
    app.addHook('onRequest', async (request, reply) => {
      for (const [name, value] of Object.entries(this.#config.headers)) reply.header(name, value);
      if (!this.#takeToken()) {
        return reply
          .code(429)
          .header('x-content-type-options', 'nosniff')
          .type('text/plain; charset=utf-8')
          .send('Too Many Requests\n');
      }
      if (!(await this.#auth.check(request.headers.authorization))) {
        return reply
          .code(401)
          .header('www-authenticate', 'Basic')
          .header('x-content-type-options', 'nosniff')
          .type('text/plain; charset=utf-8')
          .send('Unauthorized\n');
      }
      return undefined;
    });
  }

  #resetBucket(): void {
    this.#tokens = this.#config.rateLimit?.burst ?? 0;
    this.#refilledAt = Date.now();
  }

  #takeToken(): boolean {
    const limit = this.#config.rateLimit;
    if (!limit) return true;
    const now = Date.now();
    const earned = Math.floor((now - this.#refilledAt) / limit.intervalMs);
    if (earned > 0) {
      this.#tokens = Math.min(limit.burst, this.#tokens + earned);
      this.#refilledAt += earned * limit.intervalMs;
    }
    if (this.#tokens <= 0) return false;
    this.#tokens--;
    return true;
  }
}

/**
 * Enforces `client_auth_type` and `client_allowed_sans` on a new TLS connection, the
 * checks Node's `requestCert`/`rejectUnauthorized` pair cannot express; returns the
 * reason to refuse, or `undefined` to accept.
 */
export function refuseClient(socket: TLSSocket, config: WebConfig): string | undefined {
  const tls = config.tls;
  if (!tls) return undefined;
  const cert = socket.getPeerCertificate();
  const hasCert = cert !== null && typeof cert === 'object' && Object.keys(cert).length > 0;
  switch (tls.clientAuthType) {
    case 'NoClientCert':
    case 'RequestClientCert':
      return undefined;
    case 'RequireAnyClientCert':
      if (!hasCert) return 'client certificate required';
      break;
    case 'VerifyClientCertIfGiven':
      if (hasCert && !socket.authorized)
        return `client certificate not verified: ${String(socket.authorizationError)}`;
      break;
    case 'RequireAndVerifyClientCert':
      if (!hasCert) return 'client certificate required';
      if (!socket.authorized) return `client certificate not verified: ${String(socket.authorizationError)}`;
      break;
  }
  if (tls.clientAllowedSans.length > 0 && !sansOf(cert).some((san) => tls.clientAllowedSans.includes(san))) {
    return 'client certificate SAN not allowed';
  }
  return undefined;
}

/** The SAN values of a certificate, without their `DNS:`/`IP Address:`/`email:`/`URI:` prefixes. */
function sansOf(cert: PeerCertificate): string[] {
  const text = cert.subjectaltname ?? '';
  return text
    .split(/,\s*/)
    .map((part) => part.slice(part.indexOf(':') + 1))
    .filter((value) => value !== '');
}

/** Node's server-side options for a client auth policy. */
export function clientCertOptions(config: WebConfig): { requestCert: boolean; rejectUnauthorized: boolean } {
  const type = config.tls?.clientAuthType ?? 'NoClientCert';
  return {
    requestCert: type !== 'NoClientCert',
    rejectUnauthorized: type === 'RequireAndVerifyClientCert',
  };
}
