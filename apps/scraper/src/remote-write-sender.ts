import { HttpClient, pickHttpClientConfig } from '@argus/http-client';
import { REMOTE_WRITE_HEADERS } from '@argus/remote';
import type { RemoteWriteConfig } from './config/scraper-config.ts';
import type { SendFunc } from './remote-write-shard.ts';

/** User-Agent of our remote-write requests. */
const USER_AGENT = 'Argus-scraper/0.1.0';

/** A {@link SendFunc} over HTTP and the connections it keeps. */
export interface HttpSender {
  readonly send: SendFunc;
  /** Closes the connections (after the queue has drained). */
  close(): Promise<void>;
}

/**
 * POSTs to a remote-write entry's `url` through its own `@argus/http-client` client, so the
 * entry's `tls_config`, `proxy_url`, credentials (files read per request), `oauth2` and
 * `follow_redirects` apply as in Prometheus, over kept-alive connections (undici's
 * `request`, not `fetch`: at tens of POSTs a second the WHATWG machinery cost more than the
 * send). `headers` are sent, the remote-write ones win over them.
 */
export function httpSender(config: RemoteWriteConfig, baseDir: string): HttpSender {
  const client = new HttpClient(pickHttpClientConfig(config), { baseDir, userAgent: USER_AGENT });
  const headers: Record<string, string> = { ...config.headers, ...REMOTE_WRITE_HEADERS };
  return {
    send: async (body, timeoutMs) => {
      // A timer cleared when done, not AbortSignal.timeout: those fire later anyway, each
      // making a DOMException with a stack, which showed in profiles at 40 POSTs a second.
      const controller = new AbortController();
      const timer = setTimeout(() => controller.abort(new Error('context deadline exceeded')), timeoutMs);
      try {
        const { signal } = controller;
        const response = await client.request({ method: 'POST', url: config.url, headers, body, signal });
        await response.body.dump().catch(() => undefined);
        const retryAfter = response.headers['retry-after'];
        return {
          status: response.statusCode,
          retryAfter: typeof retryAfter === 'string' ? retryAfter : null,
        };
      } finally {
        clearTimeout(timer);
      }
    },
    close: () => client.close(),
  };
}
