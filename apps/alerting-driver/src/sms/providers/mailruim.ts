import type { Decoded } from '@argus/service-kit';
import { call, joinUrl, jsonAnswer, quote } from './http.ts';
import { SendError } from './provider.ts';
import type { ProviderDefinition } from './provider.ts';
import { settingsOf, text } from './settings.ts';

// Mail.ru / VK Teams / ICQ bot API (sachet 0.3+): GET <url>/messages/sendText?token&chatId&text
// per chat. `url` is the bot API root (default https://api.icq.net/bot/v1). Upstream ignores
// the answer; here `ok: false` is a failed send.

const settings = settingsOf({ token: text(), url: text() });

export const mailruim: ProviderDefinition<Decoded<typeof settings>> = {
  name: 'mailruim',
  settings,
  secrets: (c) => [c.token],
  create: (c, context) => ({
    async send(message) {
      const root = c.url || c.base_url || 'https://api.icq.net/bot/v1';
      for (const chatId of message.to) {
        const url = new URL(joinUrl(root, '/messages/sendText'));
        url.searchParams.set('token', c.token);
        url.searchParams.set('chatId', chatId);
        url.searchParams.set('text', message.text);
        const answer = await call('mailruim sendText', {
          method: 'GET',
          url: url.href,
          timeoutMs: context.timeoutMs,
        });
        const reply = jsonAnswer('mailruim sendText', answer) as { ok?: unknown; description?: unknown };
        if (answer.status !== 200 || reply.ok !== true) {
          const why = typeof reply.description === 'string' ? reply.description : quote(answer.text);
          throw new SendError(`mailruim sendText: HTTP ${answer.status}: ${why}`);
        }
      }
    },
  }),
};
