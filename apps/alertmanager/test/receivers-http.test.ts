// http_config details, proxy selection, send_resolved and per-integration specifics
// (Slack Web API, OpsGenie api_url), against a local sink.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { makeTempDir } from '@argus/testkit';
import type { TempDir } from '@argus/testkit';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { parseConfig } from '../src/config/config.ts';
import { retryStage } from '../src/dispatch/retry-stage.ts';
import { buildIntegrations } from '../src/receivers/build.ts';
import { ALERTS, RESOLVED, SECRET, ctx, failure, logger, logs, notifierFor } from './receivers-fixtures.ts';
import { startProxy, startSink } from './receivers-sink.ts';
import type { Answer, Proxy, Sink } from './receivers-sink.ts';

let sink: Sink;
let proxy: Proxy;
let dir: TempDir;

beforeAll(async () => {
  sink = await startSink();
  proxy = await startProxy();
  dir = await makeTempDir('am-receivers-http');
});
afterAll(async () => {
  await sink?.close();
  await proxy?.close();
  await dir?.remove();
  expect(logs.join('\n')).not.toContain(SECRET);
});
beforeEach(() => {
  sink.received.length = 0;
  sink.answers.length = 0;
});
describe('send_resolved', () => {
  it('is off by default for Slack: a resolved-only batch sends nothing', async () => {
    const stage = retryStage(
      notifierFor(`slack_configs: [{api_url: '${sink.url}/slack/${SECRET}', channel: '#c'}]`),
      logger,
    );
    await stage.exec(ctx(), RESOLVED);
    expect(sink.received.length).toBe(0);
  });

  it('is on by default for PagerDuty: a resolved-only batch resolves the incident', async () => {
    sink.answers.push(['/', { status: 202 }]);
    const stage = retryStage(
      notifierFor(`pagerduty_configs: [{routing_key: '${SECRET}', url: '${sink.url}/pd'}]`),
      logger,
    );
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
    notifierFor(`webhook_configs: [{url: '${sink.url}${path}'${http ? `, http_config: ${http}` : ''}}]`);

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
    const error = await failure(
      notifierFor(`slack_configs: [{api_url: '${sink.url}/slack/${SECRET}', channel: '#c'}]`).notify(
        ctx(),
        ALERTS,
      ),
    );
    expect(error.retry).toBe(false);
    expect(error.message).toContain('received an error response from Slack: invalid_payload');
  });
});

describe('proxy selection', () => {
  const hookVia = (http: string) =>
    notifierFor(`webhook_configs: [{url: '${sink.url}/p', http_config: ${http}}]`);

  it('no_proxy sends matching hosts direct, others through proxy_url', async () => {
    sink.answers.push(['/', { status: 200 }]);
    const before = proxy.forwarded.length;
    await hookVia(`{proxy_url: '${proxy.url}', no_proxy: '127.0.0.1'}`).notify(ctx(), ALERTS);
    expect(proxy.forwarded.length).toBe(before);
    await hookVia(`{proxy_url: '${proxy.url}', no_proxy: 'example.org'}`).notify(ctx(), ALERTS);
    expect(proxy.forwarded.slice(before)).toEqual([new URL(sink.url).host]);
    expect(sink.received.length).toBe(2);
  });

  it('proxy_from_environment uses HTTP_PROXY', async () => {
    sink.answers.push(['/', { status: 200 }]);
    const before = proxy.forwarded.length;
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
    expect(proxy.forwarded.slice(before)).toEqual([new URL(sink.url).host]);
  });
});

describe('http_config.oauth2', () => {
  it('fetches a client-credentials token once and sends it as bearer', async () => {
    sink.answers.push(
      [
        '/token',
        {
          status: 200,
          contentType: 'application/json',
          body: '{"access_token":"tok-1","token_type":"bearer","expires_in":3600}',
        },
      ],
      ['/', { status: 200 }],
    );
    const n = notifierFor(
      `webhook_configs: [{url: '${sink.url}/hook', http_config: {oauth2: {client_id: app, client_secret: '${SECRET}', ` +
        `token_url: '${sink.url}/token', scopes: [read, write], endpoint_params: {audience: am}}}}]`,
    );
    await n.notify(ctx(), ALERTS);
    await n.notify(ctx(), ALERTS);
    expect(sink.received.map((r) => r.path)).toEqual(['/token', '/hook', '/hook']);
    const token = sink.received[0]!;
    expect(token.headers['authorization']).toBe(`Basic ${Buffer.from(`app:${SECRET}`).toString('base64')}`);
    expect(Object.fromEntries(new URLSearchParams(token.body))).toEqual({
      grant_type: 'client_credentials',
      scope: 'read write',
      audience: 'am',
    });
    expect(sink.received[1]!.headers['authorization']).toBe('Bearer tok-1');
  });

  it('a refused token request fails the notification without the secret', async () => {
    sink.answers.push(['/token', { status: 401, body: `bad client ${SECRET}` }]);
    const error = await failure(
      notifierFor(
        `webhook_configs: [{url: '${sink.url}/hook', http_config: {oauth2: {client_id: app, client_secret: '${SECRET}', token_url: '${sink.url}/token'}}}]`,
      ).notify(ctx(), ALERTS),
    );
    expect(error.retry).toBe(false);
    expect(error.message).toBe('oauth2: cannot fetch token: status 401');
    expect(sink.received.map((r) => r.path)).toEqual(['/token']);
  });
});
