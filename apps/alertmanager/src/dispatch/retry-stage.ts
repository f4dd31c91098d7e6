import { isResolved } from '../domain/alert.ts';
import type { Logger } from '@argus/service-kit';
import { NotifyError } from './notifier.ts';
import type { Notifier } from './notifier.ts';
import type { NotifyMetrics } from '../metrics/notify-metrics.ts';
import { stage } from './stage.ts';
import type { Stage } from './stage.ts';

/** Backoff of upstream's retrier (cenkalti/backoff defaults): 500 ms × 1.5, ±50 % jitter, ≤ 60 s. */
export function backoffMs(attempt: number, random: () => number = Math.random): number {
  const base = Math.min(500 * 1.5 ** attempt, 60_000);
  return base * (0.5 + random());
}

/**
 * Sends through `notifier`, retrying retryable failures with backoff until the flush
 * deadline. Without `send_resolved`, resolved alerts are left out and a batch with no
 * firing alert counts as sent without a request.
 */
export function retryStage(
  notifier: Notifier,
  logger: Logger,
  sleep = (ms: number) => new Promise((r) => setTimeout(r, ms)),
  metrics?: NotifyMetrics,
): Stage {
  return stage(async (ctx, alerts) => {
    // Counted before the send_resolved filter, as upstream counts every retry-stage run.
    const integration = notifier.integration;
    metrics?.notification(integration);
    let sent = alerts;
    if (!notifier.sendResolved) {
      sent = alerts.filter((a) => !isResolved(a, ctx.nowMs));
      if (sent.length === 0) return alerts;
    }
    for (let attempt = 0; ; attempt++) {
      const started = performance.now();
      try {
        await notifier.notify(ctx, sent);
        metrics?.request(integration, (performance.now() - started) / 1000, false);
        return alerts;
      } catch (error) {
        metrics?.request(integration, (performance.now() - started) / 1000, true);
        const retry = !(error instanceof NotifyError) || error.retry;
        const wait = backoffMs(attempt);
        if (!retry || Date.now() + wait > ctx.deadlineMs) {
          metrics?.failed(integration, error);
          throw new NotifyError(
            `${notifier.integration}/${notifier.index}: notify retry canceled after ${attempt + 1} attempts: ${(error as Error).message}`,
            false,
            { cause: error },
          );
        }
        logger.warn(
          {
            integration: notifier.integration,
            receiver: ctx.receiver,
            attempt: attempt + 1,
            err: (error as Error).message,
          },
          'Notify attempt failed, will retry later',
        );
        await sleep(wait);
      }
    }
  });
}
