import type { Decoded } from '@argus/service-kit';
import { basicAuth, call, expectStatus, joinUrl } from './http.ts';
import type { ProviderDefinition } from './provider.ts';
import { baseUrl, settingsOf, text } from './settings.ts';

// Infobip SMS API: POST /sms/1/text/single with basic auth (token, secret). Upstream sends
// only the first recipient; the API takes a list, so every recipient gets the message here.

const settings = settingsOf({ token: text(), secret: text() });

export const infobip: ProviderDefinition<Decoded<typeof settings>> = {
  name: 'infobip',
  settings,
  secrets: (c) => [c.secret],
  create: (c, context) => ({
    async send(message) {
      const to = message.to.length === 1 ? message.to[0] : message.to;
      const answer = await call('infobip text/single', {
        method: 'POST',
        url: joinUrl(baseUrl(c, 'https://api.infobip.com'), '/sms/1/text/single'),
        headers: { 'Content-Type': 'application/json', Authorization: basicAuth(c.token, c.secret) },
        body: JSON.stringify({ from: message.from, to, text: message.text }),
        timeoutMs: context.timeoutMs,
      });
      expectStatus('infobip text/single', answer, [200]);
    },
  }),
};
