import type { Decoded } from '@argus/service-kit';
import { basicAuth, call, expectStatus } from './http.ts';
import type { ProviderDefinition } from './provider.ts';
import { settingsOf, text } from './settings.ts';

// sipgate REST API: POST /v2/sessions/sms per recipient with basic auth; `from` is the
// SMS extension id (smsId, e.g. "s0"). The API answers 204 No Content.

const settings = settingsOf({ username: text(), password: text(), url: text() });

export const sipgate: ProviderDefinition<Decoded<typeof settings>> = {
  name: 'sipgate',
  settings,
  secrets: (c) => [c.password],
  create: (c, context) => ({
    async send(message) {
      for (const recipient of message.to) {
        const answer = await call('sipgate sessions/sms', {
          method: 'POST',
          url: c.url || c.base_url || 'https://api.sipgate.com/v2/sessions/sms',
          headers: { 'Content-Type': 'application/json', Authorization: basicAuth(c.username, c.password) },
          body: JSON.stringify({ smsId: message.from, recipient, message: message.text }),
          timeoutMs: context.timeoutMs,
        });
        expectStatus('sipgate sessions/sms', answer, [204]);
      }
    },
  }),
};
