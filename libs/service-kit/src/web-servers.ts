import { createServer as createHttpServer } from 'node:http';
import type { RequestListener, Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { Server as HttpsServer } from 'node:https';
import type { TLSSocket } from 'node:tls';
import type { Logger } from './logger.ts';
import type { WebConfig } from './web-config.ts';
import { WebGuard, clientCertOptions, refuseClient } from './web-guard.ts';

type TlsServer = HttpsServer & { requestCert: boolean; rejectUnauthorized: boolean };

/**
 * The HTTP(S) servers of one service under one web config: creates them for fastify's
 * `serverFactory` (one per bound address), refuses TLS clients the config's client auth
 * forbids, and applies a reloaded config to every live server. TLS cannot be switched on
 * or off by a reload.
 */
export class WebServers {
  readonly guard: WebGuard;
  readonly #servers = new Set<Server | TlsServer>();
  readonly #logger: Logger;

  constructor(config: WebConfig, logger: Logger) {
    this.guard = new WebGuard(config);
    this.#logger = logger;
  }

  get tls(): boolean {
    return this.guard.config.tls !== undefined;
  }

  /** For fastify's `serverFactory`: a plain or TLS server, as the current config says. */
  readonly factory = (handler: RequestListener): Server => {
    const config = this.guard.config;
    if (!config.tls) {
      const server = createHttpServer(handler);
      this.#servers.add(server);
      return server;
    }
    const server = createHttpsServer(
      { ...config.tls.secureContext, ...clientCertOptions(config) },
      handler,
    ) as TlsServer;
    server.on('secureConnection', (socket: TLSSocket) => {
      const reason = refuseClient(socket, this.guard.config);
      if (reason !== undefined) {
        this.#logger.debug({ remote: socket.remoteAddress, reason }, 'TLS client refused');
        socket.destroy();
      }
    });
    this.#servers.add(server);
    return server as unknown as Server;
  };

  /** Drops every connection of every server, busy or not (the end of a shutdown grace period). */
  closeAllConnections(): void {
    for (const server of this.#servers) server.closeAllConnections();
  }

  /** Throws when `next` cannot be applied without a restart. */
  check(next: WebConfig): void {
    if ((next.tls !== undefined) !== this.tls)
      throw new Error('switching between HTTP and HTTPS needs a restart');
  }

  /** New connections get the new certificates and client policy, new requests the new users and headers. */
  apply(next: WebConfig): void {
    this.check(next);
    this.guard.update(next);
    if (!next.tls) return;
    const certOptions = clientCertOptions(next);
    for (const server of this.#servers) {
      const tlsServer = server as TlsServer;
      tlsServer.setSecureContext(next.tls.secureContext);
      tlsServer.requestCert = certOptions.requestCert;
      tlsServer.rejectUnauthorized = certOptions.rejectUnauthorized;
    }
  }
}
