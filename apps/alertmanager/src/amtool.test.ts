import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort, makeTempDir, requireProgram, startService } from '@argus/testkit';
import type { TempDir, TestProcess } from '@argus/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const amtool = requireProgram('amtool');
const CONFIG = `global:
  resolve_timeout: 5m
  slack_api_url: https://hooks.example/very-secret-token
route:
  receiver: default
  group_by: [alertname]
  routes:
    - matchers: ['team="db"']
      receiver: db
inhibit_rules:
  - source_matchers: [severity="critical"]
    target_matchers: [severity="warning"]
    equal: [alertname]
receivers:
  - name: default
  - name: db
    webhook_configs:
      - url: http://127.0.0.1:1/hook
    slack_configs:
      - channel: '#db'
`;

let dir: TempDir;
let am: TestProcess;
let url: string;

async function amt(...args: string[]): Promise<string> {
  const { stdout } = await run(amtool, [`--alertmanager.url=${url}`, ...args]);
  return stdout;
}

/** amtool's table output without its column padding. */
const rows = (out: string): string[][] =>
  out
    .trim()
    .split('\n')
    .map((l) => l.trim().split(/\s{2,}/));

beforeAll(async () => {
  dir = await makeTempDir('alertmanager-amtool');
  await writeFile(join(dir.path, 'am.yml'), CONFIG);
  const port = await freePort();
  url = `http://127.0.0.1:${port}`;
  am = await startService(
    'alertmanager',
    [
      `--config.file=${join(dir.path, 'am.yml')}`,
      `--storage.path=${join(dir.path, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--cluster.listen-address=',
    ],
    url,
  );
});

afterAll(async () => {
  await am?.stop();
  await dir?.remove();
});

describe('amtool 0.25 against our Alertmanager', () => {
  it('adds and queries alerts, with inhibition', async () => {
    await amt(
      'alert',
      'add',
      'alertname=Disk',
      'severity=warning',
      'team=db',
      '--annotation=summary=disk full',
    );
    await amt('alert', 'add', 'alertname=Other', 'severity=warning');
    const plain = rows(await amt('alert', 'query'));
    expect(plain[0]).toEqual(['Alertname', 'Starts At', 'Summary', 'State']);
    expect(plain.slice(1).map((r) => [r[0], r.at(-1)])).toEqual([
      ['Disk', 'active'],
      ['Other', 'active'],
    ]);
    await amt('alert', 'add', 'alertname=Disk', 'severity=critical');
    expect(rows(await amt('alert', 'query', 'alertname=Disk', 'severity=warning')).length).toBe(1);
    const inhibited = rows(await amt('alert', 'query', '-i', 'alertname=Disk', 'severity=warning'));
    expect(inhibited.slice(1).map((r) => r.at(-1))).toEqual(['suppressed']);
    const extended = await amt('alert', 'query', '-i', '-o', 'extended', 'team=db');
    expect(extended).toContain('alertname="Disk" severity="warning" team="db"');
    expect(extended).toContain('summary="disk full"');
    const json = JSON.parse(await amt('alert', 'query', '-o', 'json', 'alertname=Other')) as {
      receivers: { name: string }[];
    }[];
    expect(json.map((a) => a.receivers)).toEqual([[{ name: 'default' }]]);
  });

  it('adds, queries and expires silences', async () => {
    const id = (
      await amt('silence', 'add', 'alertname=Other', '-c', 'maintenance', '-a', 'ops', '-d', '1h')
    ).trim();
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    const listed = rows(await amt('silence', 'query'));
    expect(listed[0]).toEqual(['ID', 'Matchers', 'Ends At', 'Created By', 'Comment']);
    expect(listed.slice(1).map((r) => [r[0], r[1], r[3], r[4]])).toEqual([
      [id, 'alertname="Other"', 'ops', 'maintenance'],
    ]);
    expect((await amt('silence', 'query', '-q')).trim()).toBe(id);
    expect(rows(await amt('alert', 'query', 'alertname=Other')).length).toBe(1);
    const silenced = rows(await amt('alert', 'query', '-s', 'alertname=Other'));
    expect(silenced.slice(1).map((r) => r.at(-1))).toEqual(['suppressed']);
    await amt('silence', 'expire', id);
    expect((await amt('silence', 'query', '-q')).trim()).toBe('');
    expect((await amt('silence', 'query', '-q', '--expired')).trim()).toBe(id);
    expect(
      rows(await amt('alert', 'query', 'alertname=Other'))
        .slice(1)
        .map((r) => r.at(-1)),
    ).toEqual(['active']);
  });

  it.each([
    {
      name: 'a silence with an invalid regex',
      path: '/api/v2/silences',
      body: '{"matchers":[{"name":"a","value":"((","isRegex":true}],"startsAt":"2030-01-01T00:00:00Z","endsAt":"2030-01-02T00:00:00Z","createdBy":"x","comment":"y"}',
      want: /invalid regular expression/,
    },
    {
      name: 'a silence ending before it starts',
      path: '/api/v2/silences',
      body: '{"matchers":[{"name":"a","value":"b","isRegex":false}],"startsAt":"2030-01-02T00:00:00Z","endsAt":"2030-01-01T00:00:00Z","createdBy":"x","comment":"y"}',
      want: /start time must be before end time/,
    },
    {
      name: 'an alert with an invalid label name',
      path: '/api/v2/alerts',
      body: '[{"labels":{"a-b":"c"}}]',
      want: /invalid label set: invalid name \\"a-b\\"/,
    },
    {
      name: 'an alert without labels',
      path: '/api/v2/alerts',
      body: '[{"labels":{}}]',
      want: /at least one label pair required/,
    },
    { name: 'malformed JSON', path: '/api/v2/alerts', body: '[{"labels":', want: /JSON/ },
  ])('answers 400 to $name', async ({ path, body, want }) => {
    const res = await fetch(url + path, {
      method: 'POST',
      body,
      headers: { 'content-type': 'application/json' },
    });
    expect(res.status).toBe(400);
    expect(await res.text()).toMatch(want);
  });

  it('shows the config with secrets hidden and routes as a tree', async () => {
    const shown = await amt('config', 'show');
    expect(shown).toContain('slack_api_url: <secret>');
    expect(shown).not.toContain('very-secret-token');
    expect(shown).toContain('receiver: default');
    const routes = await amt('config', 'routes');
    expect(routes.trim().split('\n')).toEqual([
      'Routing tree:',
      '.',
      '└── default-route  receiver: default',
      '    └── {team="db"}  receiver: db',
    ]);
    const test = await amt('config', 'routes', 'test', 'team=db');
    expect(test.trim()).toBe('db');
  });

  it('shows the cluster as disabled', async () => {
    expect(await amt('cluster', 'show')).toMatch(/Cluster Status:\s+disabled/);
  });
});
