import type { Decoded } from '@argus/service-kit';
import { call, expectStatus } from './http.ts';
import type { ProviderDefinition } from './provider.ts';
import { settingsOf, text } from './settings.ts';

// Melipayamak REST (sachet 0.3+): POST JSON {username, password, to, from, text} to `endpoint`
// (default https://rest.payamak-panel.com/api/SendSMS/SendSMS; upstream has no default).
// The sender is the receiver's `from`; the provider's `from` key is accepted and unused, as upstream.

const settings = settingsOf({ username: text(), password: text(), from: text(), endpoint: text() });

export const melipayamak: ProviderDefinition<Decoded<typeof settings>> = {
  name: 'melipayamak',
  settings,
  secrets: (c) => [c.password],
  create: (c, context) => ({
    async send(message) {
      const answer = await call('melipayamak SendSMS', {
        method: 'POST',
        url: c.endpoint || c.base_url || 'https://rest.payamak-panel.com/api/SendSMS/SendSMS',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({
          username: c.username,
          password: c.password,
          to: message.to.join(','),
          from: message.from,
          text: message.text,
        }),
        timeoutMs: context.timeoutMs,
      });
      expectStatus('melipayamak SendSMS', answer, [200]);
    },
  }),
};
