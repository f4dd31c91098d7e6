import type { Decoded } from '@argus/service-kit';
import { call, expectStatus, joinUrl } from './http.ts';
import type { ProviderDefinition } from './provider.ts';
import { baseUrl, settingsOf, text, textList } from './settings.ts';

// Kavenegar (sachet 0.3+): GET /v1/<api_token>/sms/send.json?receptor&sender&message; an
// empty sender uses the account's default line. `phone_numbers` is accepted and unused, as upstream.

const settings = settingsOf({ api_token: text(), phone_numbers: textList() });

export const kavenegar: ProviderDefinition<Decoded<typeof settings>> = {
  name: 'kavenegar',
  settings,
  secrets: (c) => [c.api_token],
  create: (c, context) => ({
    async send(message) {
      const path = `/v1/${encodeURIComponent(c.api_token)}/sms/send.json`;
      const url = new URL(joinUrl(baseUrl(c, 'https://api.kavenegar.com'), path));
      url.searchParams.set('receptor', message.to.join(','));
      url.searchParams.set('sender', message.from);
      url.searchParams.set('message', message.text);
      const answer = await call('kavenegar sms/send', {
        method: 'GET',
        url: url.href,
        timeoutMs: context.timeoutMs,
      });
      expectStatus('kavenegar sms/send', answer, [200]);
    },
  }),
};
