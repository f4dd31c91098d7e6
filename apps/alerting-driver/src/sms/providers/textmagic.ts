import type { Decoded } from '@argus/service-kit';
import { basicAuth, call, expectStatus, joinUrl } from './http.ts';
import { requireTextType } from './provider.ts';
import type { ProviderDefinition } from './provider.ts';
import { baseUrl, settingsOf, text } from './settings.ts';

// TextMagic REST v2 (sachet 0.3+): POST /api/v2/messages with phones joined by commas,
// basic auth with the username and API key; 201 Created.

const settings = settingsOf({ username: text(), api_key: text() });

export const textmagic: ProviderDefinition<Decoded<typeof settings>> = {
  name: 'textmagic',
  settings,
  secrets: (c) => [c.api_key],
  create: (c, context) => ({
    async send(message) {
      requireTextType('textmagic', message);
      const answer = await call('textmagic messages', {
        method: 'POST',
        url: joinUrl(baseUrl(c, 'https://rest.textmagic.com'), '/api/v2/messages'),
        headers: { 'Content-Type': 'application/json', Authorization: basicAuth(c.username, c.api_key) },
        body: JSON.stringify({ text: message.text, phones: message.to.join(','), from: message.from }),
        timeoutMs: context.timeoutMs,
      });
      expectStatus('textmagic messages', answer);
    },
  }),
};
