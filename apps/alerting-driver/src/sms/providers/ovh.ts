import { createHash } from 'node:crypto';
import type { Decoded } from '@argus/service-kit';
import { call, expectStatus } from './http.ts';
import { SendError, requireTextType } from './provider.ts';
import type { ProviderDefinition } from './provider.ts';
import { flag, settingsOf, text } from './settings.ts';

// OVHcloud API: POST /1.0/sms/<service_name>/jobs, signed with the application secret and
// consumer key: X-Ovh-Signature = "$1$" + sha1(AS+CK+METHOD+URL+BODY+TIMESTAMP joined by "+").
// The timestamp is the local clock (the Go client asks /auth/time for the offset once).

const settings = settingsOf({
  endpoint: text(),
  application_key: text(),
  application_secret: text(),
  consumer_key: text(),
  service_name: text(),
  sender_for_response: flag(true),
  no_stop_clause: flag(),
  priority: text(),
});

/** The named endpoints of the OVH API clients. */
const ENDPOINTS: Readonly<Record<string, string>> = {
  'ovh-eu': 'https://eu.api.ovh.com/1.0',
  'ovh-ca': 'https://ca.api.ovh.com/1.0',
  'ovh-us': 'https://api.us.ovhcloud.com/1.0',
  'kimsufi-eu': 'https://eu.api.kimsufi.com/1.0',
  'kimsufi-ca': 'https://ca.api.kimsufi.com/1.0',
  'soyoustart-eu': 'https://eu.api.soyoustart.com/1.0',
  'soyoustart-ca': 'https://ca.api.soyoustart.com/1.0',
};

export const ovh: ProviderDefinition<Decoded<typeof settings>> = {
  name: 'ovh',
  settings,
  secrets: (c) => [c.application_secret, c.consumer_key],
  create: (c, context) => ({
    async send(message) {
      requireTextType('ovh', message);
      const root = c.base_url || ENDPOINTS[c.endpoint || 'ovh-eu'] || c.endpoint;
      if (!/^https?:\/\//.test(root))
        throw new SendError(`ovh: unknown endpoint ${JSON.stringify(c.endpoint)}`);
      const url = `${root.replace(/\/+$/, '')}/sms/${encodeURIComponent(c.service_name)}/jobs`;
      const job: Record<string, unknown> = {
        message: message.text,
        receivers: message.to,
        noStopClause: c.no_stop_clause,
        senderForResponse: c.sender_for_response,
      };
      if (message.from) job['sender'] = message.from;
      if (c.priority) job['priority'] = c.priority;
      const body = JSON.stringify(job);
      const timestamp = String(Math.floor(context.now().getTime() / 1000));
      const answer = await call('ovh sms jobs', {
        method: 'POST',
        url,
        headers: {
          'Content-Type': 'application/json',
          'X-Ovh-Application': c.application_key,
          'X-Ovh-Consumer': c.consumer_key,
          'X-Ovh-Timestamp': timestamp,
          'X-Ovh-Signature': ovhSignature(c.application_secret, c.consumer_key, 'POST', url, body, timestamp),
        },
        body,
        timeoutMs: context.timeoutMs,
      });
      expectStatus('ovh sms jobs', answer);
    },
  }),
};

export function ovhSignature(
  secret: string,
  consumerKey: string,
  method: string,
  url: string,
  body: string,
  timestamp: string,
): string {
  const hash = createHash('sha1').update([secret, consumerKey, method, url, body, timestamp].join('+'));
  return `$1$${hash.digest('hex')}`;
}
