import { HttpClient } from './client.ts';
import type { HttpClientConfig, HttpClientOptions } from './config.ts';

/** The fields of {@link HttpClientConfig}: what a client is keyed and built by. */
export const HTTP_CLIENT_FIELDS = [
  'basic_auth',
  'authorization',
  'bearer_token',
  'bearer_token_file',
  'oauth2',
  'tls_config',
  'proxy_url',
  'no_proxy',
  'proxy_from_environment',
  'proxy_connect_header',
  'follow_redirects',
  'enable_http2',
] as const satisfies readonly (keyof HttpClientConfig)[];

/** Just the HTTP client fields of a larger config (a scrape config, an SD config). */
export function pickHttpClientConfig(config: HttpClientConfig): HttpClientConfig {
  const out: Record<string, unknown> = {};
  for (const field of HTTP_CLIENT_FIELDS) if (config[field] !== undefined) out[field] = config[field];
  return out as HttpClientConfig;
}

interface Entry {
  readonly client: HttpClient;
  lastUsedMs: number;
}

/**
 * Clients shared by equal settings: one per distinct HTTP client config, base directory
 * and user agent, so users of one config share connections, and a reload that leaves the
 * settings alone keeps them. A client unused for `idleMs` (its config was removed or
 * changed) is closed by a background sweep; {@link close} closes all on shutdown.
 */
export class HttpClientCache {
  readonly #entries = new Map<string, Entry>();
  #sweeper: NodeJS.Timeout | undefined;

  constructor(
    readonly idleMs = 10 * 60_000,
    readonly now: () => number = Date.now,
  ) {}

  /** The client for these settings (only {@link HTTP_CLIENT_FIELDS} count), made on first use. */
  client(config: HttpClientConfig, options: HttpClientOptions = {}): HttpClient {
    const settings = pickHttpClientConfig(config);
    const key = settingsKey(settings, options);
    let entry = this.#entries.get(key);
    if (entry === undefined) {
      entry = { client: new HttpClient(settings, options), lastUsedMs: this.now() };
      this.#entries.set(key, entry);
      this.#startSweeper();
    }
    entry.lastUsedMs = this.now();
    return entry.client;
  }

  get size(): number {
    return this.#entries.size;
  }

  /** Closes the clients nobody asked for during the last `idleMs`. */
  async sweep(): Promise<void> {
    const closing: Promise<void>[] = [];
    for (const [key, entry] of this.#entries) {
      if (this.now() - entry.lastUsedMs < this.idleMs) continue;
      this.#entries.delete(key);
      closing.push(entry.client.close());
    }
    await Promise.all(closing);
  }

  /** Closes every client and their connections. */
  async close(): Promise<void> {
    clearInterval(this.#sweeper);
    this.#sweeper = undefined;
    const clients = [...this.#entries.values()].map((e) => e.client);
    this.#entries.clear();
    await Promise.all(clients.map((c) => c.close()));
  }

  #startSweeper(): void {
    if (this.#sweeper !== undefined) return;
    this.#sweeper = setInterval(() => void this.sweep(), Math.max(1_000, this.idleMs / 2));
    this.#sweeper.unref();
  }
}

/** Equal for settings that make the same client (secrets included, in memory only). */
function settingsKey(settings: HttpClientConfig, options: HttpClientOptions): string {
  return JSON.stringify(
    [options.baseDir ?? '', options.userAgent ?? '', settings],
    function (this: Record<string, unknown>, key: string, value: unknown) {
      const raw = this[key] as { reveal?: () => string } | null | undefined;
      return raw !== null && typeof raw === 'object' && typeof raw.reveal === 'function'
        ? { secret: raw.reveal() }
        : value;
    },
  );
}
