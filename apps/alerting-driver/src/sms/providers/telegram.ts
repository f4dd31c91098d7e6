import type { Decoded } from '@argus/service-kit';
import { call, jsonAnswer, quote } from './http.ts';
import { SendError } from './provider.ts';
import type { ProviderDefinition } from './provider.ts';
import { baseUrl, flag, settingsOf, text } from './settings.ts';

// Telegram Bot API sendMessage, once per chat id. Upstream also calls getMe on every
// request (its client's constructor); we skip that round trip: a bad token fails sendMessage.

const settings = settingsOf({ token: text(), parse_mode: text(), disable_web_page_preview: flag() });

const API = 'https://api.telegram.org';
const CHAT_ID = /^-?\d{1,19}$/;

export const telegram: ProviderDefinition<Decoded<typeof settings>> = {
  name: 'telegram',
  settings,
  secrets: (c) => [c.token],
  create: (c, context) => ({
    async send(message) {
      for (const chatId of message.to) {
        if (!CHAT_ID.test(chatId))
          throw new SendError(`telegram: chat id ${JSON.stringify(chatId)} is not an integer`);
        // chat_id is written as the integer literal itself: ids can exceed 2^53.
        const fields = [`"chat_id":${chatId}`, `"text":${JSON.stringify(message.text)}`];
        if (c.parse_mode) fields.push(`"parse_mode":${JSON.stringify(c.parse_mode)}`);
        if (c.disable_web_page_preview) fields.push(`"disable_web_page_preview":true`);
        const answer = await call('telegram sendMessage', {
          method: 'POST',
          url: `${baseUrl(c, API).replace(/\/+$/, '')}/bot${c.token}/sendMessage`,
          headers: { 'Content-Type': 'application/json' },
          body: `{${fields.join(',')}}`,
          timeoutMs: context.timeoutMs,
        });
        const reply = jsonAnswer('telegram sendMessage', answer) as { ok?: unknown; description?: unknown };
        if (answer.status !== 200 || reply.ok !== true) {
          const why = typeof reply.description === 'string' ? reply.description : quote(answer.text);
          throw new SendError(`telegram sendMessage: HTTP ${answer.status}: ${why}`);
        }
      }
    },
  }),
};
