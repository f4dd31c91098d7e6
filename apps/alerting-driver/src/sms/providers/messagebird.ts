import type { Decoded } from '@argus/service-kit';
import { call, expectStatus, joinUrl } from './http.ts';
import type { ProviderDefinition } from './provider.ts';
import { baseUrl, flag, integer, settingsOf, text } from './settings.ts';

// MessageBird REST API: POST /messages (or /voicemessages when the receiver's type is
// "voice", with `language`, `voice` and `repeat`), `Authorization: AccessKey <key>`.

const settings = settingsOf({
  access_key: text(),
  gateway: integer(),
  debug: flag(),
  language: text(),
  voice: text(),
  repeat: integer(),
});

export const messagebird: ProviderDefinition<Decoded<typeof settings>> = {
  name: 'messagebird',
  settings,
  secrets: (c) => [c.access_key],
  create: (c, context) => ({
    async send(message) {
      const voice = message.type === 'voice';
      const body: Record<string, unknown> = { recipients: message.to, body: message.text };
      if (voice) {
        if (c.language) body['language'] = c.language;
        if (c.voice) body['voice'] = c.voice;
        if (c.repeat) body['repeat'] = c.repeat;
      } else {
        body['originator'] = message.from;
        if (c.gateway) body['gateway'] = c.gateway;
      }
      const path = voice ? '/voicemessages' : '/messages';
      const answer = await call(`messagebird ${path}`, {
        method: 'POST',
        url: joinUrl(baseUrl(c, 'https://rest.messagebird.com'), path),
        headers: { 'Content-Type': 'application/json', Authorization: `AccessKey ${c.access_key}` },
        body: JSON.stringify(body),
        timeoutMs: context.timeoutMs,
      });
      expectStatus(`messagebird ${path}`, answer);
    },
  }),
};
