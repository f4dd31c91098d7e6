import type { Decoded } from '@argus/service-kit';
import { call, expectStatus, joinUrl, jsonAnswer } from './http.ts';
import { SendError } from './provider.ts';
import type { ProviderDefinition } from './provider.ts';
import { baseUrl, settingsOf, text } from './settings.ts';

// Pushbullet API v2: a note push per recipient. `device:<nickname>` looks the device up in
// GET /v2/devices and pushes to its iden; `channel:<tag>` pushes to the channel tag.
// `from` is the note's title.

const settings = settingsOf({ access_token: text() });

interface Device {
  iden?: unknown;
  nickname?: unknown;
  active?: unknown;
}

export const pushbullet: ProviderDefinition<Decoded<typeof settings>> = {
  name: 'pushbullet',
  settings,
  secrets: (c) => [c.access_token],
  create: (c, context) => {
    const api = baseUrl(c, 'https://api.pushbullet.com');
    const headers = { 'Access-Token': c.access_token, 'Content-Type': 'application/json' };
    const push = async (target: Record<string, string>, title: string, body: string) => {
      const answer = await call('pushbullet pushes', {
        method: 'POST',
        url: joinUrl(api, '/v2/pushes'),
        headers,
        body: JSON.stringify({ type: 'note', title, body, ...target }),
        timeoutMs: context.timeoutMs,
      });
      expectStatus('pushbullet pushes', answer);
    };
    return {
      async send(message) {
        for (const recipient of message.to) {
          const colon = recipient.indexOf(':');
          if (colon < 0) {
            throw new SendError(
              `pushbullet: cannot parse recipient ${recipient}: expecting targetType:targetName`,
            );
          }
          const [kind, name] = [recipient.slice(0, colon), recipient.slice(colon + 1)];
          if (kind === 'channel') {
            await push({ channel_tag: name }, message.from, message.text);
          } else if (kind === 'device') {
            const answer = await call('pushbullet devices', {
              method: 'GET',
              url: joinUrl(api, '/v2/devices'),
              headers,
              timeoutMs: context.timeoutMs,
            });
            expectStatus('pushbullet devices', answer);
            const devices =
              (jsonAnswer('pushbullet devices', answer) as { devices?: Device[] }).devices ?? [];
            const device = devices.find((d) => d.nickname === name && d.active !== false);
            if (!device || typeof device.iden !== 'string')
              throw new SendError(`pushbullet: device ${name} not found`);
            await push({ device_iden: device.iden }, message.from, message.text);
          } else {
            throw new SendError(`pushbullet: unrecognised target type: ${kind}`);
          }
        }
      },
    };
  },
};
