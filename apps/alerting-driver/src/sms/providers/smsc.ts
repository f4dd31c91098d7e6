import type { Decoded } from '@argus/service-kit';
import { call, expectStatus, joinUrl, quote } from './http.ts';
import { SendError } from './provider.ts';
import type { ProviderDefinition } from './provider.ts';
import { baseUrl, settingsOf, text } from './settings.ts';

// SMSC.ru HTTP API: GET /sys/send.php per number with login, psw, phones, sender, fmt=0
// and mes. With fmt=0 a refusal still answers 200, with a body "ERROR = <code> (…)".

const settings = settingsOf({ login: text(), password: text() });

export const smsc: ProviderDefinition<Decoded<typeof settings>> = {
  name: 'smsc',
  settings,
  secrets: (c) => [c.password],
  create: (c, context) => ({
    async send(message) {
      for (const phone of message.to) {
        const url = new URL(joinUrl(baseUrl(c, 'https://smsc.ru'), '/sys/send.php'));
        const query = {
          login: c.login,
          psw: c.password,
          phones: phone,
          sender: message.from,
          fmt: '0',
          mes: message.text,
        };
        for (const [key, value] of Object.entries(query)) url.searchParams.set(key, value);
        const answer = await call('smsc send', {
          method: 'GET',
          url: url.href,
          timeoutMs: context.timeoutMs,
        });
        expectStatus('smsc send', answer, [200]);
        if (answer.text.trimStart().startsWith('ERROR'))
          throw new SendError(`smsc send: ${quote(answer.text)}`);
      }
    },
  }),
};
