import type { Decoded } from '@argus/service-kit';
import { call, expectStatus, joinUrl, quote } from './http.ts';
import { SendError } from './provider.ts';
import type { ProviderDefinition } from './provider.ts';
import { baseUrl, settingsOf, text } from './settings.ts';

// ASPSMS JSON API: POST /SendSimpleTextSMS, credentials in the body; the answer's
// StatusCode "1" means accepted.

const settings = settingsOf({ username: text(), password: text() });

export const aspsms: ProviderDefinition<Decoded<typeof settings>> = {
  name: 'aspsms',
  settings,
  secrets: (c) => [c.password],
  create: (c, context) => ({
    async send(message) {
      const answer = await call('aspsms SendSimpleTextSMS', {
        method: 'POST',
        url: joinUrl(baseUrl(c, 'https://json.aspsms.com'), '/SendSimpleTextSMS'),
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({
          UserName: c.username,
          Password: c.password,
          Originator: message.from,
          Recipients: message.to,
          MessageText: message.text,
        }),
        timeoutMs: context.timeoutMs,
      });
      expectStatus('aspsms SendSimpleTextSMS', answer, [200]);
      let code: unknown;
      try {
        code = (JSON.parse(answer.text) as { StatusCode?: unknown }).StatusCode;
      } catch {
        return; // upstream only checks the status; a non-JSON 200 is taken as sent
      }
      if (code !== undefined && String(code) !== '1') {
        throw new SendError(`aspsms SendSimpleTextSMS: ${quote(answer.text)}`);
      }
    },
  }),
};
