import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createLogger } from '@argus/service-kit';
import { makeTempDir, startAlertmanager, waitFor } from '@argus/testkit';
import type { RunningProgram, TempDir } from '@argus/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAlertmanagerService } from './alertmanager-service.ts';
import type { AlertmanagerService } from './alertmanager-service.ts';

// Debian's Alertmanager 0.25 and ours get the same config and the same alerts; the API
// answers and the webhook notifications must agree (minus fields 0.25 does not have).

const received: Record<string, object[]> = { upstream: [], ours: [] };
const sink = createServer((req, res) => {
  let body = '';
  req.on('data', (c: Buffer) => (body += c.toString()));
  req.on('end', () => {
    received[req.url === '/upstream' ? 'upstream' : 'ours']!.push(JSON.parse(body) as object);
    res.end();
  });
});

const config = (hook: string) => `route:
  receiver: default
  group_by: [alertname]
  group_wait: 1s
  group_interval: 1h
  routes:
    - match: {team: db}
      receiver: db
      group_by: ['...']
      continue: true
    - match_re: {team: 'db|web'}
      receiver: dbweb
      routes:
        - matchers: ['severity="critical"']
          receiver: pager
inhibit_rules:
  - source_matchers: [severity="critical"]
    target_matchers: [severity="warning"]
    equal: [alertname]
receivers:
  - name: default
    webhook_configs: [{url: '${hook}'}]
  - name: db
    webhook_configs: [{url: '${hook}'}]
  - name: dbweb
    webhook_configs: [{url: '${hook}'}]
  - name: pager
    webhook_configs: [{url: '${hook}', send_resolved: false}]
`;

// Fresh alerts, so both sides wait group_wait before the first flush: with alerts older
// than group_wait, upstream flushes the first group before its inhibiting alert is in.
const start = new Date().toISOString();
const end = new Date(Date.now() + 3_600_000).toISOString();
const ALERTS = [
  {
    labels: { alertname: 'Disk', team: 'db', severity: 'warning', instance: 'a' },
    annotations: { summary: 'disk' },
  },
  { labels: { alertname: 'Disk', team: 'db', severity: 'critical', instance: 'b' } },
  { labels: { alertname: 'Http', team: 'web', severity: 'warning' } },
  { labels: { alertname: 'Http', team: 'web', severity: 'critical', job: 'api' } },
  { labels: { alertname: 'Other', severity: 'info' }, generatorURL: 'http://prom/graph' },
  { labels: { alertname: 'Other', severity: 'info', empty: '' } },
].map((a) => ({ ...a, startsAt: start, endsAt: end }));

let dir: TempDir;
let upstream: RunningProgram;
let ours: AlertmanagerService;
let oursUrl: string;

beforeAll(async () => {
  await new Promise<void>((r) => sink.listen(0, '127.0.0.1', r));
  const base = `http://127.0.0.1:${(sink.address() as AddressInfo).port}`;
  upstream = await startAlertmanager(config(`${base}/upstream`));
  dir = await makeTempDir('am-diff');
  await writeFile(join(dir.path, 'am.yml'), config(`${base}/ours`));
  ours = await createAlertmanagerService({
    configFile: join(dir.path, 'am.yml'),
    listenAddress: '127.0.0.1:0',
    logger: createLogger({ level: 'error', format: 'logfmt', sink: { write: () => undefined } }),
  });
  await ours.start();
  oursUrl = ours.address.url;
  for (const url of [upstream.url, oursUrl]) {
    const res = await fetch(`${url}/api/v2/alerts`, {
      method: 'POST',
      body: JSON.stringify(ALERTS),
      headers: { 'content-type': 'application/json' },
    });
    expect(res.status).toBe(200);
  }
}, 60_000);

afterAll(async () => {
  await Promise.all([upstream?.stop(), ours?.stop()]);
  await new Promise((r) => sink.close(r));
  await dir?.remove();
});

async function both(path: string): Promise<[unknown, unknown]> {
  const get = async (url: string) => (await fetch(url + path)).json() as Promise<unknown>;
  return [await get(upstream.url), await get(oursUrl)];
}

type Json = Record<string, unknown>;

describe('differential against Debian Alertmanager 0.25', () => {
  it('answers /api/v2/alerts the same', async () => {
    const norm = (alerts: unknown) =>
      (alerts as Json[]).map(({ updatedAt: _u, status, ...rest }) => {
        // `mutedBy` is new in 0.34, which Argus follows.
        const { mutedBy: _m, ...st } = status as Json;
        return { ...rest, status: st };
      });
    const [u, o] = await both('/api/v2/alerts');
    expect(norm(o)).toEqual(norm(u));
    const [uf, of] = await both('/api/v2/alerts?filter=team%3D~%22db%7Cweb%22&inhibited=false');
    expect(norm(of)).toEqual(norm(uf));
  });

  it('answers /api/v2/alerts/groups the same', async () => {
    const norm = (groups: unknown) =>
      (groups as Json[]).map((g) => ({
        labels: g['labels'],
        receiver: g['receiver'],
        alerts: (g['alerts'] as Json[]).map((a) => a['fingerprint']),
      }));
    const [u, o] = await both('/api/v2/alerts/groups');
    expect(norm(o)).toEqual(norm(u));
  });

  it('sends the same notifications', async () => {
    // Four groups hold an alert that is not inhibited; the others must stay quiet.
    await waitFor(() => received['upstream']!.length >= 4 && received['ours']!.length >= 4, {
      description: 'notifications from both',
      timeoutMs: 15_000,
    });
    await new Promise((r) => setTimeout(r, 500));
    const norm = (list: object[]) =>
      list
        .map((p) => {
          const { notification_reason: _n, routeLabels: _r, externalURL: _e, ...rest } = p as Json;
          return rest;
        })
        .sort((a, b) =>
          `${a['groupKey'] as string}${a['receiver'] as string}`.localeCompare(
            `${b['groupKey'] as string}${b['receiver'] as string}`,
          ),
        );
    expect(norm(received['ours']!)).toEqual(norm(received['upstream']!));
  }, 30_000);

  it('lists silences the same', async () => {
    const silence = {
      matchers: [{ name: 'alertname', value: 'Http', isRegex: false, isEqual: true }],
      startsAt: new Date(Date.now() + 3_600_000).toISOString(),
      endsAt: new Date(Date.now() + 7_200_000).toISOString(),
      createdBy: 'diff',
      comment: 'pending one',
    };
    for (const url of [upstream.url, oursUrl]) {
      const res = await fetch(`${url}/api/v2/silences`, {
        method: 'POST',
        body: JSON.stringify(silence),
        headers: { 'content-type': 'application/json' },
      });
      expect(res.status).toBe(200);
    }
    const norm = (list: unknown) => (list as Json[]).map(({ id: _i, updatedAt: _u, ...rest }) => rest);
    const [u, o] = await both('/api/v2/silences');
    expect(norm(o)).toEqual(norm(u));
  });
});
