import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createLogger } from '@argus/service-kit';
import { makeTempDir, waitFor } from '@argus/testkit';
import type { TempDir } from '@argus/testkit';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createAlertmanagerService } from '../alertmanager-service.ts';
import type { AlertmanagerService } from '../alertmanager-service.ts';

const logger = createLogger({ level: 'error', format: 'logfmt', sink: { write: () => undefined } });

interface Received {
  body: string;
  headers: Record<string, string | string[] | undefined>;
}

let received: Received[] = [];
let statuses: number[] = [];
const sink = createServer((req, res) => {
  let body = '';
  req.on('data', (c: Buffer) => (body += c.toString()));
  req.on('end', () => {
    received.push({ body, headers: req.headers });
    res.statusCode = statuses.shift() ?? 200;
    res.end();
  });
});
let hookUrl: string;
let dir: TempDir;
let svc: AlertmanagerService | undefined;

beforeAll(async () => {
  await new Promise<void>((r) => sink.listen(0, '127.0.0.1', r));
  hookUrl = `http://127.0.0.1:${(sink.address() as AddressInfo).port}/hook`;
  dir = await makeTempDir('am-webhook');
});
afterAll(async () => {
  await new Promise((r) => sink.close(r));
  await dir.remove();
});
afterEach(async () => {
  await svc?.stop();
  svc = undefined;
  received = [];
  statuses = [];
});

async function start(route: string, webhook = ''): Promise<AlertmanagerService> {
  const file = join(dir.path, 'am.yml');
  await writeFile(
    file,
    `route:\n  receiver: hook\n${route}\nreceivers:\n  - name: hook\n    webhook_configs:\n      - url: ${hookUrl}\n${webhook}\n`,
  );
  svc = await createAlertmanagerService({
    configFile: file,
    listenAddress: '127.0.0.1:0',
    logger,
    externalURL: 'http://am.example:9093',
  });
  await svc.start();
  return svc;
}

async function post(s: AlertmanagerService, alerts: object[]): Promise<void> {
  const res = await s.app.inject({ method: 'POST', url: '/api/v2/alerts', payload: alerts });
  expect(res.statusCode).toBe(200);
}

describe('dispatcher and webhook', () => {
  it('sends one version-4 notification per group, byte for byte', async () => {
    const s = await start(
      '  group_by: [alertname]\n  group_wait: 50ms\n  group_interval: 1h\n  labels: {team: a}',
    );
    await post(s, [
      {
        labels: { alertname: 'A', instance: 'i2', job: 'j' },
        annotations: { summary: 'x<y & z' },
        startsAt: '2030-01-01T00:00:00.5Z',
        endsAt: '2099-01-01T00:00:00Z',
        generatorURL: 'http://gen',
      },
      {
        labels: { alertname: 'A', instance: 'i1', job: 'j' },
        annotations: { summary: 'x<y & z' },
        startsAt: '2030-01-01T00:00:00Z',
        endsAt: '2099-01-01T00:00:00Z',
      },
    ]);
    await waitFor(() => received.length === 1, { description: 'one webhook' });
    expect(received[0]!.headers['content-type']).toBe('application/json');
    expect(received[0]!.headers['user-agent']).toBe('Alertmanager/0.25.0');
    const fp = (labels: Record<string, string>) =>
      s.core.alerts.all().find((a) => a.labels['instance'] === labels['instance'])!.fingerprint;
    expect(received[0]!.body).toBe(
      '{"receiver":"hook","status":"firing","alerts":[' +
        `{"status":"firing","labels":{"alertname":"A","instance":"i1","job":"j"},"annotations":{"summary":"x\\u003cy \\u0026 z"},"startsAt":"2030-01-01T00:00:00Z","endsAt":"0001-01-01T00:00:00Z","generatorURL":"","fingerprint":"${fp({ instance: 'i1' })}"},` +
        `{"status":"firing","labels":{"alertname":"A","instance":"i2","job":"j"},"annotations":{"summary":"x\\u003cy \\u0026 z"},"startsAt":"2030-01-01T00:00:00.5Z","endsAt":"0001-01-01T00:00:00Z","generatorURL":"http://gen","fingerprint":"${fp({ instance: 'i2' })}"}],` +
        '"notification_reason":"first notification","groupLabels":{"alertname":"A"},"commonLabels":{"alertname":"A","job":"j"},' +
        '"commonAnnotations":{"summary":"x\\u003cy \\u0026 z"},"routeLabels":{"team":"a"},"externalURL":"http://am.example:9093","version":"4",' +
        '"groupKey":"{}:{alertname=\\"A\\"}","truncatedAlerts":0}\n',
    );
  });

  it('groups by labels, skips silenced groups, and sends resolved with send_resolved', async () => {
    const s = await start(
      '  group_by: [g]\n  group_wait: 30ms\n  group_interval: 100ms',
      '        max_alerts: 1',
    );
    const silence = await s.app.inject({
      method: 'POST',
      url: '/api/v2/silences',
      payload: {
        matchers: [{ name: 'g', value: 'quiet', isRegex: false }],
        startsAt: new Date().toISOString(),
        endsAt: new Date(Date.now() + 3_600_000).toISOString(),
        createdBy: 't',
        comment: 'c',
      },
    });
    expect(silence.statusCode).toBe(200);
    await post(s, [
      { labels: { alertname: 'A', g: 'one' } },
      { labels: { alertname: 'B', g: 'one' } },
      { labels: { alertname: 'C', g: 'quiet' } },
    ]);
    await waitFor(() => received.length >= 1, { description: 'first webhook' });
    const first = JSON.parse(received[0]!.body) as {
      groupKey: string;
      alerts: unknown[];
      truncatedAlerts: number;
    };
    expect(first.groupKey).toBe('{}:{g="one"}');
    expect([first.alerts.length, first.truncatedAlerts]).toEqual([1, 1]);
    await post(s, [
      {
        labels: { alertname: 'A', g: 'one' },
        endsAt: new Date(Date.now() - 1000).toISOString(),
        startsAt: new Date(Date.now() - 5000).toISOString(),
      },
    ]);
    await waitFor(
      () =>
        received.some(
          (r) =>
            (JSON.parse(r.body) as { notification_reason: string }).notification_reason ===
            'some alerts resolved',
        ),
      {
        description: 'resolved notification',
      },
    );
    expect(received.every((r) => !r.body.includes('quiet'))).toBe(true);
  });

  it('retries a 500 and does not retry a 400', async () => {
    statuses = [500, 200];
    const s = await start('  group_wait: 10ms\n  group_interval: 1h');
    await post(s, [{ labels: { alertname: 'R' } }]);
    await waitFor(() => received.length === 2, { description: 'retried webhook', timeoutMs: 10_000 });
    await svc!.stop();
    svc = undefined;
    received = [];
    statuses = [400, 200];
    const t = await start('  group_wait: 10ms\n  group_interval: 1h');
    await post(t, [{ labels: { alertname: 'R' } }]);
    await waitFor(() => received.length === 1, { description: 'one webhook' });
    await new Promise((r) => setTimeout(r, 1500));
    expect(received.length).toBe(1);
  });
});

describe('notification log across a restart', () => {
  it('does not re-send a notification already sent before the restart', async () => {
    const file = join(dir.path, 'restart.yml');
    await writeFile(
      file,
      `route:\n  receiver: hook\n  group_wait: 10ms\n  group_interval: 100ms\nreceivers:\n  - name: hook\n    webhook_configs:\n      - url: ${hookUrl}\n`,
    );
    const options = {
      configFile: file,
      listenAddress: '127.0.0.1:0',
      logger,
      storagePath: join(dir.path, 'data'),
    };
    const alert = [
      {
        labels: { alertname: 'Once' },
        startsAt: new Date(Date.now() - 60_000).toISOString(),
        endsAt: new Date(Date.now() + 3_600_000).toISOString(),
      },
    ];
    const first = await createAlertmanagerService(options);
    await first.start();
    await post(first, alert);
    await waitFor(() => received.length === 1, { description: 'first notification' });
    await first.stop();
    svc = await createAlertmanagerService(options);
    await svc.start();
    const key = '{}:{}:hook/webhook/0';
    expect(svc.nflog.get(key, Date.now())?.firing.size).toBe(1);
    await post(svc, alert);
    // The group flushes every 100 ms; Dedup finds the restored entry each time.
    const groups = () => svc!.app.inject({ url: '/api/v2/alerts/groups' });
    expect((await groups()).json()).toHaveLength(1);
    await new Promise((r) => setTimeout(r, 400));
    expect(received).toHaveLength(1);
  });
});
