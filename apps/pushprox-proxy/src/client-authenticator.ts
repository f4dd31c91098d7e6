import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { TLSSocket } from 'node:tls';

/** Why a client's poll is refused, with the HTTP status to answer. */
export interface Refusal {
  readonly status: 401 | 403;
  readonly message: string;
}

/** One allowed client: how it proves who it is, and the FQDNs it may poll and answer for. */
export interface ClientIdentity {
  /** Shown in logs; never the secret. */
  readonly name: string;
  /** `Authorization: Bearer <token>` the client must send. */
  readonly token?: string;
  /** Common name or DNS SAN of a verified TLS client certificate. */
  readonly certificateName?: string;
  /** FQDNs this identity may claim; `*` allows any. */
  readonly fqdns: readonly string[];
}

/**
 * Optional client authentication (not in upstream). A client proves an identity with a
 * bearer token or a verified TLS client certificate; it may poll, and push answers to
 * scrapes, only for the FQDNs of that identity.
 */
export class ClientAuthenticator {
  readonly #identities: readonly ClientIdentity[];

  constructor(identities: readonly ClientIdentity[]) {
    this.#identities = identities;
  }

  /** The identity a request proves, or undefined. */
  identify(request: IncomingMessage): ClientIdentity | undefined {
    const header = request.headers.authorization;
    const token = header?.startsWith('Bearer ') ? header.slice(7).trim() : undefined;
    if (token !== undefined) {
      const found = this.#identities.find((i) => i.token !== undefined && sameSecret(i.token, token));
      if (found) return found;
    }
    const socket = request.socket as Partial<TLSSocket>;
    if (socket.encrypted && socket.authorized && socket.getPeerCertificate) {
      const cert = socket.getPeerCertificate();
      const names = new Set<string>();
      const cn = cert.subject?.CN;
      if (typeof cn === 'string') names.add(cn);
      for (const san of (cert.subjectaltname ?? '').split(',')) {
        const trimmed = san.trim();
        if (trimmed.startsWith('DNS:')) names.add(trimmed.slice(4));
      }
      return this.#identities.find((i) => i.certificateName !== undefined && names.has(i.certificateName));
    }
    return undefined;
  }

  allows(identity: ClientIdentity, fqdn: string): boolean {
    return identity.fqdns.includes('*') || identity.fqdns.includes(fqdn);
  }

  /** Undefined when the request may poll as `fqdn`; otherwise why not. */
  refuse(request: IncomingMessage, fqdn: string): Refusal | undefined {
    const identity = this.identify(request);
    if (!identity)
      return {
        status: 401,
        message: 'client not authenticated: send a valid bearer token or client certificate',
      };
    if (!this.allows(identity, fqdn))
      return {
        status: 403,
        message: `client ${JSON.stringify(identity.name)} may not poll as fqdn ${JSON.stringify(fqdn)}`,
      };
    return undefined;
  }
}

function sameSecret(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}
