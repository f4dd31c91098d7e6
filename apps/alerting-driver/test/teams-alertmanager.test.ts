// End to end: Debian's Alertmanager 0.25 with two webhook receivers pointing at our built driver
// in teams mode (one plain, one with group_alerts_by), alerts posted to Alertmanager, and a local
// sink standing in for Teams that must receive prom2teams 3.2.2's cards.
import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { appMain, freePort, makeTempDir, startAlertmanager, startService, waitFor } from '@argus/testkit';
import type { RunningProgram, TempDir, TestProcess } from '@argus/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectedMessageCard } from './teams-expected-card.ts';
import { startTeamsSink } from './teams-sink.ts';
import type { ReceivedCard, TeamsSink } from './teams-sink.ts';

interface Card {
  title: string;
  themeColor: string;
  sections: Array<{ facts: Array<{ name: string; value: string }> }>;
}

let dir: TempDir;
let sink: TeamsSink;
let plain: { process: TestProcess; url: string };
let grouped: { process: TestProcess; url: string };
let alertmanager: RunningProgram;

async function startDriver(name: string, ini: string, args: string[], env: Record<string, string> = {}) {
  const port = await freePort();
  const file = dir.join(`${name}.ini`);
  await writeFile(file, `${ini}\n[HTTP Server]\nHost: 127.0.0.1\nPort: ${port}\n`);
  const url = `http://127.0.0.1:${port}`;
  const process = await startService('alerting-driver', ['teams', ...args], url, {
    readyPath: '/alive',
    env: { APP_CONFIG_FILE: file, ...env },
    name: `teams-${name}`,
  });
  return { process, url };
}

beforeAll(async () => {
  dir = await makeTempDir('teams-e2e');
  sink = await startTeamsSink();
  plain = await startDriver('plain', `[Microsoft Teams]\nConnector: ${sink.url}/plain/key-1`, [
    '--logfilepath',
    dir.join('plain.log'),
  ]);
  grouped = await startDriver(
    'grouped',
    '[Microsoft Teams]\nConnector: http://replaced.invalid/',
    ['-g', 'name'],
    {
      PROM2TEAMS_CONNECTOR: `${sink.url}/grouped/key-2`,
    },
  );
  alertmanager = await startAlertmanager(`route:
  receiver: teams
  group_by: [alertname]
  group_wait: 1s
  group_interval: 1s
  repeat_interval: 1h
  routes:
    - matchers: ['mode="grouped"']
      receiver: teams-grouped
receivers:
  - name: teams
    webhook_configs:
      - url: '${plain.url}/v2/connector'
        send_resolved: true
  - name: teams-grouped
    webhook_configs:
      - url: '${grouped.url}/v2/Connector'
        send_resolved: true
`);
});

afterAll(async () => {
  await alertmanager?.stop();
  await plain?.process.stop();
  await grouped?.process.stop();
  await sink?.close();
  await dir?.remove();
});

async function postAlerts(alerts: unknown[]): Promise<void> {
  const res = await fetch(`${alertmanager.url}/api/v2/alerts`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(alerts),
  });
  expect(res.status).toBe(200);
}

const cardsAt = (prefix: string, where: (card: ReceivedCard) => boolean = () => true): Card[] =>
  sink.received.filter((r) => r.path.startsWith(prefix) && where(r)).map((r) => JSON.parse(r.body) as Card);

const cpu = (instance: string, severity: string) => ({
  labels: { alertname: 'HighCPU', instance, severity, job: 'node' },
  annotations: {
    summary: `CPU busy on ${instance}`,
    description: 'Above 90% for 5 minutes',
    runbook_url: 'https://runbooks.example/cpu',
  },
});

describe('teams mode behind Alertmanager', () => {
  it('sends one 3.2.2 MessageCard per alert, then the (Resolved) card', async () => {
    const alerts = [cpu('node-1', 'critical'), cpu('node-2', 'warning')];
    await postAlerts(alerts);
    await waitFor(() => cardsAt('/plain/').length >= 2, { timeoutMs: 15_000 });
    const expected = (instance: string, severity: string, status: string) =>
      expectedMessageCard({
        name: 'HighCPU',
        status,
        instance,
        severity,
        summary: `CPU busy on ${instance}`,
        description: 'Above 90% for 5 minutes',
        runbook_url: 'https://runbooks.example/cpu',
        extra_labels: { job: 'node' },
        extra_annotations: { runbook_url: 'https://runbooks.example/cpu' },
      });
    const firing = cardsAt('/plain/');
    expect(firing).toHaveLength(2);
    expect(firing).toEqual(
      expect.arrayContaining([
        expected('node-1', 'critical', 'firing'),
        expected('node-2', 'warning', 'firing'),
      ]),
    );
    expect(sink.received[0]?.path).toBe('/plain/key-1');

    await postAlerts([{ ...alerts[0], endsAt: new Date(Date.now() - 1000).toISOString() }]);
    await waitFor(() => cardsAt('/plain/', (r) => r.body.includes('(Resolved)')).length >= 1, {
      timeoutMs: 15_000,
    });
    const resolved = cardsAt('/plain/', (r) => r.body.includes('(Resolved)'));
    expect(resolved).toEqual([expected('node-1', 'critical', 'resolved')]);
    expect(resolved[0]?.themeColor).toBe(' 2DC72D ');
  });

  it('merges a group_alerts_by group into one card, and splits a group over 24 KiB', async () => {
    const disk = (instance: string) => ({
      labels: { alertname: 'DiskFull', instance, severity: 'warning', mode: 'grouped' },
      annotations: { summary: 'Disk almost full', description: `Disk on ${instance} at 95%` },
    });
    await postAlerts([disk('b'), disk('a'), disk('c')]);
    await waitFor(() => cardsAt('/grouped/').length >= 1, { timeoutMs: 15_000 });
    expect(cardsAt('/grouped/')).toEqual([
      expectedMessageCard({
        name: 'DiskFull',
        status: 'firing',
        instance: 'a,\n\n\nb,\n\n\nc',
        severity: 'warning',
        summary: 'Disk almost full',
        description: 'Disk on a at 95%,\n\n\nDisk on b at 95%,\n\n\nDisk on c at 95%',
        extra_labels: { mode: 'grouped' },
      }),
    ]);

    const huge = Array.from({ length: 40 }, (_, i) => ({
      labels: { alertname: 'Huge', instance: `host-${String(i).padStart(2, '0')}`, mode: 'grouped' },
      annotations: { summary: 'big', description: `${i} ${'lorem ipsum '.repeat(90)}` },
    }));
    await postAlerts(huge);
    const isHuge = (r: ReceivedCard) => r.body.includes('"Huge');
    await waitFor(() => cardsAt('/grouped/', isHuge).flatMap((c) => hostsOf(c)).length >= huge.length, {
      timeoutMs: 15_000,
    });
    const bodies = sink.received.filter((r) => r.path.startsWith('/grouped/') && isHuge(r));
    expect(bodies.length).toBeGreaterThan(1);
    for (const b of bodies) expect(Buffer.byteLength(b.body)).toBeLessThanOrEqual(24576);
    const hosts = cardsAt('/grouped/', isHuge).flatMap((c) => hostsOf(c));
    expect(hosts.sort()).toEqual(huge.map((a) => a.labels.instance).sort());
  });

  it.each([
    { name: 'a non-JSON body', body: 'not json', want: 400 },
    { name: 'a body without alerts', body: '{"receiver":"teams"}', want: 400 },
    { name: 'a 10 MB body', body: `{"alerts":[],"pad":"${'x'.repeat(10 * 1024 * 1024)}"}`, want: 413 },
  ])('answers $name with a clear $want and stays up', async ({ body, want }) => {
    const res = await fetch(`${plain.url}/v2/connector`, {
      method: 'POST',
      body,
      headers: { 'content-type': 'application/json' },
    });
    expect(res.status).toBe(want);
    expect((await res.text()).length).toBeGreaterThan(0);
    expect((await fetch(`${plain.url}/alive`)).status).toBe(200);
  });
});

describe('the teams command line', () => {
  it('logs to --logfilepath, naming connectors but never their URLs', async () => {
    const log = await readFile(dir.join('plain.log'), 'utf8');
    expect(log).toContain('msg="prom2teams listening"');
    expect(log).toContain('connector');
    expect(log).not.toContain('key-1');
  });

  it.each([
    {
      name: 'an unknown flag',
      args: ['--nope'],
      env: {},
      code: 2,
      want: 'alerting-driver teams: error: unrecognized argument: --nope',
    },
    { name: 'no connector', args: [], env: {}, code: 1, want: 'No Microsoft Teams connector available' },
    {
      name: 'a bad group field',
      args: ['-g', 'colour'],
      env: { PROM2TEAMS_CONNECTOR: 'http://x/' },
      code: 1,
      want: '[Group Alerts] Field: "colour" is not one of',
    },
  ])('exits $code on $name', async ({ args, env, code, want }) => {
    const run = promisify(execFile);
    const { APP_CONFIG_FILE: _, PROM2TEAMS_CONNECTOR: __, ...inherited } = process.env;
    const failed = await run(process.execPath, [appMain('alerting-driver'), 'teams', ...args], {
      env: { ...inherited, ...env },
    }).then(
      () => undefined,
      (error: { code: number; stderr: string }) => error,
    );
    expect(failed?.code).toBe(code);
    expect(failed?.stderr).toContain(want);
  });
});

function hostsOf(card: Card): string[] {
  return (card.sections[0]?.facts.find((f) => f.name === 'In host')?.value ?? '').split(',\n\n\n');
}
