import { isResolved } from '../domain/alert.ts';
import type { Alert } from '../domain/alert.ts';
import { NotifyError } from '../dispatch/notifier.ts';
import type { NotifyContext } from '../dispatch/stage.ts';
import { goJson } from './go-json.ts';
import { HttpIntegration, str } from './integration.ts';
import { checkStatus } from './retry.ts';
import { readSecret } from './secrets.ts';
import { truncateRunes } from './template-data.ts';

// Discord's embed limits (runes) and upstream's colours.
const MAX_TITLE_RUNES = 256;
const MAX_DESCRIPTION_RUNES = 4096;
const MAX_CONTENT_RUNES = 2000;
const COLOR_RED = 0x992d22;
const COLOR_GREEN = 0x2ecc71;

/**
 * `discord_configs`: one webhook message with one embed (title, description, colour red
 * while firing, green when resolved) as Alertmanager 0.25 sends it; `content`, `username`
 * and `avatar_url` (0.28+) are added when configured. Only 5xx is retried.
 */
export class DiscordNotifier extends HttpIntegration {
  readonly integration = 'discord';

  async notify(ctx: NotifyContext, alerts: readonly Alert[]): Promise<void> {
    const r = this.renderer(ctx, alerts);
    const [title, tt] = truncateRunes(
      r.text(this.tmplField('title', '{{ template "discord.default.title" . }}'), 'title'),
      MAX_TITLE_RUNES,
    );
    const [description, dt] = truncateRunes(
      r.text(this.tmplField('message', '{{ template "discord.default.message" . }}'), 'message'),
      MAX_DESCRIPTION_RUNES,
    );
    const [content, ct] = truncateRunes(r.text(str(this.fields, 'content'), 'content'), MAX_CONTENT_RUNES);
    if (tt || dt || ct)
      this.env.logger.warn({ key: ctx.groupKey }, 'Truncated Discord title, message or content');
    const firing = alerts.some((a) => !isResolved(a, ctx.nowMs));
    const body: Record<string, unknown> = {
      content,
      embeds: [{ title, description, color: firing ? COLOR_RED : COLOR_GREEN }],
    };
    const username = str(this.fields, 'username');
    if (username) body['username'] = username;
    const avatar = str(this.fields, 'avatar_url');
    if (avatar) body['avatar_url'] = avatar;
    const url = await readSecret(this.fields, 'webhook_url');
    if (url === '') throw new NotifyError('no Discord webhook_url configured', false);
    const res = await this.client.request(url, {
      headers: { 'content-type': 'application/json' },
      body: goJson(body),
      deadlineMs: ctx.deadlineMs,
    });
    checkStatus(res.status, res.body);
  }
}
