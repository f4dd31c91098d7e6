import {
  HttpClient as Transport,
  HttpClientConfigError,
  OAuth2Error,
  tlsOptions as transportTlsOptions,
} from '@argus/http-client';
import type { HttpClientConfig, TlsConfig } from '@argus/http-client';
import { NotifyError } from '../dispatch/notifier.ts';
import { rememberSecret } from './secrets.ts';

/** The decoded `http_config` / `tls_config` of an integration (see receiver-schema.ts). */
type Fields = Record<string, unknown>;

/** One HTTP answer, body read in full. */
export interface HttpAnswer {
  readonly status: number;
  readonly contentType: string;
  readonly body: string;
}

export interface HttpRequest {
  readonly method?: string;
  readonly headers?: Record<string, string>;
  readonly body?: string;
  /** Per-request limit in ms (0: none); always bounded by `deadlineMs`. */
  readonly timeoutMs?: number;
  /** The flush deadline (Unix ms). */
  readonly deadlineMs: number;
}

/** Node TLS options from Prometheus's `tls_config` (for SMTP); a file that cannot be read is a non-retryable error. */
export async function tlsOptions(tls: Fields | undefined): Promise<Record<string, unknown>> {
  try {
    return { ...transportTlsOptions(tls as TlsConfig | undefined, '.', rememberSecret) };
  } catch (error) {
    throw new NotifyError((error as Error).message, false, { cause: error });
  }
}

/** Describes a transport failure without the URL (it may carry a token, as Slack's and Discord's do). */
function transportError(method: string, error: unknown, timedOut: boolean): NotifyError {
  const e = error as Error & { code?: string; cause?: { code?: string; message?: string } };
  const reason = timedOut
    ? 'context deadline exceeded'
    : (e.code ?? e.cause?.code ?? e.cause?.message ?? e.message ?? 'request failed');
  return new NotifyError(`${method} "<redacted>": ${reason}`, true, { cause: error });
}

/**
 * An integration's HTTP client: `@argus/http-client` built from its `http_config` (TLS,
 * proxies, credentials incl. oauth2 with `*_file`s read on every request, Go's redirects),
 * answers read in full and failures as {@link NotifyError}s: transport failures and
 * timeouts retryable, bad credentials files or TLS files not. A header the integration sets
 * itself (`Authorization: GenieKey …`) wins over the configured credentials, as in Go.
 * Every secret the client reveals is recorded for {@link scrubSecrets}.
 */
export class HttpClient {
  readonly #transport: Transport;

  constructor(
    readonly config: Fields | undefined,
    readonly userAgent: string,
  ) {
    this.#transport = new Transport((config ?? {}) as HttpClientConfig, {
      userAgent,
      onSecret: rememberSecret,
    });
  }

  /** Sends one request; transport failures and timeouts throw a retryable {@link NotifyError}. */
  async request(url: string, req: HttpRequest): Promise<HttpAnswer> {
    const method = req.method ?? 'POST';
    const remaining = Math.max(1, req.deadlineMs - Date.now());
    const limit = req.timeoutMs && req.timeoutMs > 0 ? Math.min(req.timeoutMs, remaining) : remaining;
    const signal = AbortSignal.timeout(limit);
    try {
      const res = await this.#transport.request({
        url,
        method,
        headers: req.headers,
        body: req.body,
        signal,
      });
      const body = await res.body.text();
      const contentType = res.headers['content-type'];
      return {
        status: res.statusCode,
        contentType: Array.isArray(contentType) ? (contentType[0] ?? '') : (contentType ?? ''),
        body,
      };
    } catch (error) {
      if (error instanceof OAuth2Error)
        throw new NotifyError(error.message, error.retryable, { cause: error });
      if (error instanceof HttpClientConfigError)
        throw new NotifyError(error.message, false, { cause: error });
      throw transportError(method === 'POST' ? 'Post' : method, error, signal.aborted);
    }
  }

  async close(): Promise<void> {
    await this.#transport.close();
  }
}
