import type { HttpClient, HttpClientConfig, HttpResponse } from '@argus/http-client';

/** The HTTP client fields of a scrape or SD config (`common/config.HTTPClientConfig`). */
export type HttpClientSettings = HttpClientConfig;

/**
 * The scraper's view of a shared {@link HttpClient} (from `@argus/http-client`): GETs with
 * the config's TLS, proxy, credentials and redirect settings, connections kept across scrapes.
 */
export class ScrapeHttpClient {
  constructor(readonly client: HttpClient) {}

  /** A GET of `url`; the response body is the caller's to consume or dump. */
  get(url: string, headers: Record<string, string>, signal: AbortSignal): Promise<HttpResponse> {
    return this.client.request({ method: 'GET', url, headers, signal });
  }

  /** Closes every connection; requests in flight are aborted. */
  close(): Promise<void> {
    return this.client.close();
  }
}
