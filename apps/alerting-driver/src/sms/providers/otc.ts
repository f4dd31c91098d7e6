import type { Decoded } from '@argus/service-kit';
import { call, expectStatus, joinUrl } from './http.ts';
import { SendError } from './provider.ts';
import type { ProviderDefinition } from './provider.ts';
import { baseUrl, flag, settingsOf, text } from './settings.ts';

// Open Telekom Cloud Simple Message Notification: a Keystone v3 password login at
// `identity_endpoint` (token in X-Subject-Token), then POST
// /v2/<project_id>/notifications/sms per recipient with X-Auth-Token.
// `insecure` (skip TLS verification) is accepted but not honoured: certificates are always checked.

const settings = settingsOf({
  identity_endpoint: text(),
  domain_name: text(),
  project_name: text(),
  username: text(),
  password: text(),
  project_id: text(),
  insecure: flag(),
});

export const otc: ProviderDefinition<Decoded<typeof settings>> = {
  name: 'otc',
  settings,
  secrets: (c) => [c.password],
  create: (c, context) => ({
    async send(message) {
      if (!c.identity_endpoint) throw new SendError('otc: no identity_endpoint configured');
      const login = {
        auth: {
          identity: {
            methods: ['password'],
            password: { user: { name: c.username, password: c.password, domain: { name: c.domain_name } } },
          },
          scope: { project: { name: c.project_name } },
        },
      };
      const auth = await call('otc login', {
        method: 'POST',
        url: c.identity_endpoint,
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify(login),
        timeoutMs: context.timeoutMs,
      });
      if (auth.status >= 400) throw new SendError(`otc login: HTTP ${auth.status}`);
      const token = auth.headers.get('x-subject-token');
      if (!token) throw new SendError('otc login: unable to get auth token');
      const base = baseUrl(c, 'https://smn.eu-de.otc.t-systems.com');
      const url = joinUrl(base, `/v2/${encodeURIComponent(c.project_id)}/notifications/sms`);
      for (const endpoint of message.to) {
        const answer = await call('otc notifications/sms', {
          method: 'POST',
          url,
          headers: { 'Content-Type': 'application/json', 'X-Auth-Token': token },
          body: JSON.stringify({ endpoint, message: message.text }),
          timeoutMs: context.timeoutMs,
        });
        expectStatus('otc notifications/sms', answer);
      }
    },
  }),
};
