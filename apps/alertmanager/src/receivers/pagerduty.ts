import { isResolved } from '../domain/alert.ts';
import type { Alert } from '../domain/alert.ts';
import { NotifyError } from '../dispatch/notifier.ts';
import type { NotifyContext } from '../dispatch/stage.ts';
import { goJson, groupKeyHash, sortedMap } from './go-json.ts';
import { HttpIntegration, str } from './integration.ts';
import { checkStatus } from './retry.ts';
import type { RetryPolicy } from './retry.ts';
import { plain, readSecret } from './secrets.ts';
import { truncateRunes } from './template-data.ts';

const DEFAULT_V2_URL = 'https://events.pagerduty.com/v2/enqueue';
const DEFAULT_V1_URL = 'https://events.pagerduty.com/generic/2010-04-15/create_event.json';
/** PagerDuty refuses events over 512 kB; upstream then replaces the details. */
const MAX_EVENT_BYTES = 512_000;
const MAX_SUMMARY_RUNES = 1024;

/** Upstream's `DefaultPagerdutyDetails`, merged under the configured `details`. */
const DEFAULT_DETAILS: Record<string, string> = {
  firing: '{{ template "pagerduty.default.instances" .Alerts.Firing }}',
  resolved: '{{ template "pagerduty.default.instances" .Alerts.Resolved }}',
  num_firing: '{{ .Alerts.Firing | len }}',
  num_resolved: '{{ .Alerts.Resolved | len }}',
};
const DEFAULTS: Record<string, string> = {
  description: '{{ template "pagerduty.default.description" .}}',
  client: '{{ template "pagerduty.default.client" . }}',
  client_url: '{{ template "pagerduty.default.clientURL" . }}',
};

/** On 400 PagerDuty explains itself in JSON; upstream appends `message: errors`. */
function errDetails(status: number, body: string): string {
  if (status !== 400) return '';
  try {
    const p = JSON.parse(body) as { message?: string; errors?: string[] };
    return `${p.message ?? ''}: ${(p.errors ?? []).join(',')}`;
  } catch {
    return '';
  }
}
// v2: 429 is rate limiting; v1: 403 is (both also 5xx).
const V2_POLICY: RetryPolicy = { retryCodes: [429], details: errDetails };
const V1_POLICY: RetryPolicy = { retryCodes: [403], details: errDetails };

type Obj = Record<string, unknown>;

/**
 * `pagerduty_configs`: Events API v2 with `routing_key` (`event_action` trigger or
 * resolve, `dedup_key` = SHA-256 of the group key, payload summary/source/severity/
 * custom_details, images and links), or the v1 generic API with `service_key`. The
 * summary/description is cut to 1024 runes; an event over 512 kB has its details
 * replaced by upstream's notice.
 */
export class PagerdutyNotifier extends HttpIntegration {
  readonly integration = 'pagerduty';

  async notify(ctx: NotifyContext, alerts: readonly Alert[]): Promise<void> {
    const r = this.renderer(ctx, alerts);
    const firing = alerts.some((a) => !isResolved(a, ctx.nowMs));
    const eventType = firing ? 'trigger' : 'resolve';
    const details: Record<string, string> = {};
    const configured = (this.fields['details'] ?? {}) as Record<string, unknown>;
    for (const [k, v] of Object.entries({ ...DEFAULT_DETAILS, ...configured }))
      details[k] = r.text(typeof v === 'string' ? v : String(v ?? ''), `details ${JSON.stringify(k)}`);
    const t = (key: string, field = key) => r.text(this.tmplField(key, DEFAULTS[key] ?? ''), field);
    const serviceKey = await readSecret(this.fields, 'service_key');
    const [summary, truncated] = truncateRunes(t('description'), MAX_SUMMARY_RUNES);
    if (truncated) this.env.logger.debug({ key: ctx.groupKey }, 'Truncated summary');

    let msg: Obj;
    let url: string;
    let policy: RetryPolicy;
    if (serviceKey !== '') {
      const key = r.secret(serviceKey, 'service_key');
      if (key === '') throw new NotifyError('service key cannot be empty', false);
      // v1 `pagerDutyMessage`: no omitempty on event_action and payload.
      msg = {
        service_key: key,
        incident_key: groupKeyHash(ctx.groupKey),
        event_type: eventType,
        description: summary,
        event_action: '',
        payload: null,
      };
      if (eventType === 'trigger') {
        assignNonEmpty(msg, 'client', t('client'));
        assignNonEmpty(msg, 'client_url', t('client_url'));
      }
      if (Object.keys(details).length > 0) msg['details'] = sortedMap(details);
      url = str(this.fields, 'url') || DEFAULT_V1_URL;
      policy = V1_POLICY;
    } else {
      const routingKey = r.secret(await readSecret(this.fields, 'routing_key'), 'routing_key');
      if (routingKey === '') throw new NotifyError('routing key cannot be empty', false);
      const payload: Obj = {
        summary,
        source: r.text(str(this.fields, 'source') || this.tmplField('client', DEFAULTS['client']!), 'source'),
        severity: r.text(str(this.fields, 'severity') || 'error', 'severity'),
      };
      assignNonEmpty(payload, 'class', t('class'));
      assignNonEmpty(payload, 'component', t('component'));
      assignNonEmpty(payload, 'group', t('group'));
      if (Object.keys(details).length > 0) payload['custom_details'] = sortedMap(details);
      msg = {
        routing_key: routingKey,
        dedup_key: groupKeyHash(ctx.groupKey),
        event_action: eventType,
        payload,
      };
      assignNonEmpty(msg, 'client', t('client'));
      assignNonEmpty(msg, 'client_url', t('client_url'));
      const images = list(this.fields['images'])
        .map((i) => ({
          src: r.text(str(i, 'src'), 'images.src'),
          alt: r.text(str(i, 'alt'), 'images.alt'),
          href: r.text(str(i, 'href'), 'images.href'),
        }))
        .filter((i) => i.src !== '');
      if (images.length > 0) msg['images'] = images;
      const links = list(this.fields['links'])
        .map((l) => ({
          href: r.text(str(l, 'href'), 'links.href'),
          text: r.text(str(l, 'text'), 'links.text'),
        }))
        .filter((l) => l.href !== '');
      if (links.length > 0) msg['links'] = links;
      url = str(this.fields, 'url') || plain(this.env.global['pagerduty_url']) || DEFAULT_V2_URL;
      policy = V2_POLICY;
    }
    const res = await this.client.request(url, {
      headers: { 'content-type': 'application/json' },
      body: this.#encode(msg, serviceKey !== ''),
      timeoutMs: typeof this.fields['timeout'] === 'number' ? this.fields['timeout'] : 0,
      deadlineMs: ctx.deadlineMs,
    });
    checkStatus(res.status, res.body, policy);
  }

  #encode(msg: Obj, v1: boolean): string {
    const body = goJson(msg);
    const size = Buffer.byteLength(body);
    if (size <= MAX_EVENT_BYTES) return body;
    const notice = {
      error: 'Custom details have been removed because the original event exceeds the maximum size of 512kB',
    };
    if (v1) msg['details'] = notice;
    else (msg['payload'] as Obj)['custom_details'] = notice;
    this.env.logger.warn({ size, limit: MAX_EVENT_BYTES }, 'Truncated Details because message exceeds limit');
    return goJson(msg);
  }
}

function assignNonEmpty(target: Obj, key: string, value: string): void {
  if (value !== '') target[key] = value;
}

function list(value: unknown): Obj[] {
  return Array.isArray(value) ? (value as Obj[]) : [];
}
