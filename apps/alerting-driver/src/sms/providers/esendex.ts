import type { Decoded } from '@argus/service-kit';
import { basicAuth, call, expectStatus, joinUrl } from './http.ts';
import type { ProviderDefinition } from './provider.ts';
import { baseUrl, settingsOf, text } from './settings.ts';

// Esendex REST API (sachet 0.3+): POST /v1.0/messagedispatcher per number, basic auth with
// the user and API token.

const settings = settingsOf({ user: text(), api_token: text(), account_reference: text() });

export const esendex: ProviderDefinition<Decoded<typeof settings>> = {
  name: 'esendex',
  settings,
  secrets: (c) => [c.api_token],
  create: (c, context) => ({
    async send(message) {
      for (const to of message.to) {
        const answer = await call('esendex messagedispatcher', {
          method: 'POST',
          url: joinUrl(baseUrl(c, 'https://api.esendex.com'), '/v1.0/messagedispatcher'),
          headers: { 'Content-Type': 'application/json', Authorization: basicAuth(c.user, c.api_token) },
          body: JSON.stringify({
            accountreference: c.account_reference,
            messages: [{ from: message.from, to, body: message.text }],
          }),
          timeoutMs: context.timeoutMs,
        });
        expectStatus('esendex messagedispatcher', answer, [200]);
      }
    },
  }),
};
