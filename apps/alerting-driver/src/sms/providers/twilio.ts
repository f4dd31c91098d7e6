import type { Decoded } from '@argus/service-kit';
import { basicAuth, call, formBody, joinUrl, jsonAnswer, quote } from './http.ts';
import { SendError } from './provider.ts';
import type { ProviderDefinition } from './provider.ts';
import { baseUrl, settingsOf, text } from './settings.ts';

// Twilio Messages API: POST /2010-04-01/Accounts/<sid>/Messages.json per recipient, form
// fields From, To, Body, basic auth with the account SID and token; 201 Created.

const settings = settingsOf({ account_sid: text(), auth_token: text() });

export const twilio: ProviderDefinition<Decoded<typeof settings>> = {
  name: 'twilio',
  settings,
  secrets: (c) => [c.auth_token],
  create: (c, context) => ({
    async send(message) {
      const path = `/2010-04-01/Accounts/${encodeURIComponent(c.account_sid)}/Messages.json`;
      for (const to of message.to) {
        const answer = await call('twilio Messages', {
          method: 'POST',
          url: joinUrl(baseUrl(c, 'https://api.twilio.com'), path),
          headers: {
            'Content-Type': 'application/x-www-form-urlencoded',
            Authorization: basicAuth(c.account_sid, c.auth_token),
          },
          body: formBody([
            ['From', message.from],
            ['To', to],
            ['Body', message.text],
          ]),
          timeoutMs: context.timeoutMs,
        });
        if (answer.status >= 200 && answer.status < 300) continue;
        let why = quote(answer.text);
        try {
          const reply = jsonAnswer('twilio Messages', answer) as { message?: unknown };
          if (typeof reply.message === 'string') why = reply.message;
        } catch {
          // not JSON: the quoted text says it
        }
        throw new SendError(`twilio Messages: HTTP ${answer.status}: ${why}`);
      }
    },
  }),
};
