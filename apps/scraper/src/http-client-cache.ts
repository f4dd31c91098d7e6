import { HttpClientCache } from '@argus/http-client';
import type { HttpClient } from '@argus/http-client';
import { ScrapeHttpClient } from './http-client.ts';
import type { HttpClientSettings } from './http-client.ts';

/**
 * The {@link ScrapeHttpClient}s of the running scrape and SD configs, one per distinct set
 * of HTTP client settings and base directory (`@argus/http-client`'s cache): loops of one
 * job share connections, a reload that leaves a job's client settings alone keeps them,
 * clients unused for `idleMs` are swept, {@link close} closes all on shutdown.
 */
export class ScrapeHttpClients {
  readonly #cache: HttpClientCache;
  readonly #views = new WeakMap<HttpClient, ScrapeHttpClient>();

  constructor(idleMs?: number, now?: () => number) {
    this.#cache = new HttpClientCache(idleMs, now);
  }

  /** The client for these settings, made on first use (throws when a TLS file cannot be read or proxy_url is bad). */
  client(settings: HttpClientSettings, baseDir: string): ScrapeHttpClient {
    const client = this.#cache.client(settings, { baseDir });
    client.dispatcher();
    let view = this.#views.get(client);
    if (view === undefined) {
      view = new ScrapeHttpClient(client);
      this.#views.set(client, view);
    }
    return view;
  }

  get size(): number {
    return this.#cache.size;
  }

  /** Closes the clients nobody asked for during the last `idleMs`. */
  sweep(): Promise<void> {
    return this.#cache.sweep();
  }

  /** Closes every client and their connections. */
  close(): Promise<void> {
    return this.#cache.close();
  }
}

/** The clients of the scrape loops and SD providers of this process. */
export const scrapeHttpClients = new ScrapeHttpClients();
