// One contract every HTTP receiver passes against a local sink: the request it sends for a
// fixed alert group, how each status code is classified (retry or not), transport errors
// and timeouts, TLS, proxy and credentials from http_config, `*_file` secrets read at
// send time, the retry stage, and no secret in any error message or log line.
import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { makeTempDir, makeTestCerts } from '@argus/testkit';
import type { TempDir, TestCerts } from '@argus/testkit';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { retryStage } from '../src/dispatch/retry-stage.ts';
import { ALERTS, GROUP_KEY, SECRET, ctx, failure, logger, logs, notifierFor } from './receivers-fixtures.ts';
import { startProxy, startSink, startTlsSink } from './receivers-sink.ts';
import type { Answer, Proxy, Sink } from './receivers-sink.ts';

interface Kind {
  /** The receiver entry; `base` is the sink URL, `http` an http_config mapping (YAML flow) or ''. */
  yaml(base: string, http: string): string;
  /** Same with the secret in a file. */
  yamlFile(base: string, file: string): string;
  /** Path the request goes to (the secret may be part of it). */
  path: string;
  /** Extra statuses retried besides 5xx; `all` when every failure is retried. */
  retry: number[] | 'all';
  /** A success answer. */
  ok: Answer;
  /** What the body must contain for {@link ALERTS}. */
  body: Record<string, unknown>;
  /** Whether http_config credentials reach the server (OpsGenie's own header wins). */
  httpAuth: boolean;
  /** Where the secret shows in the request. */
  secretIn: 'path' | 'header' | 'body';
}

const h = (http: string) => (http ? `, http_config: ${http}` : '');
const TG_OK: Answer = {
  status: 200,
  contentType: 'application/json',
  body: '{"ok":true,"result":{"message_id":1,"date":0,"chat":{"id":42,"type":"group"}}}',
};

const KINDS: Record<string, Kind> = {
  webhook: {
    yaml: (b, http) => `webhook_configs: [{url: '${b}/hook/${SECRET}'${h(http)}}]`,
    yamlFile: (b, f) => `webhook_configs: [{url_file: '${f}'}]`,
    path: `/hook/${SECRET}`,
    retry: [],
    ok: { status: 200 },
    body: { version: '4', status: 'firing', groupKey: GROUP_KEY, receiver: 'team' },
    httpAuth: true,
    secretIn: 'path',
  },
  slack: {
    yaml: (b, http) => `slack_configs: [{api_url: '${b}/slack/${SECRET}', channel: '#c'${h(http)}}]`,
    yamlFile: (b, f) => `slack_configs: [{api_url_file: '${f}', channel: '#c'}]`,
    path: `/slack/${SECRET}`,
    retry: [],
    ok: { status: 200, body: 'ok' },
    body: { channel: '#c', username: 'Alertmanager' },
    httpAuth: true,
    secretIn: 'path',
  },
  pagerduty: {
    yaml: (b, http) => `pagerduty_configs: [{routing_key: '${SECRET}', url: '${b}/pd'${h(http)}}]`,
    yamlFile: (b, f) => `pagerduty_configs: [{routing_key_file: '${f}', url: '${b}/pd'}]`,
    path: '/pd',
    retry: [429],
    ok: { status: 202, body: '{"status":"success"}' },
    body: { routing_key: SECRET, event_action: 'trigger' },
    httpAuth: true,
    secretIn: 'body',
  },
  'pagerduty v1': {
    yaml: (b, http) => `pagerduty_configs: [{service_key: '${SECRET}', url: '${b}/pd1'${h(http)}}]`,
    yamlFile: (b, f) => `pagerduty_configs: [{service_key_file: '${f}', url: '${b}/pd1'}]`,
    path: '/pd1',
    retry: [403],
    ok: { status: 200, body: '{"status":"success"}' },
    body: { service_key: SECRET, event_type: 'trigger', payload: null },
    httpAuth: true,
    secretIn: 'body',
  },
  opsgenie: {
    yaml: (b, http) => `opsgenie_configs: [{api_key: '${SECRET}', api_url: '${b}/og/'${h(http)}}]`,
    yamlFile: (b, f) => `opsgenie_configs: [{api_key_file: '${f}', api_url: '${b}/og/'}]`,
    path: '/og/v2/alerts',
    retry: [429],
    ok: { status: 202, body: '{}' },
    body: { message: '[FIRING:1] DiskFull (critical)', source: 'http://am.test/#/alerts?receiver=team' },
    httpAuth: false,
    secretIn: 'header',
  },
  telegram: {
    yaml: (b, http) =>
      `telegram_configs: [{api_url: '${b}/tg', bot_token: '${SECRET}', chat_id: 42${h(http)}}]`,
    yamlFile: (b, f) => `telegram_configs: [{api_url: '${b}/tg', bot_token_file: '${f}', chat_id: 42}]`,
    path: `/tg/bot${SECRET}/sendMessage`,
    retry: 'all',
    ok: TG_OK,
    body: { chat_id: '42', parse_mode: 'HTML', disable_web_page_preview: 'true' },
    httpAuth: true,
    secretIn: 'path',
  },
  discord: {
    yaml: (b, http) => `discord_configs: [{webhook_url: '${b}/discord/${SECRET}'${h(http)}}]`,
    yamlFile: (b, f) => `discord_configs: [{webhook_url_file: '${f}'}]`,
    path: `/discord/${SECRET}`,
    retry: [],
    ok: { status: 204 },
    body: {
      content: '',
      embeds: [{ title: '[FIRING:1] DiskFull (critical)', description: expect.any(String), color: 0x992d22 }],
    },
    httpAuth: true,
    secretIn: 'path',
  },
  msteams: {
    yaml: (b, http) => `msteams_configs: [{webhook_url: '${b}/teams/${SECRET}'${h(http)}}]`,
    yamlFile: (b, f) => `msteams_configs: [{webhook_url_file: '${f}'}]`,
    path: `/teams/${SECRET}`,
    retry: [],
    ok: { status: 200, body: '1' },
    body: {
      '@context': 'http://schema.org/extensions',
      type: 'MessageCard',
      title: '[FIRING:1] DiskFull (critical)',
      themeColor: '8C1A1A',
    },
    httpAuth: true,
    secretIn: 'path',
  },
  msteamsv2: {
    yaml: (b, http) => `msteamsv2_configs: [{webhook_url: '${b}/flow/${SECRET}'${h(http)}}]`,
    yamlFile: (b, f) => `msteamsv2_configs: [{webhook_url_file: '${f}'}]`,
    path: `/flow/${SECRET}`,
    retry: [],
    ok: { status: 202 },
    body: { type: 'message' },
    httpAuth: true,
    secretIn: 'path',
  },
};

let sink: Sink;
let tlsSink: Sink;
let proxy: Proxy;
let certs: TestCerts;
let dir: TempDir;

beforeAll(async () => {
  sink = await startSink();
  dir = await makeTempDir('am-receivers');
  certs = makeTestCerts(dir.path);
  tlsSink = await startTlsSink(
    readFileSync(join(dir.path, certs.serverCert), 'utf8'),
    readFileSync(join(dir.path, certs.serverKey), 'utf8'),
  );
  proxy = await startProxy();
});
afterAll(async () => {
  await sink?.close();
  await tlsSink?.close();
  await proxy?.close();
  await dir?.remove();
  // Nothing logged while failing may carry the secret.
  expect(logs.join('\n')).not.toContain(SECRET);
});
beforeEach(() => {
  sink.received.length = 0;
  sink.answers.length = 0;
  tlsSink.received.length = 0;
  tlsSink.answers.length = 0;
});

describe.each(Object.entries(KINDS))('%s receiver', (_name, kind) => {
  it('sends the expected request for a fixed alert group', async () => {
    sink.answers.push(['/', kind.ok]);
    await notifierFor(kind.yaml(sink.url, '')).notify(ctx(), ALERTS);
    expect(sink.received.length).toBe(1);
    const req = sink.received[0]!;
    expect(req.method).toBe('POST');
    expect(req.path).toBe(kind.path);
    expect(req.headers['content-type']).toBe('application/json');
    expect(req.body.endsWith('\n')).toBe(true);
    expect(req.body).not.toMatch(/[<>&]/); // Go's encoder escapes them
    expect(JSON.parse(req.body)).toMatchObject(kind.body);
    if (kind.secretIn === 'header') expect(req.headers['authorization']).toBe(`GenieKey ${SECRET}`);
  });

  it.each([400, 401, 403, 404, 409, 429, 500, 502, 503])(
    'classifies status %i as upstream',
    async (status) => {
      sink.answers.push([
        '/',
        { status, body: '{"ok":false,"message":"nope","errors":["bad"]}', contentType: 'application/json' },
      ]);
      const error = await failure(notifierFor(kind.yaml(sink.url, '')).notify(ctx(), ALERTS));
      const retried = kind.retry === 'all' || status >= 500 || kind.retry.includes(status);
      expect(error.retry).toBe(retried);
      expect(error.message).not.toContain(SECRET);
    },
  );

  it('keeps a secret the server echoes back out of the error', async () => {
    sink.answers.push(['/', { status: 500, body: `no such key or hook: ${SECRET}` }]);
    const error = await failure(notifierFor(kind.yaml(sink.url, '')).notify(ctx(), ALERTS));
    expect(error.message).not.toContain(SECRET);
    // Where upstream shows the body, it shows with the secret blanked.
    if (error.message.includes('no such key')) expect(error.message).toContain('hook: <secret>');
  });

  it('retries a refused connection without showing the URL', async () => {
    const closed = await startSink();
    await closed.close();
    const error = await failure(notifierFor(kind.yaml(closed.url, '')).notify(ctx(), ALERTS));
    expect(error.retry).toBe(true);
    expect(error.message).toMatch(/^Post "<redacted>": /);
    expect(error.message).not.toContain(SECRET);
  });

  it('gives up at the flush deadline when the server does not answer', async () => {
    sink.answers.push(['/', 'hang']);
    const started = Date.now();
    const error = await failure(notifierFor(kind.yaml(sink.url, '')).notify(ctx(300), ALERTS));
    expect(Date.now() - started).toBeLessThan(3_000);
    expect(error.retry).toBe(true);
    expect(error.message).toContain('context deadline exceeded');
  });

  it('verifies TLS with http_config.tls_config and refuses an unknown CA', async () => {
    tlsSink.answers.push(['/', kind.ok]);
    await notifierFor(
      kind.yaml(tlsSink.url, `{tls_config: {ca_file: '${join(dir.path, certs.caCert)}'}}`),
    ).notify(ctx(), ALERTS);
    expect(tlsSink.received.length).toBe(1);
    const error = await failure(notifierFor(kind.yaml(tlsSink.url, '')).notify(ctx(), ALERTS));
    expect(error.retry).toBe(true);
    expect(tlsSink.received.length).toBe(1);
    await notifierFor(kind.yaml(tlsSink.url, '{tls_config: {insecure_skip_verify: true}}')).notify(
      ctx(),
      ALERTS,
    );
    expect(tlsSink.received.length).toBe(2);
  });

  it('goes through http_config.proxy_url and sends http_config credentials', async () => {
    sink.answers.push(['/', kind.ok]);
    const before = proxy.forwarded.length;
    const http = `{proxy_url: '${proxy.url}', basic_auth: {username: u, password: '${SECRET}-pw'}}`;
    await notifierFor(kind.yaml(sink.url, http)).notify(ctx(), ALERTS);
    // Plain HTTP goes to the proxy as an absolute-form request, as Go's transport does.
    expect(proxy.forwarded.slice(before)).toEqual([new URL(sink.url).host]);
    const auth = sink.received[0]!.headers['authorization'];
    if (kind.httpAuth) expect(auth).toBe(`Basic ${Buffer.from(`u:${SECRET}-pw`).toString('base64')}`);
    else expect(auth).toBe(`GenieKey ${SECRET}`);
  });

  it('tunnels HTTPS through proxy_url with CONNECT, verifying the target with tls_config', async () => {
    tlsSink.answers.push(['/', kind.ok]);
    const before = proxy.tunnels.length;
    const http = `{proxy_url: '${proxy.url}', tls_config: {ca_file: '${join(dir.path, certs.caCert)}'}}`;
    await notifierFor(kind.yaml(tlsSink.url, http)).notify(ctx(), ALERTS);
    expect(proxy.tunnels.slice(before)).toEqual([new URL(tlsSink.url).host]);
    expect(tlsSink.received.length).toBe(1);
  });

  it('reads the *_file secret at send time', async () => {
    sink.answers.push(['/', kind.ok]);
    const file = join(dir.path, `${_name.replace(/\W/g, '')}.secret`);
    const secretValue = (s: string) =>
      kind.secretIn === 'body' || kind.secretIn === 'header'
        ? s
        : `${sink.url}${kind.path.replace(SECRET, s)}`;
    const notifier = notifierFor(kind.yamlFile(sink.url, file));
    await writeFile(file, `${secretValue('first')}\n`);
    await notifier.notify(ctx(), ALERTS);
    await writeFile(file, `${secretValue('second')}\n`);
    await notifier.notify(ctx(), ALERTS);
    const seen = sink.received.map((r) => `${r.path} ${r.headers['authorization'] ?? ''} ${r.body}`);
    expect(seen.length).toBe(2);
    expect(seen[0]).toContain('first');
    expect(seen[1]).toContain('second');
    expect(seen[1]).not.toContain('first');
  });

  it('retries through the retry stage and logs no secret', async () => {
    const retryable = kind.retry === 'all' ? 400 : 503;
    sink.answers.push(['/', [{ status: retryable, body: 'busy' }, kind.ok]]);
    const stage = retryStage(notifierFor(kind.yaml(sink.url, '')), logger, async () => undefined);
    await stage.exec(ctx(), ALERTS);
    expect(sink.received.length).toBe(2);
    expect(logs.some((l) => l.includes('Notify attempt failed'))).toBe(true);
  });
});
