import type { Decoded } from '@argus/service-kit';
import { basicAuth, call, expectStatus, formBody, joinUrl } from './http.ts';
import type { ProviderDefinition } from './provider.ts';
import { baseUrl, settingsOf, text } from './settings.ts';

// Exotel SMS API: POST /v1/Accounts/<sid>/Sms/send.json, form fields From, To (repeated), Body,
// basic auth with the account SID and token.

const settings = settingsOf({ account_sid: text(), auth_token: text() });

export const exotel: ProviderDefinition<Decoded<typeof settings>> = {
  name: 'exotel',
  settings,
  secrets: (c) => [c.auth_token],
  create: (c, context) => ({
    async send(message) {
      const pairs: [string, string][] = [
        ['Body', message.text],
        ['From', message.from],
        ...message.to.map((to): [string, string] => ['To', to]),
      ];
      const path = `/v1/Accounts/${encodeURIComponent(c.account_sid)}/Sms/send.json`;
      const answer = await call('exotel Sms/send', {
        method: 'POST',
        url: joinUrl(baseUrl(c, 'https://twilix.exotel.in'), path),
        headers: {
          'Content-Type': 'application/x-www-form-urlencoded',
          Authorization: basicAuth(c.account_sid, c.auth_token),
        },
        body: formBody(pairs),
        timeoutMs: context.timeoutMs,
      });
      expectStatus('exotel Sms/send', answer, [200]);
    },
  }),
};
