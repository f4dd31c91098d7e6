// Upstream's size rules: Slack titles ≤ 1024 runes, PagerDuty summaries ≤ 1024 runes and
// events ≤ 512 kB (details replaced), OpsGenie messages ≤ 130 runes, Discord titles ≤ 256
// and descriptions ≤ 4096 runes, Telegram text ≤ 4096 runes (HTML: a notice instead).
import { createLogger } from '@argus/service-kit';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { parseConfig } from '../src/config/config.ts';
import type { NotifyContext } from '../src/dispatch/stage.ts';
import { makeAlert } from '../src/domain/alert.ts';
import { DEFAULT_ROUTE_OPTIONS } from '../src/domain/route.ts';
import { buildIntegrations } from '../src/receivers/build.ts';
import { truncateBytes, truncateRunes } from '../src/receivers/template-data.ts';
import { startSink } from './receivers-sink.ts';
import type { Sink } from './receivers-sink.ts';

const NOW = Date.now();
const ALERTS = [
  makeAlert({
    labels: { alertname: 'Big' },
    annotations: {},
    startsAtMs: NOW - 1000,
    endsAtMs: NOW + 60_000,
    generatorURL: '',
    updatedAtMs: NOW,
    timeout: false,
  }),
];
const logger = createLogger({ level: 'error', format: 'logfmt', sink: { write: () => undefined } });
let sink: Sink;

beforeAll(async () => {
  sink = await startSink();
});
afterAll(async () => {
  await sink.close();
});
beforeEach(() => {
  sink.received.length = 0;
  sink.answers.length = 0;
});

async function send(entry: string): Promise<Record<string, unknown>> {
  const config = parseConfig(`route: {receiver: r}\nreceivers:\n  - name: r\n    ${entry}\n`);
  const [n] = buildIntegrations(config.receivers.get('r')!, {
    templates: config.templates,
    externalURL: 'http://am',
    userAgent: 'Alertmanager/0.25.0',
    logger,
    global: {},
  });
  const ctx: NotifyContext = {
    groupKey: '{}:{}',
    receiver: 'r',
    groupLabels: {},
    route: DEFAULT_ROUTE_OPTIONS,
    nowMs: NOW,
    deadlineMs: Date.now() + 5000,
  };
  await n!.notify(ctx, ALERTS);
  return JSON.parse(sink.received.at(-1)!.body) as Record<string, unknown>;
}

// `n` times a 2-byte rune, so rune and byte limits differ.
const many = (n: number, c = 'é') => c.repeat(n);

describe('upstream truncation helpers', () => {
  it('TruncateInRunes keeps n-1 runes and an ellipsis', () => {
    expect(truncateRunes('abcdef', 6)).toEqual(['abcdef', false]);
    expect(truncateRunes('abcdefg', 6)).toEqual(['abcde…', true]);
    expect(truncateRunes('ééééé', 3)).toEqual(['ééé', true]);
    expect(truncateRunes('😀😀😀😀😀', 4)).toEqual(['😀😀😀…', true]);
  });
  it('TruncateInBytes never splits a character', () => {
    expect(truncateBytes('abcdef', 6)).toEqual(['abcdef', false]);
    expect(truncateBytes('ééééé', 8)).toEqual(['éé…', true]);
    expect(truncateBytes('abcdefgh', 7)).toEqual(['abcd…', true]);
  });
});

describe('receivers cut oversized fields as upstream', () => {
  it('Slack title: 1024 runes', async () => {
    sink.answers.push(['/', { status: 200, body: 'ok' }]);
    const body = await send(`slack_configs: [{api_url: '${sink.url}/s', title: '${many(1500)}'}]`);
    const title = (body['attachments'] as { title: string }[])[0]!.title;
    expect(Array.from(title).length).toBe(1024);
    expect(title.endsWith('é…')).toBe(true);
  });

  it('PagerDuty summary: 1024 runes; an event over 512 kB loses its details', async () => {
    sink.answers.push(['/', { status: 202 }]);
    const body = await send(
      `pagerduty_configs: [{routing_key: k, url: '${sink.url}/p', description: '${many(2000)}', details: {big: '${'x'.repeat(600_000)}'}}]`,
    );
    const payload = body['payload'] as { summary: string; custom_details: Record<string, string> };
    expect(Array.from(payload.summary).length).toBe(1024);
    expect(payload.custom_details).toEqual({
      error: 'Custom details have been removed because the original event exceeds the maximum size of 512kB',
    });
    expect(sink.received.at(-1)!.body.length).toBeLessThan(512_000);
  });

  it('OpsGenie message: 130 runes', async () => {
    sink.answers.push(['/', { status: 202 }]);
    const body = await send(
      `opsgenie_configs: [{api_key: k, api_url: '${sink.url}/', message: '${many(200)}'}]`,
    );
    expect(Array.from(body['message'] as string).length).toBe(130);
  });

  it('Discord: title 256 runes, description 4096 runes', async () => {
    sink.answers.push(['/', { status: 204 }]);
    const body = await send(
      `discord_configs: [{webhook_url: '${sink.url}/d', title: '${many(300)}', message: '${many(5000)}'}]`,
    );
    const embed = (body['embeds'] as { title: string; description: string }[])[0]!;
    expect(Array.from(embed.title).length).toBe(256);
    expect(Array.from(embed.description).length).toBe(4096);
  });

  it('Telegram: plain text cut to 4096 runes; HTML over the limit replaced by a notice', async () => {
    const ok = {
      status: 200,
      contentType: 'application/json',
      body: '{"ok":true,"result":{"message_id":1,"date":0,"chat":{"id":1,"type":"private"}}}',
    };
    sink.answers.push(['/', ok]);
    const plain = await send(
      `telegram_configs: [{api_url: '${sink.url}', bot_token: t, chat_id: 1, parse_mode: '', message: '${many(5000)}'}]`,
    );
    expect(Array.from(plain['text'] as string).length).toBe(4096);
    expect(plain['parse_mode']).toBeUndefined();
    const html = await send(
      `telegram_configs: [{api_url: '${sink.url}', bot_token: t, chat_id: 1, message: '<b>${many(5000)}</b>'}]`,
    );
    expect(html['text']).toMatch(
      /^Alertmanager notification could not be sent: message length exceeds Telegram limits/,
    );
    // Tags do not count: 4000 visible runes in markup pass unchanged.
    const fits = await send(
      `telegram_configs: [{api_url: '${sink.url}', bot_token: t, chat_id: 1, message: '<b>${many(4000)}</b>'}]`,
    );
    expect(fits['text']).toBe(`<b>${many(4000)}</b>`);
  });
});
