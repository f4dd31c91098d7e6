// Receiver entries that could never send are refused when the config loads, as Debian's
// `amtool check-config` (0.25) refuses them, with the same words (0.34's where a `*_file`
// variant changed them); complete entries are accepted by both.
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeTempDir, requireProgram } from '@argus/testkit';
import type { TempDir } from '@argus/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../src/config/config.ts';

const amtool = requireProgram('amtool');
let dir: TempDir;
beforeAll(async () => {
  dir = await makeTempDir('am-receiver-config');
});
afterAll(async () => {
  await dir?.remove();
});

/** [receiver entry, global, expected message (undefined: accepted), 0.25 words differ] */
const CASES: [string, string, string | undefined, boolean?][] = [
  ['email_configs: [{to: a@b.c}]', '', 'no global SMTP smarthost set'],
  ["email_configs: [{to: a@b.c, smarthost: 'h:25'}]", '', 'no global SMTP from set'],
  ["email_configs: [{smarthost: 'h:25', from: a@b.c}]", '', 'missing to address in email config'],
  ['email_configs: [{to: a@b.c}]', "{smtp_smarthost: 'h:25', smtp_from: x@y.z}", undefined],
  ['slack_configs: [{channel: x}]', '', 'no global Slack API URL set either inline or in a file'],
  ['slack_configs: [{channel: x}]', "{slack_api_url: 'http://s'}", undefined],
  ["pagerduty_configs: [{url: 'http://x'}]", '', 'missing service or routing key in PagerDuty config'],
  ['pagerduty_configs: [{routing_key: r}]', '', undefined],
  ['opsgenie_configs: [{}]', '', 'no global OpsGenie API Key set either inline or in a file'],
  ['opsgenie_configs: [{}]', '{opsgenie_api_key: k}', undefined],
  ['telegram_configs: [{chat_id: 1}]', '', 'missing bot_token or bot_token_file on telegram_config', true],
  ['telegram_configs: [{bot_token: x}]', '', 'missing chat_id on telegram_config'],
  [
    'telegram_configs: [{bot_token: x, chat_id: 1, parse_mode: Foo}]',
    '',
    'unknown parse_mode on telegram_config, must be Markdown, MarkdownV2, HTML or empty string',
  ],
  ['telegram_configs: [{bot_token: x, chat_id: 1, parse_mode: MarkdownV2}]', '', undefined],
  ['discord_configs: [{}]', '', 'one of webhook_url or webhook_url_file must be configured', true],
  ["discord_configs: [{webhook_url: 'http://d'}]", '', undefined],
];

function amtoolSays(file: string): string | undefined {
  try {
    execFileSync(amtool, ['check-config', file], { stdio: 'pipe' });
    return undefined;
  } catch (error) {
    const out = String((error as { stdout?: Buffer }).stdout ?? '');
    return /FAILED: (.*)/.exec(out)?.[1]?.trim() ?? out;
  }
}

describe('receiver entries at config load, as amtool check-config', () => {
  it.each(CASES)('%s (global %s)', (entry, global, message, newerWords) => {
    const text = `${global ? `global: ${global}\n` : ''}route: {receiver: r}\nreceivers:\n- name: r\n  ${entry}\n`;
    const file = join(dir.path, 'c.yml');
    writeFileSync(file, text);
    const upstream = amtoolSays(file);
    let ours: string | undefined;
    try {
      parseConfig(text, file);
    } catch (error) {
      ours = (error as Error).message;
    }
    expect(upstream === undefined).toBe(message === undefined);
    expect(ours === undefined).toBe(message === undefined);
    if (message === undefined) return;
    expect(ours).toContain(message);
    // The position of the receiver entry.
    expect(ours).toContain(`${file}:${global ? 4 : 3}:3: ${message}`);
    if (!newerWords) expect(upstream).toBe(message);
  });
});
