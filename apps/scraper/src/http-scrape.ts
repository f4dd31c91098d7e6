import { STATUS_CODES } from 'node:http';
import type { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { DEFAULT_SCRAPE_PROTOCOLS, scrapeAcceptHeader } from '@argus/exposition';
import { staticAuthorization } from '@argus/http-client';
import type { ScrapeConfig } from './config/scraper-config.ts';
import type { ScrapeFunc } from './scrape-loop.ts';
import type { ScrapeHttpClient } from './http-client.ts';
import { scrapeHttpClients } from './http-client-cache.ts';
import type { ScrapeHttpClients } from './http-client-cache.ts';

/** User-Agent of our scrapes. */
export const SCRAPER_USER_AGENT = 'Argus-scraper/0.1.0';

/** Why a scrape over HTTP failed; `message` is upstream's wording where it has one. */
export class ScrapeHttpError extends Error {
  constructor(
    readonly code: 'timeout' | 'status' | 'body_size_limit' | 'network' | 'client',
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'ScrapeHttpError';
  }
}

/**
 * The `Authorization` header value of a scrape or remote-write client config, files read
 * relative to `baseDir` at each call (so rotated tokens are picked up), or undefined.
 */
export function authorizationHeader(
  c: Pick<ScrapeConfig, 'basic_auth' | 'authorization' | 'bearer_token' | 'bearer_token_file'>,
  baseDir: string,
): string | undefined {
  return staticAuthorization(c, baseDir);
}

/**
 * A {@link ScrapeFunc} for `url` as Prometheus scrapes: the negotiated `Accept` header,
 * `X-Prometheus-Scrape-Timeout-Seconds`, gzip, the timeout as an abort, and `body_size_limit`
 * on the decompressed body. Connections and credentials come from the config's shared
 * {@link ScrapeHttpClient} (`tls_config`, `proxy_url`, auth read at each scrape, `follow_redirects`).
 */
export function httpScrape(
  url: string,
  config: ScrapeConfig,
  baseDir: string,
  clients: ScrapeHttpClients = scrapeHttpClients,
): ScrapeFunc {
  const accept = scrapeAcceptHeader(config.scrape_protocols ?? DEFAULT_SCRAPE_PROTOCOLS);
  const limit = config.body_size_limit;
  return async (timeoutMs) => {
    const headers: Record<string, string> = {
      accept,
      'accept-encoding': 'gzip',
      'user-agent': SCRAPER_USER_AGENT,
      'x-prometheus-scrape-timeout-seconds': String(timeoutMs / 1000),
    };
    let client: ScrapeHttpClient;
    try {
      client = clients.client(config, baseDir);
    } catch (error) {
      throw new ScrapeHttpError('client', `error creating HTTP client: ${(error as Error).message}`, {
        cause: error,
      });
    }
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), timeoutMs);
    try {
      const response = await client.get(url, headers, controller.signal);
      if (response.statusCode !== 200) {
        await response.body.dump();
        throw new ScrapeHttpError(
          'status',
          `server returned HTTP status ${response.statusCode} ${STATUS_CODES[response.statusCode] ?? ''}`.trimEnd(),
        );
      }
      const contentType = response.headers['content-type'];
      const gzip = response.headers['content-encoding'] === 'gzip';
      const body = await readLimited(response.body, gzip, limit);
      return { body, contentType: typeof contentType === 'string' ? contentType : undefined };
    } catch (error) {
      if (error instanceof ScrapeHttpError) throw error;
      if (controller.signal.aborted)
        throw new ScrapeHttpError('timeout', 'context deadline exceeded', { cause: error });
      throw new ScrapeHttpError('network', `Get "${url}": ${(error as Error).message}`, { cause: error });
    } finally {
      clearTimeout(timer);
    }
  };
}

/** The whole body, gunzipped when `gzip`; `body_size_limit` (0: none) counts decompressed bytes. */
async function readLimited(body: Readable, gzip: boolean, limit: number): Promise<Uint8Array> {
  const source: Readable = gzip ? body.pipe(createGunzip()) : body;
  if (gzip) body.once('error', (error) => source.destroy(error));
  const chunks: Buffer[] = [];
  let total = 0;
  try {
    for await (const chunk of source as AsyncIterable<Buffer>) {
      total += chunk.byteLength;
      if (limit > 0 && total > limit)
        throw new ScrapeHttpError('body_size_limit', 'body size limit exceeded');
      chunks.push(chunk);
    }
  } finally {
    body.destroy();
    source.destroy();
  }
  return chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, total);
}
