export interface WaitForOptions {
  /** Give up after this long; default 10 000 ms. */
  readonly timeoutMs?: number;
  /** Pause between attempts; default 50 ms. */
  readonly intervalMs?: number;
  /** Names what was awaited in the timeout error. */
  readonly description?: string;
}

/** `waitFor` gave up; `lastError` is what the predicate last threw, if it threw. */
export class WaitTimeoutError extends Error {
  constructor(
    message: string,
    readonly lastError: unknown,
  ) {
    super(message, { cause: lastError });
    this.name = 'WaitTimeoutError';
  }
}

/**
 * Calls `predicate` until it returns a truthy value (or a promise of one) and resolves with
 * that value. A throwing predicate counts as "not yet". Rejects with `WaitTimeoutError`
 * naming `description` and the last error after `timeoutMs`.
 */
export async function waitFor<T>(
  predicate: () => T | Promise<T>,
  options: WaitForOptions = {},
): Promise<NonNullable<T>> {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const intervalMs = options.intervalMs ?? 50;
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await predicate();
      if (value) return value as NonNullable<T>;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() >= deadline) break;
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
  const what = options.description ?? 'condition';
  const detail =
    lastError instanceof Error
      ? `: ${lastError.message}`
      : lastError === undefined
        ? ''
        : `: ${String(lastError)}`;
  throw new WaitTimeoutError(`timed out after ${timeoutMs} ms waiting for ${what}${detail}`, lastError);
}
