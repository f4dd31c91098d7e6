// E-mail end to end against a real SMTP server (smtp-server) started here: STARTTLS with
// require_tls, implicit TLS, AUTH PLAIN and LOGIN, tls_config, templated headers, the
// multipart text + HTML body, global smtp_* defaults, and failures that keep the password out.
import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createLogger } from '@argus/service-kit';
import { makeTempDir, makeTestCerts } from '@argus/testkit';
import type { TempDir, TestCerts } from '@argus/testkit';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../src/config/config.ts';
import { NotifyError } from '../src/dispatch/notifier.ts';
import type { Notifier } from '../src/dispatch/notifier.ts';
import type { NotifyContext } from '../src/dispatch/stage.ts';
import { makeAlert } from '../src/domain/alert.ts';
import { DEFAULT_ROUTE_OPTIONS } from '../src/domain/route.ts';
import { buildIntegrations } from '../src/receivers/build.ts';
import { decodeHeader, readMime } from './receivers-mime.ts';
import { startSmtp } from './receivers-sink.ts';
import type { SmtpSink } from './receivers-sink.ts';

const PASSWORD = 'sm7p-P4ssw0rd';
const NOW = Date.now();
const ALERTS = [
  makeAlert({
    labels: { alertname: 'DiskFull', instance: 'db-1', severity: 'critical' },
    annotations: { summary: 'disk <full> & soon' },
    startsAtMs: NOW - 60_000,
    endsAtMs: NOW + 3_600_000,
    generatorURL: 'http://prom/graph?g0.expr=up&g0.tab=1',
    updatedAtMs: NOW,
    timeout: false,
  }),
];

let dir: TempDir;
let certs: TestCerts;
let tls: { key: string; cert: string };
const servers: SmtpSink[] = [];
const logs: string[] = [];
const logger = createLogger({
  level: 'debug',
  format: 'logfmt',
  sink: { write: (l: string) => logs.push(l) },
});

beforeAll(async () => {
  dir = await makeTempDir('am-email');
  certs = makeTestCerts(dir.path);
  tls = {
    key: readFileSync(join(dir.path, certs.serverKey), 'utf8'),
    cert: readFileSync(join(dir.path, certs.serverCert), 'utf8'),
  };
});
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});
afterAll(async () => {
  await dir?.remove();
  expect(logs.join('\n')).not.toContain(PASSWORD);
});

async function smtp(options: Parameters<typeof startSmtp>[0]): Promise<SmtpSink> {
  const s = await startSmtp(options, { alice: PASSWORD });
  servers.push(s);
  return s;
}

function emailNotifier(entry: string, global = ''): Notifier {
  const config = parseConfig(
    `${global ? `global:\n${global}\n` : ''}route: {receiver: team}\nreceivers:\n  - name: team\n    email_configs:\n      - ${entry}\n`,
  );
  const env = {
    templates: config.templates,
    externalURL: 'http://am.test:9093',
    userAgent: 'Alertmanager/0.25.0',
    logger,
    global: (config.raw.global ?? {}) as Record<string, unknown>,
  };
  return buildIntegrations(config.receivers.get('team')!, env)[0]!;
}

function ctx(): NotifyContext {
  return {
    groupKey: '{}:{alertname="DiskFull"}',
    receiver: 'team',
    groupLabels: { alertname: 'DiskFull' },
    route: DEFAULT_ROUTE_OPTIONS,
    nowMs: NOW,
    deadlineMs: Date.now() + 5_000,
  };
}

const caFile = () => join(dir.path, certs.caCert);

describe('email receiver against a real SMTP server', () => {
  it('STARTTLS (require_tls default) and AUTH PLAIN; templated headers; text and HTML parts', async () => {
    const s = await smtp({ ...tls, authMethods: ['PLAIN'] });
    await emailNotifier(
      `{to: 'oncall@example.org', from: 'Alertmanager <am@example.org>', smarthost: '127.0.0.1:${s.port}', ` +
        `auth_username: alice, auth_password: '${PASSWORD}', tls_config: {ca_file: '${caFile()}'}, ` +
        `headers: {x-severity: '{{ .CommonLabels.severity }}'}, text: 'text {{ .Status }}'}`,
    ).notify(ctx(), ALERTS);
    expect(s.mails.length).toBe(1);
    const mail = s.mails[0]!;
    expect(mail.secure).toBe(true);
    expect(mail.user).toBe('alice');
    expect(mail.from).toBe('am@example.org');
    expect(mail.to).toEqual(['oncall@example.org']);
    const { headers, parts } = readMime(mail.raw);
    expect(decodeHeader(headers['subject']!)).toBe('[FIRING:1] DiskFull (db-1 critical)');
    expect(headers['to']).toBe('oncall@example.org');
    expect(headers['from']).toBe('Alertmanager <am@example.org>');
    expect(headers['x-severity']).toBe('critical');
    expect(headers['content-type']).toMatch(/^multipart\/alternative/);
    expect(parts['text/plain']).toBe('text firing');
    // Argus's default HTML, html/template-escaped.
    const html = parts['text/html']!;
    expect(html).toContain('summary = disk &lt;full&gt; &amp; soon');
    expect(html).toContain('href="http://am.test:9093/#/alerts?receiver=team"');
    expect(html).toContain('href="http://prom/graph?g0.expr=up&amp;g0.tab=1"');
    expect(html).toContain('instance = db-1');
  });

  it('AUTH LOGIN with the password read from auth_password_file at send time', async () => {
    const s = await smtp({ ...tls, authMethods: ['LOGIN'] });
    const file = join(dir.path, 'smtp.pw');
    await writeFile(file, 'wrong\n');
    const n = emailNotifier(
      `{to: 'a@example.org', from: 'am@example.org', smarthost: '127.0.0.1:${s.port}', ` +
        `auth_username: alice, auth_password_file: '${file}', tls_config: {ca_file: '${caFile()}'}}`,
    );
    const error = await n.notify(ctx(), ALERTS).then(
      () => undefined,
      (e: unknown) => e as NotifyError,
    );
    expect(error).toBeInstanceOf(NotifyError);
    expect(error!.retry).toBe(true);
    expect(error!.message).toContain('auth');
    await writeFile(file, `${PASSWORD}\n`);
    await n.notify(ctx(), ALERTS);
    expect(s.mails.map((m) => m.user)).toEqual(['alice']);
  });

  it('require_tls refuses a server without STARTTLS; require_tls: false sends in clear', async () => {
    const s = await smtp({ disabledCommands: ['STARTTLS'], authOptional: true });
    const entry = (requireTls: boolean) =>
      `{to: 'a@example.org', from: 'am@example.org', smarthost: '127.0.0.1:${s.port}', require_tls: ${requireTls}}`;
    const error = await emailNotifier(entry(true))
      .notify(ctx(), ALERTS)
      .then(
        () => undefined,
        (e: unknown) => e as NotifyError,
      );
    expect(error).toBeInstanceOf(NotifyError);
    expect(error!.retry).toBe(true);
    expect(s.mails.length).toBe(0);
    await emailNotifier(entry(false)).notify(ctx(), ALERTS);
    expect(s.mails.length).toBe(1);
    expect(s.mails[0]!.secure).toBe(false);
  });

  it('verifies the server certificate: an unknown CA fails, insecure_skip_verify passes', async () => {
    const s = await smtp({ ...tls, authOptional: true });
    const entry = (tlsConfig: string) =>
      `{to: 'a@example.org', from: 'am@example.org', smarthost: '127.0.0.1:${s.port}', tls_config: ${tlsConfig}}`;
    const error = await emailNotifier(entry('{}'))
      .notify(ctx(), ALERTS)
      .then(
        () => undefined,
        (e: unknown) => e as NotifyError,
      );
    expect(error).toBeInstanceOf(NotifyError);
    expect(s.mails.length).toBe(0);
    await emailNotifier(entry('{insecure_skip_verify: true}')).notify(ctx(), ALERTS);
    expect(s.mails.length).toBe(1);
  });

  it('implicit TLS (force_implicit_tls) with global smtp_* defaults', async () => {
    const s = await smtp({ ...tls, secure: true, authMethods: ['PLAIN'] });
    await emailNotifier(
      `{to: 'a@example.org', force_implicit_tls: true, tls_config: {ca_file: '${caFile()}'}}`,
      `  smtp_smarthost: '127.0.0.1:${s.port}'\n  smtp_from: 'global@example.org'\n` +
        `  smtp_auth_username: alice\n  smtp_auth_password: '${PASSWORD}'`,
    ).notify(ctx(), ALERTS);
    expect(s.mails.length).toBe(1);
    expect(s.mails[0]!.secure).toBe(true);
    expect(s.mails[0]!.from).toBe('global@example.org');
    expect(s.mails[0]!.user).toBe('alice');
  });

  it('a rejected password fails without showing it', async () => {
    const s = await smtp({ ...tls, authMethods: ['PLAIN'] });
    const error = await emailNotifier(
      `{to: 'a@example.org', from: 'am@example.org', smarthost: '127.0.0.1:${s.port}', ` +
        `auth_username: alice, auth_password: 'not-${PASSWORD}', tls_config: {ca_file: '${caFile()}'}}`,
    )
      .notify(ctx(), ALERTS)
      .then(
        () => undefined,
        (e: unknown) => e as NotifyError,
      );
    expect(error).toBeInstanceOf(NotifyError);
    expect(error!.message).not.toContain(PASSWORD);
    expect(s.mails.length).toBe(0);
  });
});
