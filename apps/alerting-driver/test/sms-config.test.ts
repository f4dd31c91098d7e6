// Loading sachet's config.yaml: what is accepted as yaml.v2 does, and where problems are reported.
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TemplateData } from '@argus/gotemplate';
import { makeTempDir } from '@argus/testkit';
import type { TempDir } from '@argus/testkit';
import { handleAlert } from '../src/sms/alert-handler.ts';
import { loadSmsConfig } from '../src/sms/config.ts';
import { FakeApi, webhook } from './sms-fake-api.ts';

const testdata = (name: string) => fileURLToPath(new URL(`../testdata/sms/${name}`, import.meta.url));

describe('sms config file', () => {
  let dir: TempDir;
  const load = (name: string, text: string) => {
    writeFileSync(dir.join(name), text);
    return loadSmsConfig(dir.join(name));
  };
  beforeAll(async () => {
    dir = await makeTempDir('sms-config');
    writeFileSync(dir.join('ok.tmpl'), '{{ define "short" }}{{ len .Alerts }} alerts{{ end }}');
    writeFileSync(dir.join('bad.tmpl'), '{{ define "x" }}{{ end');
  });
  afterAll(async () => dir?.remove());

  it('reads receivers, provider settings and templates; unknown keys are ignored as yaml.v2 does', () => {
    const config = load(
      'full.yaml',
      [
        `templates: ['${dir.path}/ok*.tmpl']`,
        'providers:',
        '  telegram:',
        '    token: 12345', // a number is taken as its text
        '    future_option: x',
        '  no_such_provider: { a: 1 }',
        'receivers:',
        '  - name: a',
        '    provider: telegram',
        '    to: [1, "2"]',
        '    extra: ignored',
        '  - name: b',
        'unknown_top_level: 1',
      ].join('\n'),
    );
    expect(config.receivers).toEqual([
      { name: 'a', provider: 'telegram', to: ['1', '2'], from: '', text: '', type: '' },
      { name: 'b', provider: '', to: [], from: '', text: '', type: '' },
    ]);
    expect(config.providerSettings.get('telegram')).toMatchObject({ token: '12345', parse_mode: '' });
    expect([...config.providerSettings.keys()]).toEqual(['telegram']);
    expect(config.secrets).toEqual(['12345']);
    expect(
      config.templates.executeText('{{ template "short" . }}', TemplateData.fromJSON({ alerts: [{}, {}] })),
    ).toBe('2 alerts');
  });

  it('an empty file is an empty config', () => {
    expect(load('empty.yaml', '').receivers).toEqual([]);
  });

  it.each([
    ['syntax error', 'receivers: [oops', /e1\.yaml:\d+:\d+: /],
    [
      'setting of the wrong type',
      'providers:\n  telegram:\n    token: [1, 2]\n',
      /e2\.yaml:3:12: expected string, got sequence/,
    ],
    ['receivers not a list', 'receivers: {name: a}\n', /e3\.yaml:1:12: expected list/],
    ['to not a list', 'receivers:\n  - name: a\n    to: "+31"\n', /e4\.yaml:3:9: expected list/],
    [
      'template that does not parse',
      "templates: ['DIR/bad.tmpl']\n",
      /e5\.yaml:1:\d+: templates: template: bad\.tmpl:1: unclosed action/,
    ],
    [
      'malformed glob',
      "templates: ['/tmp/[x']\n",
      /e6\.yaml:1:\d+: templates: \/tmp\/\[x: syntax error in pattern/,
    ],
  ])('%s fails with file:line:col', (name, text, message) => {
    const file = `e${['syntax', 'setting', 'receivers', 'to', 'template', 'malformed'].indexOf(name.split(' ')[0]!) + 1}.yaml`;
    expect(() => load(file, text.replace('DIR', dir.path))).toThrow(message);
  });

  it("loads the rancher-sachet chart's default config (no providers, no receivers)", () => {
    const config = loadSmsConfig(testdata('rancher-chart-default.yaml'));
    expect([config.receivers, config.providerSettings.size]).toEqual([[], 0]);
  });

  it("delivers through the Telegram config of Rancher's documentation, AlertmanagerConfig receiver name and all", async () => {
    const api = await FakeApi.start();
    try {
      api.respond = () => ({ body: '{"ok":true,"result":{}}' });
      const text = readFileSync(testdata('rancher-telegram.yaml'), 'utf8').replaceAll('BASE_URL', api.url);
      const config = load('rancher-telegram.yaml', text);
      const receiver = 'cattle-monitoring-system/telegram-amc/telegram-receiver-1';
      const outcome = await handleAlert(webhook(receiver, [{ alertname: 'Watchdog' }]), config, {
        sendFailureStatus: 502,
        context: { now: () => new Date(), timeoutMs: 5000 },
      });
      expect(outcome.error).toBeUndefined();
      expect(outcome).toEqual({ status: 200, provider: 'telegram' });
      expect(api.requests.map((r) => r.url)).toEqual(['/bot123456789:AAH-rancher-docs-example/sendMessage']);
      expect(JSON.parse(api.requests[0]!.body)).toEqual({
        chat_id: 123456789,
        text: 'FIRING \nalertname= Watchdog',
      });
    } finally {
      await api.stop();
    }
  });
});
