import type { Decoded } from '@argus/service-kit';
import { call, expectStatus, joinUrl } from './http.ts';
import type { ProviderDefinition } from './provider.ts';
import { baseUrl, settingsOf, text } from './settings.ts';

// CM.com Business Messaging (gateway v1.0): one message with every recipient, the product
// token inside the body.

const settings = settingsOf({ producttoken: text() });

export const cm: ProviderDefinition<Decoded<typeof settings>> = {
  name: 'cm',
  settings,
  secrets: (c) => [c.producttoken],
  create: (c, context) => ({
    async send(message) {
      const body = {
        messages: {
          authentication: { producttoken: c.producttoken },
          msg: [
            {
              from: message.from,
              to: message.to.map((number) => ({ number })),
              body: { content: message.text },
            },
          ],
        },
      };
      const answer = await call('cm message', {
        method: 'POST',
        url: joinUrl(baseUrl(c, 'https://gw.cmtelecom.com'), '/v1.0/message'),
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify(body),
        timeoutMs: context.timeoutMs,
      });
      expectStatus('cm message', answer, [200]);
    },
  }),
};
