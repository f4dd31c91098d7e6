import { isResolved } from '../domain/alert.ts';
import type { Alert } from '../domain/alert.ts';
import { NotifyError } from '../dispatch/notifier.ts';
import type { NotifyContext } from '../dispatch/stage.ts';
import { goJson, groupKeyHash, sortedMap } from './go-json.ts';
import { HttpIntegration, str } from './integration.ts';
import { checkStatus } from './retry.ts';
import { plain, readSecret } from './secrets.ts';
import type { Renderer } from './template-data.ts';
import { truncateRunes } from './template-data.ts';

const DEFAULT_API_URL = 'https://api.opsgenie.com/';
/** OpsGenie's limit for `message` (runes). */
const MAX_MESSAGE_RUNES = 130;
const DEFAULTS: Record<string, string> = {
  message: '{{ template "opsgenie.default.message" . }}',
  description: '{{ template "opsgenie.default.description" . }}',
  source: '{{ template "opsgenie.default.source" . }}',
};

type Obj = Record<string, unknown>;

/** Upstream's `safeSplit`: split on `sep` after trimming, empty parts dropped. */
function safeSplit(s: string, sep: string): string[] {
  return s
    .trim()
    .split(sep)
    .filter((x) => x !== '');
}

/**
 * Upstream appends `v2/alerts` to the URL's path: a bare host gets `/v2/alerts`, a path
 * without a trailing slash is glued on as written (Go's `URL.Path +=`).
 */
export function apiBase(url: string): string {
  return /^[a-z][a-z0-9+.-]*:\/\/[^/?#]+$/i.test(url) ? `${url}/` : url;
}

/** Responders / visible_to entries: templated, empty ones dropped, `type: teams` expanded per name. */
function people(value: unknown, r: Renderer, field: string): Obj[] {
  const out: Obj[] = [];
  for (const item of Array.isArray(value) ? (value as Obj[]) : []) {
    const p = {
      id: r.text(str(item, 'id'), `${field}.id`),
      name: r.text(str(item, 'name'), `${field}.name`),
      username: r.text(str(item, 'username'), `${field}.username`),
      type: r.text(str(item, 'type'), `${field}.type`),
    };
    if (!p.id && !p.name && !p.username && !p.type) continue;
    if (p.type === 'teams') {
      for (const team of safeSplit(p.name, ',')) out.push({ name: team, type: 'team' });
      continue;
    }
    const o: Obj = {};
    if (p.id) o['id'] = p.id;
    if (p.name) o['name'] = p.name;
    if (p.username) o['username'] = p.username;
    o['type'] = p.type;
    out.push(o);
  }
  return out;
}

/**
 * `opsgenie_configs`: creates an alert (`POST {api_url}v2/alerts`, alias = SHA-256 of the
 * group key) while anything fires, closes it (`POST v2/alerts/{alias}/close?identifierType=alias`)
 * once all is resolved; with `update_alerts` also PUTs the message and description.
 * `Authorization: GenieKey <api_key>`. 5xx and 429 are retried.
 */
export class OpsgenieNotifier extends HttpIntegration {
  readonly integration = 'opsgenie';

  async notify(ctx: NotifyContext, alerts: readonly Alert[]): Promise<void> {
    const r = this.renderer(ctx, alerts);
    const t = (key: string) => r.text(this.tmplField(key, DEFAULTS[key] ?? ''), key);
    const alias = groupKeyHash(ctx.groupKey);
    const base = apiBase(
      str(this.fields, 'api_url') || plain(this.env.global['opsgenie_api_url']) || DEFAULT_API_URL,
    );
    const requests: { method: string; url: string; body: string }[] = [];
    const firing = alerts.some((a) => !isResolved(a, ctx.nowMs));
    if (!firing) {
      requests.push({
        method: 'POST',
        url: `${base}v2/alerts/${alias}/close?identifierType=alias`,
        body: goJson({ source: t('source') }),
      });
    } else {
      const [message, truncated] = truncateRunes(t('message'), MAX_MESSAGE_RUNES);
      if (truncated)
        this.env.logger.warn({ key: ctx.groupKey, max_runes: MAX_MESSAGE_RUNES }, 'Truncated message');
      const details: Record<string, string> = {};
      const data = r.data as { CommonLabels: Map<string, string> };
      for (const [k, v] of data.CommonLabels) details[k] = v;
      const configured = (this.fields['details'] ?? {}) as Record<string, string>;
      for (const [k, v] of Object.entries(configured)) details[k] = r.text(v, `details ${JSON.stringify(k)}`);
      const description = t('description');
      const msg: Obj = { alias, message };
      if (description) msg['description'] = description;
      msg['details'] = sortedMap(details);
      msg['source'] = t('source');
      const responders = people(this.fields['responders'], r, 'responders');
      if (responders.length > 0) msg['responders'] = responders;
      const visibleTo = people(this.fields['visible_to'], r, 'visible_to');
      if (visibleTo.length > 0) msg['visibleTo'] = visibleTo;
      const tags = safeSplit(t('tags'), ',');
      if (tags.length > 0) msg['tags'] = tags;
      for (const key of ['note', 'priority', 'entity']) {
        const v = t(key);
        if (v) msg[key] = v;
      }
      const actions = safeSplit(t('actions'), ',');
      if (actions.length > 0) msg['actions'] = actions;
      requests.push({ method: 'POST', url: `${base}v2/alerts`, body: goJson(msg) });
      if (this.fields['update_alerts'] === true) {
        requests.push({
          method: 'PUT',
          url: `${base}v2/alerts/${alias}/message?identifierType=alias`,
          body: goJson(message ? { message } : {}),
        });
        requests.push({
          method: 'PUT',
          url: `${base}v2/alerts/${alias}/description?identifierType=alias`,
          body: goJson(description ? { description } : {}),
        });
      }
    }
    let apiKey = await readSecret(this.fields, 'api_key');
    if (apiKey === '') apiKey = await readSecret(this.env.global, 'opsgenie_api_key');
    apiKey = r.secret(apiKey, 'api_key').trim();
    if (apiKey === '') throw new NotifyError('no OpsGenie API key configured', false);
    for (const req of requests) {
      const res = await this.client.request(req.url, {
        method: req.method,
        headers: { 'content-type': 'application/json', authorization: `GenieKey ${apiKey}` },
        body: req.body,
        deadlineMs: ctx.deadlineMs,
      });
      checkStatus(res.status, res.body, { retryCodes: [429] });
    }
  }
}
