// The sachet-compatible service in-process: status codes and error bodies of /alert,
// reload, health endpoints, metrics, bad input, and secrets kept out of replies and logs.
import { mkdirSync, writeFileSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createLogger } from '@argus/service-kit';
import type { Service } from '@argus/service-kit';
import { makeTempDir } from '@argus/testkit';
import type { TempDir } from '@argus/testkit';
import { createSmsService } from '../src/sms/sms-service.ts';
import { FakeApi, webhook } from './sms-fake-api.ts';

const TOKEN = '424242:telegram-secret-token';

const config = (api: string, extra = '') => `
templates:
  - TEMPLATES/*.tmpl
providers:
  telegram:
    token: '${TOKEN}'
    base_url: ${api}
receivers:
  - name: team-sms
    provider: telegram
    to: ['1001']
  - name: ns/amc/templated
    provider: telegram
    to: ['1002']
    text: '{{ template "sms.short" . }}'
  - name: broken-template
    provider: telegram
    to: ['1003']
    text: '{{ .NoSuchField.Deeper }}'
  - name: nowhere
    provider: carrier-pigeon
    to: ['1004']
${extra}`;

describe('sms service', () => {
  let api: FakeApi;
  let dir: TempDir;
  let service: Service;
  let logs: string[];
  let file: string;

  const start = (options: { sendFailureStatus?: number } = {}) => {
    logs = [];
    service = createSmsService({
      configFile: file,
      listenAddress: '127.0.0.1:0',
      logger: createLogger({ level: 'debug', sink: { write: (line) => logs.push(line) } }),
      sendTimeoutMs: 5000,
      ...options,
    });
  };
  const post = (payload: string, url = '/alert') =>
    service.app.inject({ method: 'POST', url, payload, headers: { 'content-type': 'application/json' } });

  beforeAll(async () => {
    api = await FakeApi.start();
    dir = await makeTempDir('sms-service');
    writeFileSync(
      dir.join('short.tmpl'),
      '{{ define "sms.short" }}[{{ .Status | toUpper }}] {{ range .Alerts }}{{ .Labels.alertname }} {{ end }}{{ end }}',
    );
  });
  afterAll(async () => {
    await api?.stop();
    await dir?.remove();
  });
  beforeEach(() => {
    api.reset();
    api.respond = () => ({ body: '{"ok":true,"result":{}}' });
    file = dir.join('config.yaml');
    writeFileSync(file, config(api.url).replace('TEMPLATES', dir.path));
    start();
  });
  afterEach(async () => {
    await service.app.close();
  });

  it('sends to the receiver named exactly as the webhook says and answers 200 with an empty body', async () => {
    const reply = await post(webhook('team-sms', [{ alertname: 'DiskFull', instance: 'db1' }]));
    expect([reply.statusCode, reply.body]).toEqual([200, '']);
    expect(api.requests).toHaveLength(1);
    expect(JSON.parse(api.requests[0]!.body)).toMatchObject({
      chat_id: 1001,
      text: 'FIRING \nalertname= DiskFull\ninstance= db1',
    });
  });

  it('renders text: through the templates: globs (AlertmanagerConfig receiver names work as they are)', async () => {
    const reply = await post(webhook('ns/amc/templated', [{ alertname: 'A' }, { alertname: 'B' }]));
    expect(reply.statusCode).toBe(200);
    expect(JSON.parse(api.requests[0]!.body)).toMatchObject({ chat_id: 1002, text: '[FIRING] A B ' });
  });

  it.each([
    ['receiver mismatch (exact, case-sensitive)', webhook('Team-SMS', []), 400, 'Receiver missing: Team-SMS'],
    ['unknown provider', webhook('nowhere', []), 500, 'carrier-pigeon: Unknown provider'],
    [
      'template error',
      webhook('broken-template', []),
      500,
      'template: :1:15: executing "" at <.NoSuchField.Deeper>: can\'t evaluate field NoSuchField in type template.Data',
    ],
  ])('%s: upstream status and error body', async (_name, payload, status, message) => {
    const reply = await post(payload);
    expect(reply.statusCode).toBe(status);
    expect(reply.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(reply.body).toBe(JSON.stringify({ Error: true, Status: status, Message: message }));
    expect(api.requests).toHaveLength(0);
  });

  it.each([
    ['non-JSON body', 'this is not json', 400, /body is not JSON/],
    ['empty body', '', 400, /empty body/],
    ['JSON that is not an object', '[1,2]', 400, /expected an object, got a list/],
    ['missing alerts', '{"receiver":"team-sms","status":"firing"}', 400, /alerts: missing field/],
    ['alerts of the wrong type', '{"receiver":"team-sms","alerts":{}}', 400, /alerts: expected a list/],
    [
      '10 MB body',
      `{"receiver":"team-sms","alerts":[],"x":"${'x'.repeat(10 * 1024 * 1024)}"}`,
      413,
      /larger than 4194304 bytes/,
    ],
  ])('bad input: %s is a clear 4xx and the service goes on', async (_name, payload, status, says) => {
    const reply = await post(payload);
    expect(reply.statusCode).toBe(status);
    const body = JSON.parse(reply.body) as { Error: boolean; Status: number; Message: string };
    expect(body).toMatchObject({ Error: true, Status: status });
    expect(body.Message).toMatch(says);
    const after = await post(webhook('team-sms', [{ alertname: 'StillUp' }]));
    expect(after.statusCode).toBe(200);
  });

  it('a failed send is 502 by default so Alertmanager retries, 400 with -compat.send-failure-4xx', async () => {
    api.respond = () => ({ status: 502, body: '<html>bad gateway</html>' });
    const reply = await post(webhook('team-sms', [{ alertname: 'A' }]));
    expect(reply.statusCode).toBe(502);
    expect(JSON.parse(reply.body)).toMatchObject({
      Status: 502,
      Message: expect.stringMatching(/^telegram sendMessage: HTTP 502/),
    });

    await service.app.close();
    start({ sendFailureStatus: 400 });
    const compat = await post(webhook('team-sms', [{ alertname: 'A' }]));
    expect(compat.statusCode).toBe(400);
  });

  it('keeps secrets out of error bodies and logs, even when the provider echoes them', async () => {
    api.respond = (r) => ({ status: 401, body: `unauthorized: ${r.url} ${encodeURIComponent(TOKEN)}` });
    const reply = await post(webhook('team-sms', [{ alertname: 'A' }]));
    expect(reply.statusCode).toBe(502);
    expect(reply.body).toContain('<secret>');
    expect(reply.body).not.toContain('telegram-secret-token');
    expect(logs.join('')).toContain('unauthorized');
    expect(logs.join('')).not.toContain('telegram-secret-token');
    // Unreachable provider: the error names the call, never the URL that carries the token.
    writeFileSync(file, config('http://127.0.0.1:9').replace('TEMPLATES', dir.path));
    expect((await service.app.inject({ method: 'POST', url: '/-/reload' })).statusCode).toBe(200);
    const down = await post(webhook('team-sms', [{ alertname: 'A' }]));
    expect(down.statusCode).toBe(502);
    expect(down.body).not.toContain('telegram-secret-token');
    expect(logs.join('')).not.toContain('telegram-secret-token');
  });

  it('reload: a good file takes effect, a broken one is refused (500) and the old config kept', async () => {
    writeFileSync(
      file,
      config(api.url, "  - name: added\n    provider: telegram\n    to: ['7']").replace(
        'TEMPLATES',
        dir.path,
      ),
    );
    expect((await service.app.inject({ method: 'POST', url: '/-/reload' })).statusCode).toBe(200);
    expect((await post(webhook('added', []))).statusCode).toBe(200);

    for (const broken of [
      'receivers: [oops',
      'providers:\n  telegram:\n    token: [1, 2]\n',
      'templates: ["/nonexistent/[x"]\n',
    ]) {
      writeFileSync(file, broken);
      const reload = await service.app.inject({ method: 'POST', url: '/-/reload' });
      expect(reload.statusCode).toBe(500);
      expect(reload.body).toMatch(/^failed to reload config: .*config\.yaml/);
      expect((await post(webhook('added', []))).statusCode).toBe(200);
    }
    writeFileSync(file, `templates: ["${dir.path}/broken/*.tmpl"]\n`);
    mkdirSync(dir.join('broken'), { recursive: true });
    writeFileSync(dir.join('broken', 'bad.tmpl'), '{{ define "x" }}{{ end');
    expect((await service.app.inject({ method: 'POST', url: '/-/reload' })).statusCode).toBe(500);
    expect((await post(webhook('added', []))).statusCode).toBe(200);
    expect((await service.app.inject({ method: 'GET', url: '/-/reload' })).statusCode).toBe(405);
  });

  it('serves /-/live, /-/ready and sachet_requests_total{code,provider}', async () => {
    const live = await service.app.inject({ url: '/-/live' });
    expect([live.statusCode, live.body]).toEqual([200, '{}\n']);
    expect((await service.app.inject({ url: '/-/ready' })).statusCode).toBe(200);
    await post(webhook('team-sms', [{ alertname: 'A' }]));
    await post(webhook('team-sms', [{ alertname: 'B' }]));
    await post(webhook('unknown', []));
    await post(webhook('nowhere', []));
    const metrics = (await service.app.inject({ url: '/metrics' })).body;
    expect(metrics).toContain('sachet_requests_total{code="200",provider="telegram"} 2');
    expect(metrics).toContain('sachet_requests_total{code="400",provider="?"} 1');
    expect(metrics).toContain('sachet_requests_total{code="500",provider="carrier-pigeon"} 1');
  });
});
