import { ScrapeHttpClient } from './http-client.ts';
import type { HttpClientSettings } from './http-client.ts';

interface Entry {
  readonly client: ScrapeHttpClient;
  lastUsedMs: number;
}

/**
 * The {@link ScrapeHttpClient}s of the running scrape configs, one per distinct set of
 * client settings and base directory: loops of one job share connections, and a reload
 * that leaves a job's client settings alone keeps its connections. A client unused for
 * `idleMs` (its job was removed or changed on reload) is closed by a background sweep;
 * {@link close} closes all on shutdown.
 */
export class ScrapeHttpClients {
  readonly #entries = new Map<string, Entry>();
  #sweeper: NodeJS.Timeout | undefined;

  constructor(
    readonly idleMs = 10 * 60_000,
    readonly now: () => number = Date.now,
  ) {}

  /** The client for these settings, made on first use (throws when a TLS file cannot be read). */
  client(settings: HttpClientSettings, baseDir: string): ScrapeHttpClient {
    const key = settingsKey(settings, baseDir);
    let entry = this.#entries.get(key);
    if (entry === undefined) {
      entry = { client: new ScrapeHttpClient(settings, baseDir), lastUsedMs: this.now() };
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

/** Equal for settings that make the same connections (secrets included, in memory only). */
function settingsKey(settings: HttpClientSettings, baseDir: string): string {
  const tls = settings.tls_config;
  return JSON.stringify([
    baseDir,
    settings.proxy_url ?? '',
    settings.follow_redirects,
    settings.enable_http2,
    tls === undefined ? null : { ...tls, key: tls.key?.reveal() ?? null },
  ]);
}

/** The clients of the scrape loops of this process. */
export const scrapeHttpClients = new ScrapeHttpClients();
