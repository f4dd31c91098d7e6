import { Counter, Histogram } from 'prom-client';
import type { Registry } from 'prom-client';

/**
 * Integration names pre-registered with zero values, as upstream does, so rate() and
 * `sum by (integration)` work before the first notification. 0.25's ten plus those
 * later releases (and Argus) add.
 */
export const INTEGRATIONS = [
  'discord',
  'email',
  'jira',
  'msteams',
  'msteamsv2',
  'opsgenie',
  'pagerduty',
  'pushover',
  'rocketchat',
  'slack',
  'sns',
  'telegram',
  'victorops',
  'webex',
  'webhook',
  'wechat',
] as const;

/** Upstream's (0.27+) failure reasons of `alertmanager_notifications_failed_total`. */
export const FAILURE_REASONS = [
  'other',
  'clientError',
  'serverError',
  'contextCanceled',
  'contextDeadlineExceeded',
] as const;
export type FailureReason = (typeof FAILURE_REASONS)[number];

/** What the retry stage reports; one instance per service, shared by every pipeline. */
export interface NotifyMetrics {
  /** One notification (a flush of one integration) is about to be attempted. */
  notification(integration: string): void;
  /** One request (attempt) ended after `seconds`; `failed` when it threw. */
  request(integration: string, seconds: number, failed: boolean): void;
  /** The notification failed for good (retries given up). */
  failed(integration: string, error: unknown): void;
}

/** The HTTP status an error (or one of its causes) carries, when any. */
function statusOf(error: unknown): number | undefined {
  for (let e = error, depth = 0; e instanceof Error && depth < 8; e = e.cause, depth++) {
    const s =
      (e as { status?: unknown; statusCode?: unknown }).status ?? (e as { statusCode?: unknown }).statusCode;
    if (typeof s === 'number') return s;
    const m = /unexpected status code (\d{3})/.exec(e.message);
    if (m) return Number(m[1]);
  }
  return undefined;
}

/** Upstream's reason category: 4xx → clientError, 5xx → serverError, timeouts, else other. */
export function failureReason(error: unknown): FailureReason {
  const status = statusOf(error);
  if (status !== undefined && status >= 400 && status < 500) return 'clientError';
  if (status !== undefined && status >= 500) return 'serverError';
  const name = error instanceof Error ? (error.cause instanceof Error ? error.cause.name : error.name) : '';
  if (name === 'TimeoutError') return 'contextDeadlineExceeded';
  if (name === 'AbortError') return 'contextCanceled';
  return 'other';
}

/**
 * `alertmanager_notifications_total`, `…_notifications_failed_total{integration,reason}`
 * (0.27+ labels), `…_notification_requests_total`, `…_notification_requests_failed_total`
 * and the `…_notification_latency_seconds` histogram, all by `integration`.
 */
export function registerNotifyMetrics(registry: Registry): NotifyMetrics {
  const notifications = new Counter({
    name: 'alertmanager_notifications_total',
    help: 'The total number of attempted notifications.',
    labelNames: ['integration'],
    registers: [registry],
  });
  const failedNotifications = new Counter({
    name: 'alertmanager_notifications_failed_total',
    help: 'The total number of failed notifications.',
    labelNames: ['integration', 'reason'],
    registers: [registry],
  });
  const requests = new Counter({
    name: 'alertmanager_notification_requests_total',
    help: 'The total number of attempted notification requests.',
    labelNames: ['integration'],
    registers: [registry],
  });
  const failedRequests = new Counter({
    name: 'alertmanager_notification_requests_failed_total',
    help: 'The total number of failed notification requests.',
    labelNames: ['integration'],
    registers: [registry],
  });
  const latency = new Histogram({
    name: 'alertmanager_notification_latency_seconds',
    help: 'The latency of notifications in seconds.',
    labelNames: ['integration'],
    buckets: [1, 5, 10, 15, 20],
    registers: [registry],
  });
  for (const integration of INTEGRATIONS) {
    notifications.inc({ integration }, 0);
    requests.inc({ integration }, 0);
    failedRequests.inc({ integration }, 0);
    latency.zero({ integration });
    for (const reason of FAILURE_REASONS) failedNotifications.inc({ integration, reason }, 0);
  }
  return {
    notification: (integration) => notifications.inc({ integration }),
    request(integration, seconds, failed) {
      requests.inc({ integration });
      if (failed) failedRequests.inc({ integration });
      latency.observe({ integration }, seconds);
    },
    failed: (integration, error) => failedNotifications.inc({ integration, reason: failureReason(error) }),
  };
}
