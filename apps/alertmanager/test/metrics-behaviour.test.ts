import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { writeFile } from 'node:fs/promises';
import { createLogger } from '@argus/service-kit';
import { makeTempDir, waitFor } from '@argus/testkit';
import type { TempDir } from '@argus/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAlertmanagerService } from '../src/alertmanager-service.ts';
import type { AlertmanagerService } from '../src/alertmanager-service.ts';
import { configHashValue } from '../src/metrics/state-metrics.ts';

// A webhook that answers 400 (not retried) and a config reload refused: the counters and
// gauges kube-prometheus-stack's Alertmanager alerts read must move as upstream's do.

let hits = 0;
const sink = createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    hits++;
    res.statusCode = 400;
    res.end('no');
  });
});

const config = (hook: string, receiver = 'default') => `route:
  receiver: ${receiver}
  group_wait: 0s
  group_interval: 1h
receivers:
  - name: ${receiver}
    webhook_configs: [{url: '${hook}'}]
`;

let dir: TempDir;
let am: AlertmanagerService;
let base: string;
let hook: string;

async function metric(series: string): Promise<number | undefined> {
  const text = await (await fetch(`${base}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

beforeAll(async () => {
  await new Promise<void>((r) => sink.listen(0, '127.0.0.1', r));
  hook = `http://127.0.0.1:${(sink.address() as AddressInfo).port}/hook`;
  dir = await makeTempDir('am-metrics-behaviour');
  await writeFile(dir.join('am.yml'), config(hook));
  am = await createAlertmanagerService({
    configFile: dir.join('am.yml'),
    listenAddress: '127.0.0.1:0',
    logger: createLogger({ level: 'error' }),
  });
  await am.start();
  base = `http://127.0.0.1:${am.address.port}`;
});

afterAll(async () => {
  await am?.stop();
  await new Promise((r) => sink.close(r));
  await dir?.remove();
});

describe('alertmanager self-metrics', () => {
  it('pre-registers every integration at zero', async () => {
    for (const integration of ['email', 'slack', 'pagerduty', 'opsgenie', 'webhook', 'telegram'])
      expect(await metric(`alertmanager_notifications_total{integration="${integration}"}`)).toBe(0);
    expect(await metric('alertmanager_notifications_failed_total{integration="email",reason="other"}')).toBe(
      0,
    );
  });

  it('counts a failing webhook in notifications_failed_total{integration="webhook"}', async () => {
    const res = await fetch(`${base}/api/v2/alerts`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify([{ labels: { alertname: 'Failing' } }]),
    });
    expect(res.status).toBe(200);
    await waitFor(
      async () =>
        (await metric(
          'alertmanager_notifications_failed_total{integration="webhook",reason="clientError"}',
        )) === 1,
      { timeoutMs: 10_000 },
    );
    expect(hits).toBe(1);
    expect(await metric('alertmanager_notifications_total{integration="webhook"}')).toBe(1);
    expect(await metric('alertmanager_notification_requests_total{integration="webhook"}')).toBe(1);
    expect(await metric('alertmanager_notification_requests_failed_total{integration="webhook"}')).toBe(1);
    expect(await metric('alertmanager_notification_latency_seconds_count{integration="webhook"}')).toBe(1);
    expect(await metric('alertmanager_alerts_received_total{status="firing",version="v2"}')).toBe(1);
    expect(await metric('alertmanager_alerts{state="active"}')).toBe(1);
    expect(await metric('alertmanager_dispatcher_aggregation_groups')).toBe(1);
  });

  it('keeps the old config hash and reports 0 after a refused reload', async () => {
    const good = config(hook);
    const hash = await metric('alertmanager_config_hash');
    expect(hash).toBe(configHashValue(good));
    const before = await metric('alertmanager_config_last_reload_success_timestamp_seconds');

    await writeFile(dir.join('am.yml'), 'route: {receiver: nowhere}\nreceivers: []\n');
    expect((await fetch(`${base}/-/reload`, { method: 'POST' })).status).toBe(500);
    expect(await metric('alertmanager_config_last_reload_successful')).toBe(0);
    expect(await metric('alertmanager_config_hash')).toBe(hash);
    expect(await metric('alertmanager_config_last_reload_success_timestamp_seconds')).toBe(before);

    const next = config(hook, 'other');
    await writeFile(dir.join('am.yml'), next);
    expect((await fetch(`${base}/-/reload`, { method: 'POST' })).status).toBe(200);
    expect(await metric('alertmanager_config_last_reload_successful')).toBe(1);
    expect(await metric('alertmanager_config_hash')).toBe(configHashValue(next));
    expect(configHashValue(next)).not.toBe(hash);
  });

  it('counts silences by state and times their snapshot writes', async () => {
    const storage = await makeTempDir('am-metrics-storage');
    await writeFile(storage.join('am.yml'), config(hook));
    const withStorage = await createAlertmanagerService({
      configFile: storage.join('am.yml'),
      listenAddress: '127.0.0.1:0',
      storagePath: storage.path,
      logger: createLogger({ level: 'error' }),
    });
    await withStorage.start();
    try {
      const url = `http://127.0.0.1:${withStorage.address.port}`;
      const read = async (series: string) => {
        const text = await (await fetch(`${url}/metrics`)).text();
        const line = text.split('\n').find((l) => l.startsWith(`${series} `));
        return line === undefined ? undefined : Number(line.slice(series.length + 1));
      };
      expect(await read('alertmanager_silences_snapshot_duration_seconds_count')).toBe(0);
      const res = await fetch(`${url}/api/v2/silences`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          matchers: [{ name: 'a', value: 'b', isRegex: false }],
          startsAt: new Date().toISOString(),
          endsAt: new Date(Date.now() + 3_600_000).toISOString(),
          createdBy: 'me',
          comment: 'c',
        }),
      });
      expect(res.status).toBe(200);
      expect(await read('alertmanager_silences{state="active"}')).toBe(1);
      expect(await read('alertmanager_silences{state="pending"}')).toBe(0);
      expect(await read('alertmanager_silences_snapshot_duration_seconds_count')).toBe(1);
      expect(await read('alertmanager_silences_snapshot_size_bytes')).toBeGreaterThan(0);
    } finally {
      await withStorage.stop();
      await storage.remove();
    }
  });
});
