import type { Decoded } from '@argus/service-kit';
import { call, expectStatus, joinUrl, jsonAnswer, quote } from './http.ts';
import { SendError } from './provider.ts';
import type { ProviderDefinition } from './provider.ts';
import { baseUrl, flag, settingsOf, text } from './settings.ts';

// sms77.io / seven (sachet 0.3+): POST /api/sms with every recipient (text), or /api/voice per
// recipient (type voice); key in X-Api-Key. With `json: 1` the SMS answer's `success` is
// "100" when sent. `debug` asks the API to validate without sending.

const settings = settingsOf({ api_key: text(), debug: flag() });

export const sms77: ProviderDefinition<Decoded<typeof settings>> = {
  name: 'sms77',
  settings,
  secrets: (c) => [c.api_key],
  create: (c, context) => {
    const post = async (path: string, body: Record<string, unknown>) => {
      const answer = await call(`sms77 ${path}`, {
        method: 'POST',
        url: joinUrl(baseUrl(c, 'https://gateway.sms77.io'), path),
        headers: { 'Content-Type': 'application/json', 'X-Api-Key': c.api_key, SentWith: 'Sachet' },
        body: JSON.stringify({ ...body, json: 1, ...(c.debug ? { debug: 1 } : {}) }),
        timeoutMs: context.timeoutMs,
      });
      expectStatus(`sms77 ${path}`, answer, [200]);
      return answer;
    };
    return {
      async send(message) {
        if (message.type === 'voice') {
          for (const to of message.to)
            await post('/api/voice', { from: message.from, text: message.text, to });
          return;
        }
        if (message.type !== '' && message.type !== 'text') {
          throw new SendError(`sms77: unknown message type ${message.type}`);
        }
        const answer = await post('/api/sms', {
          from: message.from,
          text: message.text,
          to: message.to.join(','),
        });
        const reply = jsonAnswer('sms77 /api/sms', answer) as { success?: unknown };
        if (String(reply.success) !== '100') throw new SendError(`sms77 /api/sms: ${quote(answer.text)}`);
      },
    };
  },
};
