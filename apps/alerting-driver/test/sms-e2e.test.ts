// End to end: Debian's Alertmanager 0.25 sends its webhook to the built driver in sms mode,
// which sends to a local fake of the Telegram Bot API. A provider outage is retried by
// Alertmanager because the driver answers 5xx.
import { writeFileSync } from 'node:fs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { freePort, makeTempDir, startAlertmanager, startService, waitFor } from '@argus/testkit';
import type { RunningProgram, TempDir, TestProcess } from '@argus/testkit';
import { FakeApi } from './sms-fake-api.ts';

let api: FakeApi;
let dir: TempDir;
let driver: TestProcess;
let alertmanager: RunningProgram;
let driverUrl: string;
let configFile: string;

beforeAll(async () => {
  api = await FakeApi.start();
  dir = await makeTempDir('sms-e2e');
  const config = dir.join('config.yaml');
  configFile = config;
  writeFileSync(
    config,
    [
      'providers:',
      '  telegram:',
      "    token: '777:e2e-secret'",
      `    base_url: ${api.url}`,
      'receivers:',
      '  - name: team-sms',
      '    provider: telegram',
      "    to: ['4242']",
      // Alertmanager sends regexp.QuoteMeta(name): a name with a dot arrives escaped.
      "  - name: 'sms\\.eu'",
      '    provider: telegram',
      "    to: ['5151']",
      '',
    ].join('\n'),
  );
  const port = await freePort();
  driverUrl = `http://127.0.0.1:${port}`;
  // Go flag syntax, as in sachet's Deployment.
  driver = await startService(
    'alerting-driver',
    ['sms', '-listen-address', `127.0.0.1:${port}`, '-config', config],
    driverUrl,
  );
  alertmanager = await startAlertmanager(`
route:
  receiver: team-sms
  group_by: [alertname]
  group_wait: 0s
  group_interval: 1s
  routes:
    - receiver: sms.eu
      matchers: [region="eu"]
receivers:
  - name: sms.eu
    webhook_configs:
      - url: ${driverUrl}/alert
  - name: team-sms
    webhook_configs:
      - url: ${driverUrl}/alert
        send_resolved: false
`);
});

afterAll(async () => {
  await Promise.all([alertmanager?.stop(), driver?.stop()]);
  await api?.stop();
  await dir?.remove();
});

it('Alertmanager 0.25 → driver → Telegram sendMessage, retried after a provider failure', async () => {
  let calls = 0;
  api.respond = () =>
    ++calls === 1
      ? { status: 500, body: '{"ok":false,"description":"Internal Server Error"}' }
      : { body: '{"ok":true,"result":{}}' };
  const posted = await fetch(`${alertmanager.url}/api/v2/alerts`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify([
      { labels: { alertname: 'SmsEndToEnd', severity: 'page' }, annotations: { summary: 's' } },
    ]),
  });
  expect(posted.status).toBe(200);

  await waitFor(() => api.requests.length >= 2, { timeoutMs: 30_000, description: 'a retried sendMessage' });
  const [first, second] = api.requests;
  expect(first!.url).toBe('/bot777:e2e-secret/sendMessage');
  expect(JSON.parse(second!.body)).toEqual({
    chat_id: 4242,
    text: 'FIRING \nalertname= SmsEndToEnd\nseverity= page',
  });

  const metrics = await (await fetch(`${driverUrl}/metrics`)).text();
  expect(metrics).toContain('sachet_requests_total{code="502",provider="telegram"} 1');
  expect(metrics).toContain('sachet_requests_total{code="200",provider="telegram"} 1');
  expect(driver.output()).not.toContain('e2e-secret');
});

it('PORT overrides -listen-address, as in sachet', async () => {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const other = await startService(
    'alerting-driver',
    ['sms', '-listen-address=127.0.0.1:1', `-config=${configFile}`],
    url,
    {
      env: { PORT: String(port) },
    },
  );
  try {
    const reply = await fetch(`${url}/alert`, { method: 'POST', body: '{"receiver":"nobody","alerts":[]}' });
    expect(reply.status).toBe(400);
    expect(await reply.text()).toBe('{"Error":true,"Status":400,"Message":"Receiver missing: nobody"}');
  } finally {
    await other.stop();
  }
});

it('a receiver name with regexp characters arrives escaped and matches its escaped sachet name', async () => {
  api.reset();
  api.respond = () => ({ body: '{"ok":true,"result":{}}' });
  const posted = await fetch(`${alertmanager.url}/api/v2/alerts`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify([{ labels: { alertname: 'EuOnly', region: 'eu' } }]),
  });
  expect(posted.status).toBe(200);
  await waitFor(() => api.requests.length >= 1, {
    timeoutMs: 30_000,
    description: 'a sendMessage for sms.eu',
  });
  expect(JSON.parse(api.requests[0]!.body)).toEqual({
    chat_id: 5151,
    text: 'FIRING \nalertname= EuOnly\nregion= eu',
  });
});
