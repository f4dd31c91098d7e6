import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLogger } from '@argus/service-kit';
import type { Service } from '@argus/service-kit';
import { loadTeamsConfig } from '../src/teams/teams-config.ts';
import { createTeamsService } from '../src/teams/teams-service.ts';
import { expectedMessageCard } from './teams-expected-card.ts';
import { startTeamsSink } from './teams-sink.ts';
import type { TeamsSink } from './teams-sink.ts';

const SECRET_PATH = '/webhookb2/very-secret-key';
let sink: TeamsSink;
let service: Service;
let logs: string[];

function start(extraIni = ''): Service {
  const ini = `[Microsoft Teams]\nConnector: ${sink.url}${SECRET_PATH}\nOther = ${sink.url}/other-secret\n${extraIni}`;
  const config = loadTeamsConfig({ configpath: 'config.ini' }, {}, () => ini);
  logs = [];
  const logger = createLogger({ level: 'debug', sink: { write: (line) => logs.push(line) } });
  service = createTeamsService({ config, logger, listenAddress: '127.0.0.1:0' });
  return service;
}

const payload = (alerts: unknown[]) =>
  JSON.stringify({ version: '4', status: 'firing', receiver: 'teams', alerts });
const firing = {
  status: 'firing',
  labels: { alertname: 'A', severity: 'warning' },
  annotations: { summary: 's' },
};

beforeEach(async () => {
  sink = await startTeamsSink();
});
afterEach(async () => {
  await service?.stop();
  await sink.close();
});

describe('POST /v2/<connector>', () => {
  it('posts one card per alert as JSON and answers 201 "OK"; the connector name is case-insensitive', async () => {
    const s = start();
    const resolved = { ...firing, status: 'resolved' };
    const res = await s.app.inject({
      method: 'POST',
      url: '/v2/CONNECTOR',
      payload: payload([firing, resolved]),
    });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toBe('OK');
    expect(sink.received.map((r) => r.path)).toEqual([SECRET_PATH, SECRET_PATH]);
    expect(sink.received[0]?.contentType).toBe('application/json');
    expect(sink.received.map((r) => JSON.parse(r.body) as unknown)).toEqual([
      expectedMessageCard({ name: 'A', status: 'firing', severity: 'warning', summary: 's' }),
      expectedMessageCard({ name: 'A', status: 'resolved', severity: 'warning', summary: 's' }),
    ]);
  });

  it('the deprecated POST / uses the connector named Connector', async () => {
    const s = start();
    const res = await s.app.inject({ method: 'POST', url: '/', payload: payload([firing]) });
    expect(res.statusCode).toBe(201);
    expect(sink.received.map((r) => r.path)).toEqual([SECRET_PATH]);
  });

  it('answers 500 for an unknown connector, naming it', async () => {
    const s = start();
    const res = await s.app.inject({ method: 'POST', url: '/v2/nope', payload: payload([firing]) });
    expect(res.statusCode).toBe(500);
    expect(res.json()).toEqual({ message: 'Connector "nope" is not configured in [Microsoft Teams]' });
  });

  it.each([
    { name: 'a non-JSON body', body: 'this is not json', want: /body is not JSON/ },
    { name: 'an empty body', body: '', want: /empty body/ },
    { name: 'a body without alerts', body: '{"status":"firing"}', want: /alerts: missing field/ },
    { name: 'alerts that are not a list', body: '{"alerts":"x"}', want: /alerts: expected a list/ },
  ])('answers 400 to $name and keeps serving', async ({ body, want }) => {
    const s = start();
    const res = await s.app.inject({
      method: 'POST',
      url: '/v2/connector',
      payload: body,
      headers: { 'content-type': 'application/json' },
    });
    expect(res.statusCode).toBe(400);
    expect((res.json() as { message: string }).message).toMatch(want);
    expect(sink.received).toEqual([]);
    const ok = await s.app.inject({ method: 'POST', url: '/v2/connector', payload: payload([firing]) });
    expect(ok.statusCode).toBe(201);
  });

  it('refuses a 10 MB body with 413 and keeps serving', async () => {
    const s = start();
    await s.start();
    const big = payload([{ ...firing, annotations: { summary: 'x'.repeat(10 * 1024 * 1024) } }]);
    const res = await fetch(`${s.address.url}/v2/connector`, {
      method: 'POST',
      body: big,
      headers: { 'content-type': 'application/json' },
    });
    expect(res.status).toBe(413);
    expect(await res.text()).toContain('request body is larger than 4194304 bytes');
    const ok = await fetch(`${s.address.url}/v2/connector`, { method: 'POST', body: payload([firing]) });
    expect(ok.status).toBe(201);
  });
});

describe('Teams failures', () => {
  it.each([
    { name: 'an error status', status: 500, body: 'Internal error' },
    {
      name: '200 without the "1" of a delivered card',
      status: 200,
      body: 'Webhook message delivery failed with error: 413',
    },
    { name: '400 (bad card)', status: 400, body: `Bad payload received by ${SECRET_PATH}` },
  ])('answers 500 on $name, without the connector URL in the reply or the logs', async ({ status, body }) => {
    const s = start();
    sink.answer = () => ({ status, body });
    const res = await s.app.inject({ method: 'POST', url: '/v2/connector', payload: payload([firing]) });
    expect(res.statusCode).toBe(500);
    expect(res.body).toContain(`status ${status}`);
    expect(res.body).toContain('connector \\"connector\\"');
    for (const text of [res.body, ...logs]) {
      expect(text).not.toContain('very-secret-key');
      expect(text).not.toContain(sink.url);
    }
  });

  it('accepts 202 with any body (Teams Workflows webhooks)', async () => {
    const s = start();
    sink.answer = () => ({ status: 202, body: '' });
    const res = await s.app.inject({ method: 'POST', url: '/v2/connector', payload: payload([firing]) });
    expect(res.statusCode).toBe(201);
  });

  it('gives up after RequestTimeout', async () => {
    const s = start('[Microsoft Teams Client]\nRequestTimeout: 0.3\n');
    sink.answer = () => ({ status: 200, body: '1', delayMs: 2000 });
    const started = Date.now();
    const res = await s.app.inject({ method: 'POST', url: '/v2/connector', payload: payload([firing]) });
    expect(res.statusCode).toBe(500);
    expect(Date.now() - started).toBeLessThan(1900);
  });

  it('retries every RetryWaitTime when RetryEnable is on', async () => {
    const s = start('[Microsoft Teams Client]\nRetryEnable: true\nRetryWaitTime: 0.05\n');
    await s.start();
    let calls = 0;
    sink.answer = () => (++calls < 3 ? { status: 503, body: 'busy' } : { status: 200, body: '1' });
    const res = await fetch(`${s.address.url}/v2/connector`, { method: 'POST', body: payload([firing]) });
    expect(res.status).toBe(201);
    expect(sink.received).toHaveLength(3);
  });

  it('stops retrying once Alertmanager hangs up', async () => {
    const s = start('[Microsoft Teams Client]\nRetryEnable: true\nRetryWaitTime: 0.1\n');
    await s.start();
    sink.answer = () => ({ status: 503, body: 'busy' });
    const gaveUp = fetch(`${s.address.url}/v2/connector`, {
      method: 'POST',
      body: payload([firing]),
      signal: AbortSignal.timeout(350),
    });
    await expect(gaveUp).rejects.toThrow();
    await new Promise((resolve) => setTimeout(resolve, 400));
    const posts = sink.received.length;
    expect(posts).toBeGreaterThanOrEqual(2);
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(sink.received.length).toBe(posts);
  });
});

describe('other endpoints', () => {
  it('answers /alive and /ready with YES and counts requests in /metrics', async () => {
    const s = start();
    expect((await s.app.inject({ url: '/alive' })).body).toBe('YES');
    expect((await s.app.inject({ url: '/ready' })).body).toBe('YES');
    await s.app.inject({ method: 'POST', url: '/v2/other', payload: payload([firing]) });
    const metrics = (await s.app.inject({ url: '/metrics' })).body;
    expect(metrics).toContain('prom2teams_requests_total{connector="other",code="201"} 1');
    expect(metrics).toContain('prom2teams_cards_total{connector="other",result="sent"} 1');
  });
});

describe('reload', () => {
  it('picks up new connectors and keeps the old config when the new one is broken', async () => {
    let ini = `[Microsoft Teams]\nConnector: ${sink.url}/first\n`;
    const load = () => loadTeamsConfig({ configpath: 'config.ini' }, {}, () => ini);
    const logger = createLogger({ level: 'error', sink: { write: () => {} } });
    service = createTeamsService({
      config: load(),
      logger,
      listenAddress: '127.0.0.1:0',
      reloadConfig: load,
    });
    ini = `[Microsoft Teams]\nConnector: ${sink.url}/second\n`;
    await service.reload();
    ini = '[Microsoft Teams]\n'; // no connector: refused
    await expect(service.reload()).rejects.toThrow(
      'missing required [Microsoft Teams] section with a connector key',
    );
    const res = await service.app.inject({
      method: 'POST',
      url: '/v2/connector',
      payload: payload([firing]),
    });
    expect(res.statusCode).toBe(201);
    expect(sink.received.map((r) => r.path)).toEqual(['/second']);
  });
});
