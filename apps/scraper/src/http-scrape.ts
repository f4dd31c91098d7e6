import { STATUS_CODES } from 'node:http';
import type { Readable } from 'node:stream';
import { gunzipSync } from 'node:zlib';
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
    // As Go's client: errors before the response headers name the request, body errors do not.
    let prefix = `Get "${url}": `;
    try {
      const response = await client.get(url, headers, controller.signal);
      prefix = '';
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
        throw new ScrapeHttpError('timeout', `${prefix}context deadline exceeded`, { cause: error });
      throw new ScrapeHttpError('network', `Get "${url}": ${(error as Error).message}`, { cause: error });
    } finally {
      clearTimeout(timer);
    }
  };
}

/** Largest gunzip output buffer sized from the gzip trailer when there is no body_size_limit. */
const MAX_SIZE_HINT = 256 * 1024 * 1024;

/**
 * The whole body, gunzipped when `gzip`; `body_size_limit` (0: none) counts decompressed
 * bytes. The compressed body is gathered first and inflated in one synchronous call into a
 * buffer sized from the gzip trailer: several times cheaper in CPU than a gunzip stream
 * (whose chunks hop through the thread pool), and a scrape body is bounded anyway.
 */
async function readLimited(body: Readable, gzip: boolean, limit: number): Promise<Uint8Array> {
  // Compressed bytes beyond the limit (plus deflate's few bytes of framing) cannot inflate to less.
  const readLimit = limit > 0 && gzip ? limit + Math.ceil(limit / 1024) + 4096 : limit;
  const chunks: Buffer[] = [];
  let total = 0;
  try {
    for await (const chunk of body as AsyncIterable<Buffer>) {
      total += chunk.byteLength;
      if (readLimit > 0 && total > readLimit)
        throw new ScrapeHttpError('body_size_limit', 'body size limit exceeded');
      chunks.push(chunk);
    }
  } finally {
    body.destroy();
  }
  const raw = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, total);
  return gzip ? gunzipLimited(raw, limit) : raw;
}

function gunzipLimited(raw: Buffer, limit: number): Buffer {
  // ISIZE, the last four bytes: the uncompressed length mod 2^32 (only a hint for the buffer).
  const size = raw.length >= 18 ? raw.readUInt32LE(raw.length - 4) : 0;
  const cap = limit > 0 ? limit + 1 : MAX_SIZE_HINT;
  const chunkSize = Math.max(64, Math.min(size + 1, cap));
  try {
    return gunzipSync(raw, limit > 0 ? { chunkSize, maxOutputLength: limit } : { chunkSize });
  } catch (error) {
    if ((error as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE')
      throw new ScrapeHttpError('body_size_limit', 'body size limit exceeded', { cause: error });
    throw error;
  }
}
