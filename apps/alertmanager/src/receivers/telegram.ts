import type { Alert } from '../domain/alert.ts';
import { NotifyError } from '../dispatch/notifier.ts';
import type { NotifyContext } from '../dispatch/stage.ts';
import { goJson, sortedMap } from './go-json.ts';
import { HttpIntegration, str } from './integration.ts';
import { plain, readSecret } from './secrets.ts';
import { truncateRunes } from './template-data.ts';

const DEFAULT_API_URL = 'https://api.telegram.org';
const DEFAULT_MESSAGE = '{{ template "telegram.default.message" . }}';
/** Telegram refuses formatted input over 32 KiB, and more than 4096 characters after entity parsing. */
const MAX_MESSAGE_BYTES = 1 << 15;
const MAX_MESSAGE_RUNES = 4096;
const TOO_LONG =
  'Alertmanager notification could not be sent: message length exceeds Telegram limits.\n\t\t\tPlease check the template used for producing the message content.';

/** Visible characters of an HTML message: tags left out, the entities Telegram knows counted as one. */
export function htmlTextLength(html: string): number {
  const text = html.replace(/<[^>]*>/g, '');
  return Array.from(text.replace(/&(?:lt|gt|amp|quot|#\d{1,7}|#x[0-9a-fA-F]{1,6});?/g, '_')).length;
}

/**
 * `telegram_configs`: the Bot API's `sendMessage` (`POST {api_url}/bot{token}/sendMessage`,
 * a JSON object of strings as telebot sends it), `parse_mode` HTML by default (the message
 * is then rendered with html/template escaping). Every failure is retried, as upstream.
 * The bot token is part of the URL, so errors never show the URL.
 */
export class TelegramNotifier extends HttpIntegration {
  readonly integration = 'telegram';

  async notify(ctx: NotifyContext, alerts: readonly Alert[]): Promise<void> {
    const r = this.renderer(ctx, alerts);
    const parseMode = str(this.fields, 'parse_mode', 'HTML');
    const template = this.tmplField('message', DEFAULT_MESSAGE);
    let text: string;
    if (parseMode === 'HTML') {
      text = r.html(template, 'message');
      if (Buffer.byteLength(text) > MAX_MESSAGE_BYTES || htmlTextLength(text) > MAX_MESSAGE_RUNES)
        text = TOO_LONG;
    } else {
      const [cut, truncated] = truncateRunes(r.text(template, 'message'), MAX_MESSAGE_RUNES);
      if (truncated)
        this.env.logger.warn({ key: ctx.groupKey, max_runes: MAX_MESSAGE_RUNES }, 'Truncated message');
      text = cut;
    }
    let token = await readSecret(this.fields, 'bot_token');
    if (token === '') token = await readSecret(this.env.global, 'telegram_bot_token');
    const chatId = await this.#chatId();
    const params: Record<string, string> = { chat_id: chatId, text };
    if (parseMode !== '') params['parse_mode'] = parseMode;
    params['disable_web_page_preview'] = 'true';
    if (this.fields['disable_notifications'] === true) params['disable_notification'] = 'true';
    const thread = this.fields['message_thread_id'];
    if (typeof thread === 'number' && thread !== 0) params['message_thread_id'] = String(thread);
    const base = str(this.fields, 'api_url') || plain(this.env.global['telegram_api_url']) || DEFAULT_API_URL;
    const res = await this.client.request(`${base}/bot${token}/sendMessage`, {
      // Upstream sends through telebot, which leaves Go's default User-Agent.
      headers: { 'content-type': 'application/json', 'user-agent': 'Go-http-client/1.1' },
      body: goJson(sortedMap(params)),
      timeoutMs: typeof this.fields['timeout'] === 'number' ? this.fields['timeout'] : 0,
      deadlineMs: ctx.deadlineMs,
    });
    let answer: { ok?: boolean; description?: string; error_code?: number };
    try {
      answer = JSON.parse(res.body) as typeof answer;
    } catch {
      throw new NotifyError(`telegram: unexpected answer (status ${res.status})`, true);
    }
    if (!answer.ok)
      throw new NotifyError(
        `telegram: ${answer.description ?? 'request failed'} (${answer.error_code ?? res.status})`,
        true,
      );
  }

  async #chatId(): Promise<string> {
    const id = this.fields['chat_id'];
    if (typeof id === 'number') return String(id);
    const file = str(this.fields, 'chat_id_file');
    if (file === '') throw new NotifyError('telegram: chat_id is not configured', false);
    const text = await readSecret({ chat_id_file: file }, 'chat_id');
    if (!/^-?\d+$/.test(text)) throw new NotifyError(`could not parse chat_id from ${file}`, true);
    return text;
  }
}
