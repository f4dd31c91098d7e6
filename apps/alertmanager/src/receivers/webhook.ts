import { isResolved } from '../domain/alert.ts';
import type { Alert } from '../domain/alert.ts';
import type { NotifyContext } from '../dispatch/stage.ts';
import { goJson, quoteMeta, sortedMap } from './go-json.ts';
import { HttpIntegration } from './integration.ts';
import type { Fields, IntegrationEnv } from './integration.ts';
import { checkStatus } from './retry.ts';
import { readSecret } from './secrets.ts';

const ZERO_TIME = '0001-01-01T00:00:00Z';

/** Go's `time.RFC3339Nano` for a UTC instant in milliseconds (trailing zeros trimmed). */
export function rfc3339Nano(ms: number): string {
  const iso = new Date(ms).toISOString();
  return iso.replace(/\.(\d*?)0*Z$/, (_m, frac: string) => (frac ? `.${frac}Z` : 'Z'));
}

function common(sets: readonly Readonly<Record<string, string>>[]): Record<string, string> {
  if (sets.length === 0) return {};
  const out: Record<string, string> = { ...sets[0] };
  for (const s of sets.slice(1)) for (const k of Object.keys(out)) if (s[k] !== out[k]) delete out[k];
  return sortedMap(out);
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
  const kept = options.maxAlerts > 0 ? alerts.slice(0, options.maxAlerts) : alerts;
  // Upstream builds the template data after cutting: status and common pairs are the kept alerts'.
  const firing = kept.some((a) => !isResolved(a, ctx.nowMs));
  return goJson({
    receiver: quoteMeta(ctx.receiver),
    status: firing ? 'firing' : 'resolved',
    alerts: kept.map((a) => {
      const resolved = isResolved(a, ctx.nowMs);
      return {
        status: resolved ? 'resolved' : 'firing',
        labels: sortedMap(a.labels),
        annotations: sortedMap(a.annotations),
        startsAt: rfc3339Nano(a.startsAtMs),
        endsAt: resolved ? rfc3339Nano(a.endsAtMs) : ZERO_TIME,
        generatorURL: a.generatorURL,
        fingerprint: a.fingerprint,
      };
    }),
    notification_reason: ctx.reason ?? 'unknown',
    groupLabels: sortedMap(ctx.groupLabels),
    commonLabels: common(kept.map((a) => a.labels)),
    commonAnnotations: common(kept.map((a) => a.annotations)),
    routeLabels: sortedMap(ctx.route.labels),
    externalURL: options.externalURL,
    version: '4',
    groupKey: ctx.groupKey,
    truncatedAlerts: alerts.length - kept.length,
  });
}

/**
 * `webhook_configs`: POSTs the version-4 body to `url` (or the URL in `url_file`, read at
 * send time). 2xx is success, 5xx is retried, other statuses fail at once (upstream's
 * plain `Retrier`); transport errors are retried. Errors never carry the URL.
 */
export class WebhookNotifier extends HttpIntegration {
  readonly integration = 'webhook';

  constructor(fields: Fields, index: number, sendResolved: boolean, env: IntegrationEnv) {
    super(fields, index, sendResolved, env);
  }

  async notify(ctx: NotifyContext, alerts: readonly Alert[]): Promise<void> {
    const url = await readSecret(this.fields, 'url');
    const maxAlerts = typeof this.fields['max_alerts'] === 'number' ? this.fields['max_alerts'] : 0;
    const res = await this.client.request(url, {
      headers: { 'content-type': 'application/json' },
      body: webhookPayload(ctx, alerts, { externalURL: this.env.externalURL, maxAlerts }),
      timeoutMs: typeof this.fields['timeout'] === 'number' ? this.fields['timeout'] : 0,
      deadlineMs: ctx.deadlineMs,
    });
    checkStatus(res.status, res.body);
  }
}
