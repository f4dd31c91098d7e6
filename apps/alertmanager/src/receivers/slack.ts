import type { Alert } from '../domain/alert.ts';
import { NotifyError } from '../dispatch/notifier.ts';
import type { NotifyContext } from '../dispatch/stage.ts';
import { goJson } from './go-json.ts';
import { HttpIntegration, str } from './integration.ts';
import { checkStatus } from './retry.ts';
import { plain, readSecret } from './secrets.ts';
import { truncateRunes } from './template-data.ts';

/** Slack's limit for an attachment title (runes). */
const MAX_TITLE_RUNES = 1024;
const DEFAULT_APP_URL = 'https://slack.com/api/chat.postMessage';

/** Upstream's `DefaultSlackConfig` templates. */
const DEFAULTS: Record<string, string> = {
  color: '{{ if eq .Status "firing" }}danger{{ else }}good{{ end }}',
  username: '{{ template "slack.default.username" . }}',
  title: '{{ template "slack.default.title" . }}',
  title_link: '{{ template "slack.default.titlelink" . }}',
  icon_emoji: '{{ template "slack.default.iconemoji" . }}',
  icon_url: '{{ template "slack.default.iconurl" . }}',
  pretext: '{{ template "slack.default.pretext" . }}',
  text: '{{ template "slack.default.text" . }}',
  fallback: '{{ template "slack.default.fallback" . }}',
  callback_id: '{{ template "slack.default.callbackid" . }}',
  footer: '{{ template "slack.default.footer" . }}',
};

type Obj = Record<string, unknown>;

/**
 * `slack_configs`: one legacy attachment per notification, POSTed to the incoming
 * webhook `api_url` (or `global.slack_api_url`, or the `_file` variants), or with
 * `app_token` as `Authorization: Bearer` to `app_url` (chat.postMessage). Only 5xx is
 * retried; a 200 whose body is not `ok` (webhook) or `{"ok":false}` (Web API) fails
 * without retry, as upstream.
 */
export class SlackNotifier extends HttpIntegration {
  readonly integration = 'slack';

  t(key: string): string {
    return this.tmplField(key, DEFAULTS[key] ?? '');
  }

  async notify(ctx: NotifyContext, alerts: readonly Alert[]): Promise<void> {
    const r = this.renderer(ctx, alerts);
    const f = this.fields;
    const [title, truncated] = truncateRunes(r.text(this.t('title'), 'title'), MAX_TITLE_RUNES);
    if (truncated) this.env.logger.warn({ key: ctx.groupKey, max_runes: MAX_TITLE_RUNES }, 'Truncated title');
    const mrkdwnIn = Array.isArray(f['mrkdwn_in']) && f['mrkdwn_in'].length > 0 ? f['mrkdwn_in'] : null;
    const att: Obj = {};
    // Field order and omitempty as upstream's `attachment` struct.
    const put = (key: string, value: unknown, omitEmpty: boolean) => {
      if (!omitEmpty || (value !== '' && value !== undefined && value !== null)) att[key] = value;
    };
    put('title', title, true);
    put('title_link', r.text(this.t('title_link'), 'title_link'), true);
    put('pretext', r.text(this.t('pretext'), 'pretext'), true);
    put('text', r.text(this.t('text'), 'text'), false);
    put('fallback', r.text(this.t('fallback'), 'fallback'), false);
    put('callback_id', r.text(this.t('callback_id'), 'callback_id'), false);
    const fields = Array.isArray(f['fields']) ? (f['fields'] as Obj[]) : [];
    if (fields.length > 0)
      att['fields'] = fields.map((field) => ({
        title: r.text(str(field, 'title'), 'fields.title'),
        value: r.text(str(field, 'value'), 'fields.value'),
        short: typeof field['short'] === 'boolean' ? field['short'] : f['short_fields'] === true,
      }));
    const actions = Array.isArray(f['actions']) ? (f['actions'] as Obj[]) : [];
    if (actions.length > 0) att['actions'] = actions.map((a) => this.#action(a, r.text.bind(r)));
    put('image_url', r.text(str(f, 'image_url'), 'image_url'), true);
    put('thumb_url', r.text(str(f, 'thumb_url'), 'thumb_url'), true);
    put('footer', r.text(this.t('footer'), 'footer'), false);
    put('color', r.text(this.t('color'), 'color'), true);
    att['mrkdwn_in'] = mrkdwnIn ?? ['fallback', 'pretext', 'text'];

    const req: Obj = {};
    const channel = r.text(str(f, 'channel'), 'channel');
    if (channel) req['channel'] = channel;
    const username = r.text(this.t('username'), 'username');
    if (username) req['username'] = username;
    const iconEmoji = r.text(this.t('icon_emoji'), 'icon_emoji');
    if (iconEmoji) req['icon_emoji'] = iconEmoji;
    const iconUrl = r.text(this.t('icon_url'), 'icon_url');
    if (iconUrl) req['icon_url'] = iconUrl;
    if (f['link_names'] === true) req['link_names'] = true;
    req['attachments'] = [att];

    const headers: Record<string, string> = { 'content-type': 'application/json' };
    let url = await readSecret(f, 'api_url');
    if (url === '') {
      const token =
        (await readSecret(f, 'app_token')) || (await readSecret(this.env.global, 'slack_app_token'));
      if (token !== '') {
        headers['authorization'] = `Bearer ${token}`;
        url = str(f, 'app_url') || plain(this.env.global['slack_app_url']) || DEFAULT_APP_URL;
      } else {
        url = await readSecret(this.env.global, 'slack_api_url');
      }
    }
    if (url === '') throw new NotifyError('no Slack API URL nor app token configured', false);
    const res = await this.client.request(url, {
      headers,
      body: goJson(req),
      timeoutMs: typeof f['timeout'] === 'number' ? f['timeout'] : 0,
      deadlineMs: ctx.deadlineMs,
    });
    try {
      checkStatus(res.status, res.body);
      checkSlackBody(res.contentType, res.body);
    } catch (error) {
      const e = error as NotifyError;
      throw new NotifyError(`channel ${JSON.stringify(channel)}: ${e.message}`, e.retry, { cause: e });
    }
  }

  #action(a: Obj, t: (s: string, field: string) => string): Obj {
    const out: Obj = {};
    for (const k of ['type', 'text', 'url', 'style', 'name', 'value']) {
      const v = t(str(a, k), `actions.${k}`);
      if (v !== '') out[k] = v;
    }
    const c = a['confirm'] as Obj | undefined;
    if (c !== undefined && c !== null) {
      const confirm: Obj = {};
      for (const k of ['text', 'title', 'ok_text', 'dismiss_text']) {
        const v = t(str(c, k), `actions.confirm.${k}`);
        if (v !== '') confirm[k] = v;
      }
      out['confirm'] = confirm;
    }
    return out;
  }
}

// Upstream's `SlackAction`/`SlackConfirmationField` encode every field with omitempty.

/** Slack answers 200 with `ok` (webhooks) or `{"ok":true}` (Web API); anything else is an error, not retried. */
function checkSlackBody(contentType: string, body: string): void {
  if (contentType.startsWith('application/json')) {
    let data: { ok?: boolean; error?: string };
    try {
      data = JSON.parse(body) as typeof data;
    } catch {
      throw new NotifyError(`could not unmarshal JSON response ${JSON.stringify(body)}`, true);
    }
    if (!data.ok) throw new NotifyError(`error response from Slack: ${data.error ?? ''}`, false);
    return;
  }
  if (body !== 'ok') throw new NotifyError(`received an error response from Slack: ${body}`, false);
}
