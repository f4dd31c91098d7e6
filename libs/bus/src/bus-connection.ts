import { connect } from '@nats-io/transport-node';
import type { NatsConnection } from '@nats-io/transport-node';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import type { JetStreamClient, JetStreamManager } from '@nats-io/jetstream';

/** What the bus reports about its connection (for logs and readiness). */
export type BusEvent =
  | { readonly type: 'disconnect'; readonly server: string }
  | { readonly type: 'reconnect'; readonly server: string }
  | { readonly type: 'error'; readonly message: string };

export interface BusOptions {
  /** One or more `nats://host:port` URLs (comma-separated in one string is accepted too). */
  readonly servers: string | readonly string[];
  /** Client name shown by the server (`connz`). */
  readonly name?: string;
  /** Give up the first connection after this long (ms); default 10 000. */
  readonly connectTimeoutMs?: number;
  /** First reconnect delay (ms); doubled per failed attempt up to `maxReconnectDelayMs`. Default 250. */
  readonly reconnectDelayMs?: number;
  /** Upper bound of the reconnect backoff (ms); default 5 000. */
  readonly maxReconnectDelayMs?: number;
  /** Called for connection events; never throws into the bus. */
  readonly onEvent?: (event: BusEvent) => void;
}

/** A NATS connection with its JetStream handles. Reconnects forever until `close()`. */
export interface Bus {
  readonly nc: NatsConnection;
  readonly js: JetStreamClient;
  readonly jsm: JetStreamManager;
  /** True while the connection is up (false during reconnects and after close). */
  readonly connected: boolean;
  /** Adds a listener for connection events; returns the function that removes it. */
  onEvent(listener: (event: BusEvent) => void): () => void;
  /** Drains subscriptions and closes; resolves when closed. */
  close(): Promise<void>;
}

/** Splits `a,b` and trims, so a flag value with several URLs works. */
export function parseServers(servers: string | readonly string[]): string[] {
  const list = typeof servers === 'string' ? [servers] : [...servers];
  return list
    .flatMap((s) => s.split(','))
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

/**
 * Connects to NATS and opens JetStream. The first connection is retried (with backoff)
 * until `connectTimeoutMs`; after that the client reconnects forever with exponential
 * backoff and jitter, buffering publishes meanwhile. Throws `BusConnectError` naming
 * the servers when the first connection cannot be made.
 */
export async function connectBus(options: BusOptions): Promise<Bus> {
  const servers = parseServers(options.servers);
  if (servers.length === 0) throw new BusConnectError('no NATS server URL given', servers);
  const base = options.reconnectDelayMs ?? 250;
  const max = options.maxReconnectDelayMs ?? 5_000;
  let attempt = 0;
  const deadline = Date.now() + (options.connectTimeoutMs ?? 10_000);
  let nc: NatsConnection | undefined;
  while (nc === undefined) {
    try {
      nc = await connect({
        servers,
        name: options.name,
        maxReconnectAttempts: -1,
        reconnectTimeWait: base,
        reconnectDelayHandler: () => {
          attempt++;
          const d = Math.min(max, base * 2 ** Math.min(attempt, 16));
          return d / 2 + Math.random() * (d / 2);
        },
        timeout: Math.max(500, Math.min(5_000, deadline - Date.now())),
      });
    } catch (error) {
      if (Date.now() >= deadline) {
        throw new BusConnectError(`cannot connect to NATS: ${(error as Error).message}`, servers, {
          cause: error,
        });
      }
      attempt++;
      await sleep(Math.min(max, base * 2 ** Math.min(attempt, 16)));
    }
  }
  const conn = nc;
  let connected = true;
  const listeners = new Set<(event: BusEvent) => void>();
  const emit = (event: BusEvent) => {
    for (const l of [options.onEvent, ...listeners]) {
      try {
        l?.(event);
      } catch {
        // A listener's failure is its own.
      }
    }
  };
  void (async () => {
    for await (const s of conn.status()) {
      if (s.type === 'disconnect') {
        connected = false;
        emit({ type: 'disconnect', server: s.server });
      } else if (s.type === 'reconnect') {
        connected = true;
        attempt = 0;
        emit({ type: 'reconnect', server: s.server });
      } else if (s.type === 'error') {
        emit({ type: 'error', message: s.error.message });
      }
    }
  })().catch(() => undefined);
  const js = jetstream(conn);
  const jsm = await jetstreamManager(conn);
  return {
    nc: conn,
    js,
    jsm,
    get connected() {
      return connected && !conn.isClosed();
    },
    onEvent(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async close() {
      connected = false;
      if (conn.isClosed()) return;
      await conn.drain().catch(() => conn.close());
    },
  };
}

/** The first connection to NATS failed; `servers` says where it tried. */
export class BusConnectError extends Error {
  readonly code = 'BUS_CONNECT';
  constructor(
    message: string,
    readonly servers: readonly string[],
    options?: ErrorOptions,
  ) {
    super(`${message} (servers: ${servers.join(', ') || 'none'})`, options);
    this.name = 'BusConnectError';
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
