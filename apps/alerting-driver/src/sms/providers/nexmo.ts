import type { Decoded } from '@argus/service-kit';
import { call, expectStatus, formBody, joinUrl, jsonAnswer } from './http.ts';
import { SendError } from './provider.ts';
import type { ProviderDefinition } from './provider.ts';
import { baseUrl, settingsOf, text } from './settings.ts';

// Nexmo (Vonage) SMS API: POST /sms/json per recipient, credentials in the form. HTTP 200
// does not mean sent: every part in `messages` must have status "0".

const settings = settingsOf({ api_key: text(), api_secret: text() });

interface NexmoReply {
  messages?: { status?: unknown; 'error-text'?: unknown }[];
}

export const nexmo: ProviderDefinition<Decoded<typeof settings>> = {
  name: 'nexmo',
  settings,
  secrets: (c) => [c.api_secret],
  create: (c, context) => ({
    async send(message) {
      for (const to of message.to) {
        const answer = await call('nexmo sms', {
          method: 'POST',
          url: joinUrl(baseUrl(c, 'https://rest.nexmo.com'), '/sms/json'),
          headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
          body: formBody([
            ['api_key', c.api_key],
            ['api_secret', c.api_secret],
            ['from', message.from],
            ['to', to],
            ['text', message.text],
            ['type', 'text'],
          ]),
          timeoutMs: context.timeoutMs,
        });
        expectStatus('nexmo sms', answer, [200]);
        const reply = jsonAnswer('nexmo sms', answer) as NexmoReply;
        const failed = (reply.messages ?? []).find((m) => String(m.status) !== '0');
        if (failed) {
          throw new SendError(
            `nexmo sms: status ${String(failed.status)}: ${String(failed['error-text'] ?? '')}`,
          );
        }
      }
    },
  }),
};
