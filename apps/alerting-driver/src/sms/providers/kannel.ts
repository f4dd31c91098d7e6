import type { Decoded } from '@argus/service-kit';
import { SendError } from './provider.ts';
import { call } from './http.ts';
import type { ProviderDefinition } from './provider.ts';
import { settingsOf, text } from './settings.ts';

// Kannel's sendsms HTTP interface: one GET per recipient, everything in the query
// (`url` is the sendsms URL, e.g. http://kannel:13013/cgi-bin/sendsms). Any status below 400 is sent.

const settings = settingsOf({ url: text(), username: text(), password: text() });

export const kannel: ProviderDefinition<Decoded<typeof settings>> = {
  name: 'kannel',
  settings,
  secrets: (c) => [c.password],
  create: (c, context) => ({
    async send(message) {
      const endpoint = c.url || c.base_url;
      if (!endpoint) throw new SendError('kannel: no url configured');
      for (const to of message.to) {
        const url = new URL(endpoint);
        const query = { from: message.from, pass: c.password, text: message.text, to, user: c.username };
        for (const [key, value] of Object.entries(query)) url.searchParams.set(key, value);
        const answer = await call('kannel sendsms', {
          method: 'GET',
          url: url.href,
          timeoutMs: context.timeoutMs,
        });
        if (answer.status >= 400) throw new SendError(`kannel sendsms: HTTP ${answer.status}`);
      }
    },
  }),
};
