// Debian's Alertmanager 0.25 and ours get the same receivers (Slack, PagerDuty, OpsGenie,
// Telegram, Discord, e-mail) pointed at the same local sinks and the same alert group,
// firing then resolved; the requests each sends must agree (method, path, content type,
// user agent, authorization, body), and so must the e-mails (headers and decoded parts).
import { existsSync, readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createLogger } from '@argus/service-kit';
import { makeTempDir, makeTestCerts, startAlertmanager, waitFor } from '@argus/testkit';
import type { RunningProgram, TempDir } from '@argus/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAlertmanagerService } from '../src/alertmanager-service.ts';
import type { AlertmanagerService } from '../src/alertmanager-service.ts';
import { decodeHeader, readMime } from './receivers-mime.ts';
import { startSink, startSmtp } from './receivers-sink.ts';
import type { Recorded, Sink, SmtpSink } from './receivers-sink.ts';

const EMAIL_TMPL = '/usr/share/prometheus/alertmanager/email.tmpl';
const EXTERNAL = 'http://am.example:9093';

const config = (sink: string, side: string, smtpPort: number, tlsPort: number, ca: string) => `global:
  smtp_smarthost: '127.0.0.1:${smtpPort}'
  smtp_from: 'Alertmanager <am@example.org>'
  smtp_require_tls: false
templates: ['${EMAIL_TMPL}']
route:
  receiver: all
  group_by: [alertname]
  group_wait: 1s
  group_interval: 2s
  repeat_interval: 1h
receivers:
  - name: all
    slack_configs:
      - api_url: '${sink}/${side}/slack'
        channel: '#alerts'
        send_resolved: true
        fields:
          - {title: severity, value: '{{ .CommonLabels.severity }}'}
          - {title: count, value: '{{ len .Alerts }}', short: true}
        actions:
          - {type: button, text: 'Runbook <{{ .GroupLabels.alertname }}>', url: 'http://runbook/{{ .GroupLabels.alertname }}'}
    pagerduty_configs:
      - routing_key: rk-secret-value
        url: '${sink}/${side}/pagerduty'
        severity: '{{ .CommonLabels.severity }}'
        class: disk
        http_config: {authorization: {credentials: pd-bearer-secret}}
        images: [{src: 'http://img/x.png', alt: graph, href: 'http://graph'}]
        links: [{href: 'http://runbook', text: runbook}, {href: '', text: dropped}]
        details: {team: '{{ .CommonLabels.team }}'}
    opsgenie_configs:
      - api_key: og-secret-value
        api_url: '${sink}/${side}/opsgenie/'
        tags: 'disk, {{ .CommonLabels.team }},'
        priority: P2
        note: 'n'
        details: {extra: '{{ .Status }}'}
        responders: [{name: ops, type: team}, {name: 'a,b', type: teams}]
        update_alerts: true
        entity: '{{ .GroupLabels.alertname }}'
        actions: 'restart, page'
    telegram_configs:
      - api_url: '${sink}/${side}/telegram'
        bot_token: tg-secret-value
        chat_id: -1001234
        disable_notifications: true
    discord_configs:
      - webhook_url: '${sink}/${side}/discord'
        http_config: {basic_auth: {username: bob, password: pw-secret}}
    webhook_configs:
      - url: '${sink}/${side}/webhook'
        max_alerts: 1
    email_configs:
      - to: 'oncall@example.org, second@example.org'
        send_resolved: true
        headers: {X-Team: '{{ .CommonLabels.team }}'}
        text: 'plain {{ .Status }} {{ range .Alerts }}{{ .Labels.instance }} {{ end }}'
      - to: 'secure@example.org'
        send_resolved: true
        smarthost: '127.0.0.1:${tlsPort}'
        require_tls: true
        auth_username: alice
        auth_password: smtp-secret
        tls_config: {ca_file: '${ca}'}
        text: 'tls {{ .Status }}'
`;

const ANSWERS: Sink['answers'] = [
  ['/u/slack', { status: 200, body: 'ok' }],
  ['/o/slack', { status: 200, body: 'ok' }],
  ['/u/telegram', { status: 200, contentType: 'application/json', body: tgOk() }],
  ['/o/telegram', { status: 200, contentType: 'application/json', body: tgOk() }],
  ['/u/pagerduty', { status: 202, contentType: 'application/json', body: '{"status":"success"}' }],
  ['/o/pagerduty', { status: 202, contentType: 'application/json', body: '{"status":"success"}' }],
  ['/u/discord', { status: 204 }],
  ['/o/discord', { status: 204 }],
  ['/', { status: 202, contentType: 'application/json', body: '{"result":"Request will be processed"}' }],
];

function tgOk(): string {
  return JSON.stringify({
    ok: true,
    result: { message_id: 1, date: 0, chat: { id: -1001234, type: 'group' } },
  });
}

let sink: Sink;
let smtp: SmtpSink;
let smtpTls: SmtpSink;
let upstream: RunningProgram;
let ours: AlertmanagerService;
let dir: TempDir;

const labels = [
  { alertname: 'DiskFull', severity: 'critical', team: 'storage', instance: 'db-1:9100' },
  { alertname: 'DiskFull', severity: 'critical', team: 'storage', instance: 'db-2:9100' },
];
const annotations = { summary: 'Disk <full> & "soon"', description: 'Only 3% left' };

async function post(url: string, body: unknown): Promise<void> {
  const res = await fetch(`${url}/api/v2/alerts`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  expect(res.status).toBe(200);
}

const INTEGRATIONS = ['slack', 'pagerduty', 'opsgenie', 'telegram', 'discord', 'webhook'];
const side = (s: 'u' | 'o') => (r: Recorded) => r.path.startsWith(`/${s}/`);

beforeAll(async () => {
  expect(existsSync(EMAIL_TMPL), `${EMAIL_TMPL} (Debian prometheus-alertmanager)`).toBe(true);
  sink = await startSink();
  sink.answers.push(...ANSWERS);
  smtp = await startSmtp({ authOptional: true, disabledCommands: ['STARTTLS'] });
  dir = await makeTempDir('am-receivers-diff');
  const certs = makeTestCerts(dir.path);
  const ca = join(dir.path, certs.caCert);
  smtpTls = await startSmtp(
    {
      key: readFileSync(join(dir.path, certs.serverKey)),
      cert: readFileSync(join(dir.path, certs.serverCert)),
      authMethods: ['PLAIN', 'LOGIN'],
    },
    { alice: 'smtp-secret' },
  );
  upstream = await startAlertmanager(config(sink.url, 'u', smtp.port, smtpTls.port, ca), {
    args: [`--web.external-url=${EXTERNAL}`],
  });
  await writeFile(join(dir.path, 'am.yml'), config(sink.url, 'o', smtp.port, smtpTls.port, ca));
  ours = await createAlertmanagerService({
    configFile: join(dir.path, 'am.yml'),
    listenAddress: '127.0.0.1:0',
    externalURL: EXTERNAL,
    logger: createLogger({ level: 'error', format: 'logfmt', sink: { write: () => undefined } }),
  });
  await ours.start();
  const startsAt = new Date(Date.now() - 500).toISOString();
  const endsAt = new Date(Date.now() + 3_600_000).toISOString();
  const firing = labels.map((l) => ({
    labels: l,
    annotations,
    startsAt,
    endsAt,
    generatorURL: 'http://prom/graph?g0.expr=up',
  }));
  await Promise.all([post(upstream.url, firing), post(ours.address.url, firing)]);
  // Both sides sent the firing notification to every integration and the e-mail.
  await waitFor(
    () =>
      sink.received.filter(side('u')).length >= INTEGRATIONS.length + 2 &&
      sink.received.filter(side('o')).length >= INTEGRATIONS.length + 2 &&
      smtp.mails.length >= 2 &&
      smtpTls.mails.length >= 2,
    { timeoutMs: 20_000 },
  );
  const resolved = firing.map((a) => ({ ...a, endsAt: new Date().toISOString() }));
  await Promise.all([post(upstream.url, resolved), post(ours.address.url, resolved)]);
  // Resolved: Slack (send_resolved), PagerDuty, OpsGenie, Telegram, Discord, e-mail.
  await waitFor(
    () =>
      sink.received.filter(side('u')).length >= 2 * INTEGRATIONS.length + 2 &&
      sink.received.filter(side('o')).length >= 2 * INTEGRATIONS.length + 2 &&
      smtp.mails.length >= 4 &&
      smtpTls.mails.length >= 4,
    { timeoutMs: 20_000 },
  );
}, 90_000);

afterAll(async () => {
  await Promise.all([upstream?.stop(), ours?.stop()]);
  await sink?.close();
  await smtp?.close();
  await smtpTls?.close();
  await dir?.remove();
});

function requestsOf(s: 'u' | 'o', integration: string): object[] {
  return sink.received
    .filter((r) => r.path.startsWith(`/${s}/${integration}`))
    .map((r) => ({
      method: r.method,
      path: r.path.slice(2),
      headers: {
        'content-type': r.headers['content-type'],
        'user-agent': r.headers['user-agent'],
        authorization: r.headers['authorization'],
      },
      body: JSON.parse(r.body) as unknown,
      // Byte for byte too: Go's encoder escapes <, > and & and ends with a newline.
      raw: r.body,
    }));
}

describe('receivers against Debian Alertmanager 0.25', () => {
  it.each(INTEGRATIONS.filter((i) => i !== 'webhook'))(
    '%s: the same requests, firing then resolved',
    (integration) => {
      const u = requestsOf('u', integration);
      const o = requestsOf('o', integration);
      // OpsGenie with update_alerts: create + two PUTs while firing, then close.
      expect(u.length).toBe(integration === 'opsgenie' ? 4 : 2);
      expect(o).toEqual(u);
      if (process.env['SHOW_BODIES']) console.log(JSON.stringify(u, null, 1));
    },
  );

  it('webhook with max_alerts: the same bodies minus the fields 0.25 lacks', () => {
    const strip = (reqs: object[]) =>
      reqs.map((r) => {
        const { raw: _raw, body, ...rest } = r as { raw: string; body: Record<string, unknown> };
        const { notification_reason: _n, routeLabels: _r, ...kept } = body;
        return { ...rest, body: kept };
      });
    const u = strip(requestsOf('u', 'webhook'));
    expect(u.length).toBe(2);
    expect(u[0]).toMatchObject({ body: { truncatedAlerts: 1, commonLabels: { instance: 'db-1:9100' } } });
    expect(strip(requestsOf('o', 'webhook'))).toEqual(u);
  });

  it('e-mail: the same envelope, headers and decoded text and HTML parts', () => {
    const all = smtp.mails;
    expect(all.length).toBe(4);
    // Upstream and ours each sent a firing and a resolved mail; pair them by subject.
    const view = all.map((m) => {
      const { headers, parts } = readMime(m.raw);
      return {
        from: m.from,
        to: m.to,
        subject: decodeHeader(headers['subject'] ?? ''),
        headerFrom: headers['from'],
        headerTo: headers['to'],
        team: headers['x-team'],
        text: parts['text/plain'],
        html: parts['text/html'],
        ua: headers['user-agent'],
      };
    });
    const firing = view.filter((v) => v.subject.startsWith('[FIRING'));
    const resolved = view.filter((v) => v.subject.startsWith('[RESOLVED'));
    expect(firing.length).toBe(2);
    expect(resolved.length).toBe(2);
    for (const pair of [firing, resolved]) {
      expect(pair[0]!.html).toBeTruthy();
      expect(pair[1]).toEqual(pair[0]);
    }
    expect(firing[0]!.to).toEqual(['oncall@example.org', 'second@example.org']);
    expect(firing[0]!.text).toBe('plain firing db-1:9100 db-2:9100 ');
  });

  it('e-mail over STARTTLS with AUTH: both negotiate TLS and log in the same way', () => {
    const view = smtpTls.mails.map((m) => {
      const { headers, parts } = readMime(m.raw);
      return {
        secure: m.secure,
        user: m.user,
        from: m.from,
        to: m.to,
        subject: decodeHeader(headers['subject'] ?? ''),
        text: parts['text/plain'],
      };
    });
    expect(view.length).toBe(4);
    for (const v of view)
      expect(v).toMatchObject({ secure: true, user: 'alice', to: ['secure@example.org'] });
    const bySubject = (prefix: string) => view.filter((v) => v.subject.startsWith(prefix));
    for (const pair of [bySubject('[FIRING'), bySubject('[RESOLVED')]) {
      expect(pair.length).toBe(2);
      expect(pair[1]).toEqual(pair[0]);
    }
  });
});
