// Posts rendered cards to a Teams connector URL. The URL is a secret (its path is the key), so
// it never appears in an error or a log line: errors name the connector instead.
import { Agent, request } from 'undici';
import type { Dispatcher } from 'undici';
import type { Logger, Secret } from '@argus/service-kit';

export interface TeamsClientOptions {
  readonly connectTimeoutMs: number;
  /** Time allowed for Teams to answer (headers, then body). */
  readonly requestTimeoutMs: number;
  /** prom2teams's RetryEnable: retry a failed post every `retryWaitMs` until it succeeds. */
  readonly retryEnable: boolean;
  readonly retryWaitMs: number;
  readonly logger: Logger;
}

/** Teams refused the card or could not be reached. `status` is Teams' HTTP status, if any. */
export class TeamsRequestError extends Error {
  readonly code = 'teams_request';
  constructor(
    readonly connector: string,
    reason: string,
    readonly status?: number,
  ) {
    super(`posting to Teams connector "${connector}" failed: ${reason}`);
    this.name = 'TeamsRequestError';
  }
}

export class TeamsClient {
  readonly #options: TeamsClientOptions;
  readonly #dispatcher: Dispatcher;

  constructor(options: TeamsClientOptions) {
    this.#options = options;
    this.#dispatcher = new Agent({
      connect: { timeout: options.connectTimeoutMs },
      headersTimeout: options.requestTimeoutMs,
      bodyTimeout: options.requestTimeoutMs,
    });
  }

  /**
   * Posts one card. Success is a 202 (Workflows webhooks), or any 2xx whose body is `1` (the
   * Office 365 connector's answer). With retries enabled it tries again every `retryWaitMs`
   * until it succeeds or `signal` aborts (Alertmanager gave up on this request and will retry).
   */
  async post(connector: string, url: Secret, card: string, signal?: AbortSignal): Promise<void> {
    for (;;) {
      try {
        await this.#postOnce(connector, url, card);
        return;
      } catch (error) {
        if (!(error instanceof TeamsRequestError) || !this.#options.retryEnable || isAborted(signal))
          throw error;
        this.#options.logger.warn(
          { connector, err: error.message, retryInMs: this.#options.retryWaitMs },
          'Teams post failed, retrying',
        );
        await sleep(this.#options.retryWaitMs, signal);
        if (isAborted(signal)) throw error;
      }
    }
  }

  async close(): Promise<void> {
    await this.#dispatcher.close();
  }

  async #postOnce(connector: string, url: Secret, card: string): Promise<void> {
    let response: Dispatcher.ResponseData;
    try {
      response = await request(url.reveal(), {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: card,
        dispatcher: this.#dispatcher,
      });
    } catch (error) {
      throw new TeamsRequestError(connector, describe(error, url));
    }
    const text = (await response.body.text()).slice(0, 512);
    const ok =
      response.statusCode === 202 ||
      (response.statusCode < 300 && response.statusCode >= 200 && text.trim() === '1');
    if (!ok) {
      const shown = scrub(text, url).replace(/\s+/g, ' ').trim();
      throw new TeamsRequestError(
        connector,
        `status ${response.statusCode}, body "${shown}"`,
        response.statusCode,
      );
    }
  }
}

// undici's messages name the host at most, but strip the URL anyway should one include it.
function describe(error: unknown, url: Secret): string {
  const e = error as { code?: string; message?: string };
  return scrub(`${e.code ?? 'error'}${e.message ? `: ${e.message}` : ''}`, url);
}

/** `text` without the connector URL, nor its path and query (the key), should a reply echo them. */
function scrub(text: string, url: Secret): string {
  const full = url.reveal();
  const parts = [full];
  try {
    const parsed = new URL(full);
    parts.push(parsed.pathname + parsed.search, parsed.search, parsed.pathname);
  } catch {
    // not a URL: undici refused it already; the whole string is still scrubbed
  }
  let out = text;
  for (const part of parts) if (part.length > 1) out = out.split(part).join('<secret>');
  return out;
}

function isAborted(signal: AbortSignal | undefined): boolean {
  return signal?.aborted === true;
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}
