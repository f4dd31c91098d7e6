// One contract every HTTP receiver passes against a local sink: the request it sends for a
// fixed alert group, how each status code is classified (retry or not), transport errors
// and timeouts, TLS, proxy and credentials from http_config, `*_file` secrets read at
// send time, send_resolved, and no secret in any error message or log line.
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createLogger } from '@argus/service-kit';
import { makeTempDir, makeTestCerts } from '@argus/testkit';
import type { TempDir, TestCerts } from '@argus/testkit';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { parseConfig } from '../src/config/config.ts';
import { NotifyError } from '../src/dispatch/notifier.ts';
import type { Notifier } from '../src/dispatch/notifier.ts';
import { retryStage } from '../src/dispatch/retry-stage.ts';
import type { NotifyContext } from '../src/dispatch/stage.ts';
import { makeAlert } from '../src/domain/alert.ts';
import { DEFAULT_ROUTE_OPTIONS } from '../src/domain/route.ts';
import { buildIntegrations } from '../src/receivers/build.ts';
import { startProxy, startSink, startTlsSink } from './receivers-sink.ts';
import type { Answer, Proxy, Sink } from './receivers-sink.ts';

const SECRET = 'S3CR3T-token-value';
const NOW = Date.parse('2026-01-02T03:04:05Z');
const ALERTS = [
  makeAlert({
    labels: { alertname: 'DiskFull', instance: 'db-1', severity: 'critical' },
    annotations: { summary: 'disk <full>' },
    startsAtMs: NOW - 60_000,
    endsAtMs: NOW + 3_600_000,
    generatorURL: 'http://prom/graph',
    updatedAtMs: NOW,
    timeout: false,
  }),
  makeAlert({
    labels: { alertname: 'DiskFull', instance: 'db-2', severity: 'critical' },
    annotations: { summary: 'disk <full>' },
    startsAtMs: NOW - 120_000,
    endsAtMs: NOW - 1_000,
    generatorURL: 'http://prom/graph',
    updatedAtMs: NOW,
    timeout: false,
  }),
];
const RESOLVED = [ALERTS[1]!];
const GROUP_KEY = '{}:{alertname="DiskFull"}';

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

const logs: string[] = [];
const logger = createLogger({
  level: 'debug',
  format: 'logfmt',
  sink: { write: (l: string) => logs.push(l) },
});

function notifierFor(entry: string): Notifier {
  const config = parseConfig(`route: {receiver: team}\nreceivers:\n  - name: team\n    ${entry}\n`);
  const env = {
    templates: config.templates,
    externalURL: 'http://am.test',
    userAgent: 'Alertmanager/0.25.0',
    logger,
    global: {},
  };
  const [n] = buildIntegrations(config.receivers.get('team')!, env);
  return n!;
}

function ctx(deadlineInMs = 5_000): NotifyContext {
  return {
    groupKey: GROUP_KEY,
    receiver: 'team',
    groupLabels: { alertname: 'DiskFull' },
    route: DEFAULT_ROUTE_OPTIONS,
    nowMs: NOW,
    deadlineMs: Date.now() + deadlineInMs,
  };
}

async function failure(p: Promise<unknown>): Promise<NotifyError> {
  const error = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(NotifyError);
  return error as NotifyError;
}

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
    const before = proxy.tunnels.length;
    const http = `{proxy_url: '${proxy.url}', basic_auth: {username: u, password: '${SECRET}-pw'}}`;
    await notifierFor(kind.yaml(sink.url, http)).notify(ctx(), ALERTS);
    expect(proxy.tunnels.slice(before)).toEqual([new URL(sink.url).host]);
    const auth = sink.received[0]!.headers['authorization'];
    if (kind.httpAuth) expect(auth).toBe(`Basic ${Buffer.from(`u:${SECRET}-pw`).toString('base64')}`);
    else expect(auth).toBe(`GenieKey ${SECRET}`);
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

describe('send_resolved', () => {
  it('is off by default for Slack: a resolved-only batch sends nothing', async () => {
    const stage = retryStage(notifierFor(KINDS['slack']!.yaml(sink.url, '')), logger);
    await stage.exec(ctx(), RESOLVED);
    expect(sink.received.length).toBe(0);
  });

  it('is on by default for PagerDuty: a resolved-only batch resolves the incident', async () => {
    sink.answers.push(['/', KINDS['pagerduty']!.ok]);
    const stage = retryStage(notifierFor(KINDS['pagerduty']!.yaml(sink.url, '')), logger);
    await stage.exec(ctx(), RESOLVED);
    expect(JSON.parse(sink.received[0]!.body)).toMatchObject({ event_action: 'resolve' });
  });

  it('send_resolved: false drops resolved alerts from a mixed batch', async () => {
    sink.answers.push(['/', { status: 200 }]);
    const stage = retryStage(
      notifierFor(`webhook_configs: [{url: '${sink.url}/hook', send_resolved: false}]`),
      logger,
    );
    await stage.exec(ctx(), ALERTS);
    const body = JSON.parse(sink.received[0]!.body) as { alerts: unknown[] };
    expect(body.alerts.length).toBe(1);
  });
});

describe('http_config details', () => {
  const hook = (path: string, http: string) =>
    notifierFor(`webhook_configs: [{url: '${sink.url}${path}'${h(http)}}]`);

  it('follows redirects by default; follow_redirects: false fails on the 3xx without retry', async () => {
    const redirecting = await startSink();
    try {
      redirecting.answers.push(['/', { status: 200 }]);
      const server = await startRedirector(`${redirecting.url}/target`);
      try {
        await notifierFor(`webhook_configs: [{url: '${server.url}/x'}]`).notify(ctx(), ALERTS);
        expect(redirecting.received.map((r) => r.path)).toEqual(['/target']);
        const error = await failure(
          notifierFor(
            `webhook_configs: [{url: '${server.url}/x', http_config: {follow_redirects: false}}]`,
          ).notify(ctx(), ALERTS),
        );
        expect(error.retry).toBe(false);
        expect(error.message).toMatch(/^unexpected status code 307/);
        expect(redirecting.received.length).toBe(1);
      } finally {
        await server.close();
      }
    } finally {
      await redirecting.close();
    }
  });

  it('sends bearer_token and authorization credentials, the *_file variants read at send time', async () => {
    sink.answers.push(['/', { status: 200 }]);
    await hook('/a', `{bearer_token: '${SECRET}'}`).notify(ctx(), ALERTS);
    await hook('/b', `{authorization: {type: Token, credentials: '${SECRET}'}}`).notify(ctx(), ALERTS);
    const file = join(dir.path, 'credentials');
    await writeFile(file, 'from-file\n');
    await hook('/c', `{authorization: {credentials_file: '${file}'}}`).notify(ctx(), ALERTS);
    expect(sink.received.map((r) => r.headers['authorization'])).toEqual([
      `Bearer ${SECRET}`,
      `Token ${SECRET}`,
      'Bearer from-file',
    ]);
  });

  it('falls back to global.http_config when the integration has none', async () => {
    sink.answers.push(['/', { status: 200 }]);
    const config = parseConfig(
      `global: {http_config: {bearer_token: '${SECRET}'}}\nroute: {receiver: team}\nreceivers:\n  - name: team\n    webhook_configs: [{url: '${sink.url}/g'}]\n`,
    );
    const [n] = buildIntegrations(config.receivers.get('team')!, {
      templates: config.templates,
      externalURL: 'http://am.test',
      userAgent: 'Alertmanager/0.25.0',
      logger,
      global: config.raw.global as Record<string, unknown>,
    });
    await n!.notify(ctx(), ALERTS);
    expect(sink.received[0]!.headers['authorization']).toBe(`Bearer ${SECRET}`);
  });
});

/** A server answering every request with a 307 to `location`. */
async function startRedirector(location: string): Promise<{ url: string; close(): Promise<void> }> {
  const server = createServer((_req, res) => {
    res.writeHead(307, { location });
    res.end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    close: async () => {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    },
  };
}

describe('OpsGenie api_url', () => {
  it('a bare host gets /v2/alerts, as Go appends to an empty path', async () => {
    sink.answers.push(['/', { status: 202 }]);
    await notifierFor(`opsgenie_configs: [{api_key: k, api_url: '${sink.url}'}]`).notify(ctx(), ALERTS);
    expect(sink.received[0]!.path).toBe('/v2/alerts');
  });
});

describe('Slack Web API (app_token)', () => {
  it('posts to app_url with the token as bearer and reads {"ok":…} answers', async () => {
    const json = (body: string): Answer => ({
      status: 200,
      contentType: 'application/json; charset=utf-8',
      body,
    });
    sink.answers.push([
      '/',
      [json('{"ok":true,"ts":"1.2"}'), json('{"ok":false,"error":"channel_not_found"}')],
    ]);
    const n = notifierFor(
      `slack_configs: [{app_token: '${SECRET}', app_url: '${sink.url}/api/chat.postMessage', channel: '#c'}]`,
    );
    await n.notify(ctx(), ALERTS);
    expect(sink.received[0]!.path).toBe('/api/chat.postMessage');
    expect(sink.received[0]!.headers['authorization']).toBe(`Bearer ${SECRET}`);
    const error = await failure(n.notify(ctx(), ALERTS));
    expect(error.retry).toBe(false);
    expect(error.message).toBe('channel "#c": error response from Slack: channel_not_found');
  });

  it('an incoming webhook answering 200 with something other than "ok" is a failure', async () => {
    sink.answers.push(['/', { status: 200, body: 'invalid_payload' }]);
    const error = await failure(notifierFor(KINDS['slack']!.yaml(sink.url, '')).notify(ctx(), ALERTS));
    expect(error.retry).toBe(false);
    expect(error.message).toContain('received an error response from Slack: invalid_payload');
  });
});

describe('proxy selection', () => {
  const hookVia = (http: string) =>
    notifierFor(`webhook_configs: [{url: '${sink.url}/p', http_config: ${http}}]`);

  it('no_proxy sends matching hosts direct, others through proxy_url', async () => {
    sink.answers.push(['/', { status: 200 }]);
    const before = proxy.tunnels.length;
    await hookVia(`{proxy_url: '${proxy.url}', no_proxy: '127.0.0.1'}`).notify(ctx(), ALERTS);
    expect(proxy.tunnels.length).toBe(before);
    await hookVia(`{proxy_url: '${proxy.url}', no_proxy: 'example.org'}`).notify(ctx(), ALERTS);
    expect(proxy.tunnels.slice(before)).toEqual([new URL(sink.url).host]);
    expect(sink.received.length).toBe(2);
  });

  it('proxy_from_environment uses HTTP_PROXY', async () => {
    sink.answers.push(['/', { status: 200 }]);
    const before = proxy.tunnels.length;
    const saved = { lower: process.env['http_proxy'], upper: process.env['HTTP_PROXY'] };
    delete process.env['http_proxy'];
    process.env['HTTP_PROXY'] = proxy.url;
    try {
      await hookVia('{proxy_from_environment: true}').notify(ctx(), ALERTS);
    } finally {
      if (saved.upper === undefined) delete process.env['HTTP_PROXY'];
      else process.env['HTTP_PROXY'] = saved.upper;
      if (saved.lower !== undefined) process.env['http_proxy'] = saved.lower;
    }
    expect(proxy.tunnels.slice(before)).toEqual([new URL(sink.url).host]);
  });
});
