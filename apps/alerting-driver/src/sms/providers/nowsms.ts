import type { Decoded } from '@argus/service-kit';
import { call, expectStatus } from './http.ts';
import type { ProviderDefinition } from './provider.ts';
import { settingsOf, text, textList } from './settings.ts';

// NowSMS gateway: POST with User, Password, PhoneNumber (recipients joined by commas) and
// Text in the query. Upstream always uses http://sms-gateway:8800/send; `url` changes it.
// `phone_numbers` is accepted and, as upstream, unused.

const settings = settingsOf({ username: text(), password: text(), phone_numbers: textList(), url: text() });

export const nowsms: ProviderDefinition<Decoded<typeof settings>> = {
  name: 'nowsms',
  settings,
  secrets: (c) => [c.password],
  create: (c, context) => ({
    async send(message) {
      const url = new URL(c.url || c.base_url || 'http://sms-gateway:8800/send');
      const query = {
        User: c.username,
        Password: c.password,
        PhoneNumber: message.to.join(','),
        Text: message.text,
      };
      for (const [key, value] of Object.entries(query)) url.searchParams.set(key, value);
      const answer = await call('nowsms send', {
        method: 'POST',
        url: url.href,
        timeoutMs: context.timeoutMs,
      });
      expectStatus('nowsms send', answer, [200]);
    },
  }),
};
