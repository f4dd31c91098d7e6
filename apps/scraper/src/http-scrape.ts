import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { STATUS_CODES } from 'node:http';
import { DEFAULT_SCRAPE_PROTOCOLS, scrapeAcceptHeader } from '@argus/exposition';
import type { ScrapeConfig } from './config/scraper-config.ts';
import type { ScrapeFunc } from './scrape-loop.ts';

/** User-Agent of our scrapes. */
export const SCRAPER_USER_AGENT = 'Argus-scraper/0.1.0';

/** Why a scrape over HTTP failed; `message` is upstream's wording where it has one. */
export class ScrapeHttpError extends Error {
  constructor(
    readonly code: 'timeout' | 'status' | 'body_size_limit' | 'network',
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
  const readSecret = (file: string): string => readFileSync(resolve(baseDir, file), 'utf8').trim();
  if (c.basic_auth) {
    const password = c.basic_auth.password_file
      ? readSecret(c.basic_auth.password_file)
      : (c.basic_auth.password?.reveal() ?? '');
    return `Basic ${Buffer.from(`${c.basic_auth.username}:${password}`).toString('base64')}`;
  }
  if (c.authorization) {
    const credentials = c.authorization.credentials_file
      ? readSecret(c.authorization.credentials_file)
      : (c.authorization.credentials?.reveal() ?? '');
    return `${c.authorization.type} ${credentials}`;
  }
  if (c.bearer_token) return `Bearer ${c.bearer_token.reveal()}`;
  if (c.bearer_token_file) return `Bearer ${readSecret(c.bearer_token_file)}`;
  return undefined;
}

/**
 * A {@link ScrapeFunc} for `url` as Prometheus scrapes: the negotiated `Accept` header,
 * `X-Prometheus-Scrape-Timeout-Seconds`, gzip, auth from the scrape config, the timeout
 * as an abort, and `body_size_limit` on the decompressed body.
 */
export function httpScrape(url: string, config: ScrapeConfig, baseDir: string): ScrapeFunc {
  const accept = scrapeAcceptHeader(config.scrape_protocols ?? DEFAULT_SCRAPE_PROTOCOLS);
  const limit = config.body_size_limit;
  return async (timeoutMs) => {
    const headers: Record<string, string> = {
      accept,
      'accept-encoding': 'gzip',
      'user-agent': SCRAPER_USER_AGENT,
      'x-prometheus-scrape-timeout-seconds': String(timeoutMs / 1000),
    };
    const auth = authorizationHeader(config, baseDir);
    if (auth !== undefined) headers.authorization = auth;
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), timeoutMs);
    try {
      const response = await fetch(url, {
        headers,
        signal: controller.signal,
        redirect: config.follow_redirects ? 'follow' : 'manual',
      });
      if (response.status !== 200) {
        await response.body?.cancel();
        throw new ScrapeHttpError(
          'status',
          `server returned HTTP status ${response.status} ${STATUS_CODES[response.status] ?? ''}`.trimEnd(),
        );
      }
      const body = await readLimited(response, limit);
      return { body, contentType: response.headers.get('content-type') ?? undefined };
    } catch (error) {
      if (error instanceof ScrapeHttpError) throw error;
      if (controller.signal.aborted)
        throw new ScrapeHttpError('timeout', 'context deadline exceeded', { cause: error });
      const cause = (error as Error & { cause?: Error }).cause;
      throw new ScrapeHttpError('network', `Get "${url}": ${cause?.message ?? (error as Error).message}`, {
        cause: error,
      });
    } finally {
      clearTimeout(timer);
    }
  };
}

async function readLimited(response: Response, limit: number): Promise<Uint8Array> {
  if (response.body === null) return new Uint8Array(0);
  const chunks: Uint8Array[] = [];
  let total = 0;
  for await (const chunk of response.body) {
    total += chunk.byteLength;
    if (limit > 0 && total > limit) {
      await response.body.cancel().catch(() => undefined);
      throw new ScrapeHttpError('body_size_limit', 'body size limit exceeded');
    }
    chunks.push(chunk);
  }
  return chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, total);
}
