import type { Decoded } from '@argus/service-kit';
import { call, expectStatus, formBody, joinUrl } from './http.ts';
import type { ProviderDefinition } from './provider.ts';
import { baseUrl, settingsOf, text } from './settings.ts';

// Ghasedak (sachet 0.3+): POST /v2/sms/send/pair, form message and receptor (numbers joined
// by commas), the key in the `apikey` header.

const settings = settingsOf({ api_token: text() });

export const ghasedak: ProviderDefinition<Decoded<typeof settings>> = {
  name: 'ghasedak',
  settings,
  secrets: (c) => [c.api_token],
  create: (c, context) => ({
    async send(message) {
      const answer = await call('ghasedak send/pair', {
        method: 'POST',
        url: joinUrl(baseUrl(c, 'https://api.ghasedak.me'), '/v2/sms/send/pair'),
        headers: {
          'Content-Type': 'application/x-www-form-urlencoded',
          apikey: c.api_token,
          'Cache-Control': 'no-cache',
        },
        body: formBody([
          ['message', message.text],
          ['receptor', message.to.join(',')],
        ]),
        timeoutMs: context.timeoutMs,
      });
      expectStatus('ghasedak send/pair', answer, [200]);
    },
  }),
};
