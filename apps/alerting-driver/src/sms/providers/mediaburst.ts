import type { Decoded } from '@argus/service-kit';
import { call, expectStatus, joinUrl, quote } from './http.ts';
import { SendError } from './provider.ts';
import type { ProviderDefinition } from './provider.ts';
import { baseUrl, settingsOf, text } from './settings.ts';

// Mediaburst Clockwork HTTP API: GET /http/send.aspx?Key&To&From&Content (recipients joined
// by commas). It answers 200 even for refused messages, with "Error <n>: …" in the text.

const settings = settingsOf({ api_key: text() });

export const mediaburst: ProviderDefinition<Decoded<typeof settings>> = {
  name: 'mediaburst',
  settings,
  secrets: (c) => [c.api_key],
  create: (c, context) => ({
    async send(message) {
      const url = new URL(joinUrl(baseUrl(c, 'https://api.clockworksms.com'), '/http/send.aspx'));
      const query = { Key: c.api_key, To: message.to.join(','), From: message.from, Content: message.text };
      for (const [key, value] of Object.entries(query)) url.searchParams.set(key, value);
      const answer = await call('mediaburst send', {
        method: 'GET',
        url: url.href,
        timeoutMs: context.timeoutMs,
      });
      expectStatus('mediaburst send', answer, [200]);
      if (/\bError \d+:/.test(answer.text)) throw new SendError(`mediaburst send: ${quote(answer.text)}`);
    },
  }),
};
