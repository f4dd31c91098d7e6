import { ScrapeHttpError } from './http-scrape.ts';

/** How often one target logs the same failure reason again (with the count left out meanwhile). */
export const SCRAPE_FAILURE_LOG_EVERY_MS = 5 * 60_000;

/** Where a loop's failed scrapes are logged: `warn` for limits, `debug` for the rest. */
export type ScrapeFailureLog = (
  level: 'warn' | 'debug',
  message: string,
  fields: Record<string, unknown>,
) => void;

/** A scrape failed by a limit (`sample_limit`, label limits, `body_size_limit`), as opposed to the target failing. */
export class ScrapeLimitError extends Error {
  constructor(
    readonly limit: 'sample' | 'label',
    message: string,
  ) {
    super(message);
  }
}

function isLimitFailure(error: unknown): boolean {
  return (
    error instanceof ScrapeLimitError ||
    (error instanceof ScrapeHttpError && error.code === 'body_size_limit')
  );
}

/**
 * Logs one target's failed scrapes with the reason, as upstream's "Scrape failed" (debug)
 * but at warn when a limit failed the scrape (the operator set it and should see it bite).
 * Rate-limited so a dead target does not flood the log: a reason is logged when it differs
 * from the last one logged, else at most every {@link SCRAPE_FAILURE_LOG_EVERY_MS}, with
 * how many were left out.
 */
export class ScrapeFailureLogger {
  #last = '';
  #lastAtMs = -Infinity;
  #suppressed = 0;

  constructor(
    readonly log: ScrapeFailureLog,
    readonly fields: Record<string, unknown>,
  ) {}

  failed(error: unknown, reason: string, nowMs: number): void {
    if (reason === this.#last && nowMs - this.#lastAtMs < SCRAPE_FAILURE_LOG_EVERY_MS) {
      this.#suppressed++;
      return;
    }
    const level = isLimitFailure(error) ? 'warn' : 'debug';
    const fields: Record<string, unknown> = { ...this.fields, err: reason };
    if (this.#suppressed > 0) fields.suppressed = this.#suppressed;
    this.log(level, level === 'warn' ? 'Scrape failed: limit exceeded' : 'Scrape failed', fields);
    this.#last = reason;
    this.#lastAtMs = nowMs;
    this.#suppressed = 0;
  }

  /** A successful scrape: the next failure is logged at once. */
  succeeded(): void {
    this.#last = '';
    this.#suppressed = 0;
  }
}
