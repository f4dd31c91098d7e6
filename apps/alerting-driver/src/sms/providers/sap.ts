import type { Decoded } from '@argus/service-kit';
import { call, expectStatus } from './http.ts';
import { SendError } from './provider.ts';
import type { ProviderDefinition } from './provider.ts';
import { settingsOf, text } from './settings.ts';

// SAP Mobile Services SMS 365 (sachet 0.3+): POST of a text order (Version=2.0, [MSISDN]
// List, [MESSAGE] Text, [SETUP] SplitText) to the account's `url`, `Authorization: Basic
// <auth_hash>`. The format has no line breaks in the text: they become " - ".

const settings = settingsOf({ url: text(), auth_hash: text() });

export const sap: ProviderDefinition<Decoded<typeof settings>> = {
  name: 'sap',
  settings,
  secrets: (c) => [c.auth_hash],
  create: (c, context) => ({
    async send(message) {
      const url = c.url || c.base_url;
      if (!url) throw new SendError('sap: no url configured (it is specific to the account)');
      const order = [
        'Version=2.0',
        'Subject=Alert',
        '[MSISDN]',
        `List=${message.to.join(',')}`,
        '[MESSAGE]',
        `Text=${message.text.replaceAll('\n', ' - ')}`,
        '[SETUP]',
        'SplitText=yes',
        '[END]',
      ].join('\n');
      const answer = await call('sap sms', {
        method: 'POST',
        url,
        headers: { 'Content-Type': 'text/plain; charset=utf-8', Authorization: `Basic ${c.auth_hash}` },
        body: order,
        timeoutMs: context.timeoutMs,
      });
      expectStatus('sap sms', answer, [200]);
    },
  }),
};
