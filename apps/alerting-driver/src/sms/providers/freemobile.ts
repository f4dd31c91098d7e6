import type { Decoded } from '@argus/service-kit';
import { call, expectStatus } from './http.ts';
import type { ProviderDefinition } from './provider.ts';
import { settingsOf, text } from './settings.ts';

// Free Mobile's notification API: the account holder's own phone gets the text; JSON body
// {user, pass, msg} to `url` (default https://smsapi.free-mobile.fr/sendmsg). `to` is unused.

const settings = settingsOf({ username: text(), password: text(), url: text() });

export const freemobile: ProviderDefinition<Decoded<typeof settings>> = {
  name: 'freemobile',
  settings,
  secrets: (c) => [c.password],
  create: (c, context) => ({
    async send(message) {
      const answer = await call('freemobile sendmsg', {
        method: 'POST',
        url: c.url || c.base_url || 'https://smsapi.free-mobile.fr/sendmsg',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ user: c.username, pass: c.password, msg: message.text }),
        timeoutMs: context.timeoutMs,
      });
      expectStatus('freemobile sendmsg', answer, [200]);
    },
  }),
};
