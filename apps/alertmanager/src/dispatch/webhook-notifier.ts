import { isResolved } from '../domain/alert.ts';
import type { Alert, LabelSet } from '../domain/alert.ts';
import { NotifyError } from './notifier.ts';
import type { Notifier } from './notifier.ts';
import type { NotifyContext } from './stage.ts';

const ZERO_TIME = '0001-01-01T00:00:00Z';

/** Go's `time.RFC3339Nano` for a UTC instant in milliseconds (trailing zeros trimmed). */
export function rfc3339Nano(ms: number): string {
  const iso = new Date(ms).toISOString();
  return iso.replace(/\.(\d*?)0*Z$/, (_m, frac: string) => (frac ? `.${frac}Z` : 'Z'));
}

/** Go's `regexp.QuoteMeta`. */
export function quoteMeta(s: string): string {
  return s.replace(/[\\.+*?()|[\]{}^$]/g, '\\$&');
}

/** JSON as Go's encoder writes it: `<`, `>`, `&`, U+2028/9 escaped, keys as given. */
export function goJson(value: unknown): string {
  return JSON.stringify(value).replace(
    /[<>&\u2028\u2029]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

function sortedObject(labels: LabelSet): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of Object.keys(labels).sort()) out[k] = labels[k]!;
  return out;
}

function common(sets: readonly LabelSet[]): Record<string, string> {
  if (sets.length === 0) return {};
  const out: Record<string, string> = { ...sets[0] };
  for (const s of sets.slice(1)) for (const k of Object.keys(out)) if (s[k] !== out[k]) delete out[k];
  return sortedObject(out);
}

export interface WebhookPayloadOptions {
  readonly externalURL: string;
  readonly maxAlerts: number;
}

/**
 * The webhook body, version 4 (NOTES §5): `template.Data` fields first, then `version`,
 * `groupKey` and `truncatedAlerts`; a trailing newline as Go's `json.Encoder` writes.
 */
export function webhookPayload(
  ctx: NotifyContext,
  alerts: readonly Alert[],
  options: WebhookPayloadOptions,
): string {
  const firing = alerts.some((a) => !isResolved(a, ctx.nowMs));
  const kept = options.maxAlerts > 0 ? alerts.slice(0, options.maxAlerts) : alerts;
  const body = {
    receiver: quoteMeta(ctx.receiver),
    status: firing ? 'firing' : 'resolved',
    alerts: kept.map((a) => {
      const resolved = isResolved(a, ctx.nowMs);
      return {
        status: resolved ? 'resolved' : 'firing',
        labels: sortedObject(a.labels),
        annotations: sortedObject(a.annotations),
        startsAt: rfc3339Nano(a.startsAtMs),
        endsAt: resolved ? rfc3339Nano(a.endsAtMs) : ZERO_TIME,
        generatorURL: a.generatorURL,
        fingerprint: a.fingerprint,
      };
    }),
    notification_reason: ctx.reason ?? 'unknown',
    groupLabels: sortedObject(ctx.groupLabels),
    commonLabels: common(alerts.map((a) => a.labels)),
    commonAnnotations: common(alerts.map((a) => a.annotations)),
    routeLabels: sortedObject(ctx.route.labels),
    externalURL: options.externalURL,
    version: '4',
    groupKey: ctx.groupKey,
    truncatedAlerts: alerts.length - kept.length,
  };
  return `${goJson(body)}\n`;
}

export interface WebhookOptions extends WebhookPayloadOptions {
  readonly url: string;
  readonly index: number;
  readonly sendResolved: boolean;
  /** 0: bounded only by the flush deadline. */
  readonly timeoutMs: number;
  readonly userAgent: string;
}

/**
 * The webhook integration: POSTs the version-4 body. 2xx is success, 5xx and 429 are
 * retried, other statuses fail at once; transport errors are retried. Error texts never
 * carry the URL (it may hold credentials).
 */
export class WebhookNotifier implements Notifier {
  readonly integration = 'webhook';

  constructor(readonly options: WebhookOptions) {}

  get index(): number {
    return this.options.index;
  }

  get sendResolved(): boolean {
    return this.options.sendResolved;
  }

  async notify(ctx: NotifyContext, alerts: readonly Alert[]): Promise<void> {
    const remaining = Math.max(1, ctx.deadlineMs - Date.now());
    const timeout = this.options.timeoutMs > 0 ? Math.min(this.options.timeoutMs, remaining) : remaining;
    let res: Response;
    try {
      res = await fetch(this.options.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'user-agent': this.options.userAgent },
        body: webhookPayload(ctx, alerts, this.options),
        signal: AbortSignal.timeout(timeout),
      });
    } catch (error) {
      throw new NotifyError(`failed to send webhook: ${(error as Error).name}`, true, { cause: error });
    }
    await res.arrayBuffer().catch(() => undefined);
    if (res.status >= 200 && res.status < 300) return;
    throw new NotifyError(`unexpected status code ${res.status}`, res.status >= 500 || res.status === 429);
  }
}
