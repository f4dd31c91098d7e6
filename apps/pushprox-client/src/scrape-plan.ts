import {
  SCRAPE_TIMEOUT_HEADER,
  parseFloatErrorText,
  parseTimeoutSeconds,
  requestHeader,
  targetHostname,
} from '@argus/pushprox';
import type { ScrapeRequest } from '@argus/pushprox';

/** What the client checks and rewrites before scraping; Rancher's extras are off by default. */
export interface ScrapePlanOptions {
  /** `--fqdn`: the target host (port aside) must equal it. */
  readonly fqdn: string;
  /** Rancher `--allow-port` (`*`: any). */
  readonly allowPort?: string;
  /** Rancher `--use-localhost`: dial 127.0.0.1:<port>, keep the Host header. */
  readonly useLocalhost?: boolean;
  /**
   * Rancher `--token-path`: read on every scrape (throws when unreadable); adds
   * `Authorization: Bearer <content>` and forces https.
   */
  readonly readToken?: () => string;
}

/** Either the error text to push back as a 500, or the request to make. */
export type ScrapePlan =
  | {
      readonly kind: 'refuse';
      readonly message: string;
      /** The scrape deadline when the refusal came after the timeout was read. */
      readonly timeoutMs?: number;
    }
  | {
      readonly kind: 'fetch';
      readonly method: string;
      /** The URL as it will be reported in errors. */
      readonly url: string;
      /** `scheme://host:port` actually dialled. */
      readonly origin: string;
      /** Path and query sent on the request line. */
      readonly path: string;
      readonly host: string;
      readonly timeoutMs: number;
      readonly headers: readonly (readonly [string, string])[];
      readonly body: Buffer;
    };

/**
 * The upstream client's scrape steps, without I/O: the timeout header is required (its
 * parse error is the answer otherwise), `_scheme=https` switches the scheme and is
 * removed, Rancher's token step, the FQDN check, Rancher's port allow-list and localhost
 * rewrite. Every header of the request passes through.
 */
export function planScrape(request: ScrapeRequest, options: ScrapePlanOptions): ScrapePlan {
  const timeoutText = requestHeader(request, SCRAPE_TIMEOUT_HEADER) ?? '';
  const timeoutSeconds = parseTimeoutSeconds(timeoutText);
  if (timeoutSeconds === undefined) return { kind: 'refuse', message: parseFloatErrorText(timeoutText) };
  const timeoutMs = timeoutSeconds * 1000;
  let url: URL;
  try {
    url = new URL(request.target);
  } catch {
    return { kind: 'refuse', message: `failed to scrape ${request.target}: invalid URL`, timeoutMs };
  }
  const rawHostname = targetHostname(request.target);
  if (url.searchParams.get('_scheme') === 'https') {
    url.protocol = 'https:';
    url.searchParams.delete('_scheme');
    url.searchParams.sort();
  }
  const headers = [...request.headers];
  if (options.readToken) {
    let token: string;
    try {
      token = options.readToken();
    } catch {
      return { kind: 'refuse', message: 'cannot read token from token-path', timeoutMs };
    }
    headers.push(['Authorization', `Bearer ${token}`]);
    url.protocol = 'https:';
  }
  if (rawHostname !== options.fqdn)
    return { kind: 'refuse', message: "scrape target doesn't match client fqdn", timeoutMs };
  const allowPort = options.allowPort ?? '*';
  if (url.port !== '' && allowPort !== '*' && url.port !== allowPort) {
    return {
      kind: 'refuse',
      message: `client does not have permissions to scrape port ${url.port}`,
      timeoutMs,
    };
  }
  const origin =
    options.useLocalhost && url.port !== '' ? `${url.protocol}//127.0.0.1:${url.port}` : url.origin;
  return {
    kind: 'fetch',
    method: request.method,
    url: url.toString(),
    origin,
    path: `${url.pathname}${url.search}`,
    host: request.host ?? url.host,
    timeoutMs,
    headers,
    body: request.body,
  };
}
