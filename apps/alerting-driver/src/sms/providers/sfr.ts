import type { Decoded } from '@argus/service-kit';
import { call, jsonAnswer, quote } from './http.ts';
import { SendError } from './provider.ts';
import type { ProviderDefinition } from './provider.ts';
import { settingsOf, text } from './settings.ts';

// SFR DMC (sachet 0.3+): GET <url>?authenticate=<json>&messageUnitaire=<json> per number;
// the JSON answer's `success` must be true. Line breaks become " - ".

const settings = settingsOf({
  url: text(),
  space_id: text(),
  service_id: text(),
  service_password: text(),
  lang: text(),
  tpoa: text(),
});

const API = 'https://www.dmc.sfr-sh.fr/DmcWS/1.5.7/JsonService/MessagesUnitairesWS/addSingleCall';

export const sfr: ProviderDefinition<Decoded<typeof settings>> = {
  name: 'sfr',
  settings,
  secrets: (c) => [c.service_password],
  create: (c, context) => ({
    async send(message) {
      const authenticate = JSON.stringify({
        serviceId: c.service_id,
        servicePassword: c.service_password,
        spaceId: c.space_id,
        lang: c.lang,
      });
      const textMsg = message.text.replaceAll('\n', ' - ');
      for (const to of message.to) {
        const url = new URL(c.url || c.base_url || API);
        url.searchParams.set('authenticate', authenticate);
        url.searchParams.set(
          'messageUnitaire',
          JSON.stringify({ media: 'SMSLong', textMsg, to, from: c.tpoa }),
        );
        const answer = await call('sfr addSingleCall', {
          method: 'GET',
          url: url.href,
          timeoutMs: context.timeoutMs,
        });
        const reply = jsonAnswer('sfr addSingleCall', answer) as { success?: unknown };
        if (reply.success !== true)
          throw new SendError(`sfr addSingleCall: HTTP ${answer.status}: ${quote(answer.text)}`);
      }
    },
  }),
};
