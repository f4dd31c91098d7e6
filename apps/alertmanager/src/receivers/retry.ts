import { NotifyError } from '../dispatch/notifier.ts';

/** How upstream's `notify.Retrier` classifies one HTTP answer. */
export interface RetryPolicy {
  /** Non-2xx, non-5xx statuses that are still retried (PagerDuty: 429, its v1 API: 403). */
  readonly retryCodes?: readonly number[];
  /** Turns an error body into the detail appended to the message (default: the body). */
  readonly details?: (status: number, body: string) => string;
}

const MAX_DETAIL_CHARS = 1024;

/**
 * Upstream's `Retrier.Check`: any 2xx succeeds; 5xx and the policy's extra codes are
 * retried; every other status fails for good. The message is upstream's
 * `unexpected status code N: <body>` (the body cut to 1 KiB).
 */
export function checkStatus(status: number, body: string, policy: RetryPolicy = {}): void {
  if (status >= 200 && status < 300) return;
  const retry = (status >= 500 && status < 600) || (policy.retryCodes ?? []).includes(status);
  const detail = policy.details ? policy.details(status, body) : body.slice(0, MAX_DETAIL_CHARS);
  const message = detail ? `unexpected status code ${status}: ${detail}` : `unexpected status code ${status}`;
  throw new NotifyError(message, retry, { cause: { status } });
}
