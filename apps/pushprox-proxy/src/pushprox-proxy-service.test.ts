import { Agent, request as httpRequest } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '@argus/service-kit';
import { ClientAuthenticator } from './client-authenticator.ts';
import { createPushproxProxyService } from './pushprox-proxy-service.ts';
import type { PushproxProxyService } from './pushprox-proxy-service.ts';

const logger = createLogger({ level: 'error', sink: { write: () => undefined } });
let proxy: PushproxProxyService | undefined;
afterEach(async () => {
  await proxy?.stop();
  proxy = undefined;
});

async function start(authenticator?: ClientAuthenticator): Promise<PushproxProxyService> {
  proxy = createPushproxProxyService({
    listenAddress: '127.0.0.1:0',
    logger,
    defaultScrapeTimeoutMs: 15_000,
    maxScrapeTimeoutMs: 300_000,
    registrationTimeoutMs: 300_000,
    maxPushBytes: 1024 * 1024,
    authenticator,
  });
  await proxy.start();
  return proxy;
}

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** One HTTP request on its own connection; `path` may be absolute-form (a proxy request). */
function send(
  port: number,
  method: string,
  path: string,
  headers: Record<string, string> = {},
  body = '',
  agent: Agent | false = false,
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, method, path, headers, agent }, (res) => {
      const parts: Buffer[] = [];
      res.on('data', (c: Buffer) => parts.push(c));
      res.on('end', () =>
        resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(parts).toString() }),
      );
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('pushprox proxy service', () => {
  it('relays a proxied scrape through poll and push, and strips Id and the timeout header', async () => {
    const { port } = (await start()).address;
    const poll = send(port, 'POST', '/poll', { 'content-type': '' }, ' node-1 \n');
    await waitForClients(port, ['node-1']);
    const scrape = send(port, 'GET', 'http://node-1:9100/metrics', {
      host: 'node-1:9100',
      'x-prometheus-scrape-timeout-seconds': '10',
      'user-agent': 'Prometheus/2.42.0',
    });
    const instruction = await poll;
    expect(instruction.status).toBe(200);
    const id = /\r\nId: ([0-9a-f-]{36})\r\n/.exec(instruction.body)?.[1];
    expect(instruction.body).toMatch(
      /^GET http:\/\/node-1:9100\/metrics HTTP\/1\.1\r\nHost: node-1:9100\r\nUser-Agent: Prometheus\/2\.42\.0\r\n/,
    );
    expect(id).toBeDefined();
    const pushed = `HTTP/1.1 203 Whatever\r\nContent-Length: 5\r\nContent-Type: text/plain\r\nId: ${id}\r\nX-Prometheus-Scrape-Timeout: 9.5\r\nX-Prometheus-Scrape-Timeout-Seconds: 10\r\n\r\nup 1\n`;
    expect((await send(port, 'POST', '/push', {}, pushed)).status).toBe(200);
    const answer = await scrape;
    expect(answer).toMatchObject({ status: 203, body: 'up 1\n' });
    expect(answer.headers['content-type']).toBe('text/plain');
    expect(answer.headers['x-prometheus-scrape-timeout']).toBe('9.5');
    expect(answer.headers.id).toBeUndefined();
    expect(answer.headers['x-prometheus-scrape-timeout-seconds']).toBeUndefined();
  });

  it('many scrapes over one keep-alive poll connection do not pile up listeners on it (regression)', async () => {
    const { port } = (await start()).address;
    const warnings: string[] = [];
    const onWarning = (warning: Error): void => void warnings.push(warning.name);
    process.on('warning', onWarning);
    const pollAgent = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      for (let i = 0; i < 15; i++) {
        const poll = send(port, 'POST', '/poll', {}, 'h', pollAgent);
        await waitForClients(port, ['h']);
        const scrape = send(port, 'GET', `http://h:1/m?i=${i}`, {
          'x-prometheus-scrape-timeout-seconds': '10',
        });
        const id = /\r\nId: (\S+)\r\n/.exec((await poll).body)![1];
        await send(
          port,
          'POST',
          '/push',
          {},
          `HTTP/1.1 200 OK\r\nContent-Length: 1\r\nId: ${id}\r\n\r\n${i % 10}`,
        );
        expect((await scrape).body).toBe(String(i % 10));
      }
      await new Promise((r) => setTimeout(r, 10));
      expect(warnings).not.toContain('MaxListenersExceededWarning');
    } finally {
      process.off('warning', onWarning);
      pollAgent.destroy();
    }
  });

  it('answers 500 with the upstream text when no client polls before the timeout', async () => {
    const { port } = (await start()).address;
    const answer = await send(port, 'GET', 'http://nobody:9100/metrics', {
      'x-prometheus-scrape-timeout-seconds': '0.2',
    });
    expect(answer).toMatchObject({
      status: 500,
      body: 'Error scraping "http://nobody:9100/metrics": timeout reached for "http://nobody:9100/metrics": context deadline exceeded\n',
    });
  });

  it('expires the older poll of the same fqdn with 408', async () => {
    const { port } = (await start()).address;
    const first = send(port, 'POST', '/poll', {}, 'h');
    await waitForClients(port, ['h']);
    const second = send(port, 'POST', '/poll', {}, 'h');
    expect(await first).toMatchObject({
      status: 408,
      body: 'Error WaitForScrapeInstruction: request is expired\n',
    });
    void second.catch(() => undefined);
  });

  it.each([
    {
      name: 'a body that is no HTTP response',
      body: 'nonsense\r\n\r\n',
      want: 'Error pushing: malformed HTTP response "nonsense"\n',
    },
    {
      name: 'an unknown id',
      body: 'HTTP/1.1 200 OK\r\nId: nope\r\nContent-Length: 0\r\n\r\n',
      want: 'Error pushing: no scrape is waiting for id "nope"\n',
    },
  ])('answers 500 to a push of $name', async ({ body, want }) => {
    const { port } = (await start()).address;
    expect(await send(port, 'POST', '/push', {}, body)).toMatchObject({ status: 500, body: want });
  });

  it('serves /clients as http_sd JSON, 404 like Go elsewhere, and the upstream metric names', async () => {
    const { port } = (await start()).address;
    expect(await send(port, 'GET', '/clients')).toMatchObject({ status: 200, body: '[]\n' });
    expect(await send(port, 'GET', '/nope')).toMatchObject({ status: 404, body: '404 page not found\n' });
    const metrics = (await send(port, 'GET', '/metrics')).body;
    for (const line of [
      'pushprox_http_requests_total{code="200",path="/clients"} 1',
      'pushprox_http_requests_total{code="408",path="/poll"} 0',
      'pushprox_proxy_clients 0',
      '# TYPE pushproxy_proxied_requests_total counter',
      '# TYPE pushprox_http_duration_seconds histogram',
    ]) {
      expect(metrics).toContain(line);
    }
  });

  it('with client authentication, refuses an unauthenticated poll and a foreign fqdn', async () => {
    const auth = new ClientAuthenticator([{ name: 'node-1', token: 's3cret', fqdns: ['node-1'] }]);
    const { port } = (await start(auth)).address;
    expect(await send(port, 'POST', '/poll', {}, 'node-1')).toMatchObject({
      status: 401,
      body: 'Error WaitForScrapeInstruction: client not authenticated: send a valid bearer token or client certificate\n',
    });
    expect(await send(port, 'POST', '/poll', { authorization: 'Bearer s3cret' }, 'node-2')).toMatchObject({
      status: 403,
      body: 'Error WaitForScrapeInstruction: client "node-1" may not poll as fqdn "node-2"\n',
    });
    const poll = send(port, 'POST', '/poll', { authorization: 'Bearer s3cret' }, 'node-1');
    await waitForClients(port, ['node-1']);
    const scrape = send(port, 'GET', 'http://node-1:9100/metrics', {
      'x-prometheus-scrape-timeout-seconds': '10',
    });
    const id = /\r\nId: (\S+)\r\n/.exec((await poll).body)![1];
    const pushed = `HTTP/1.1 200 OK\r\nContent-Length: 0\r\nId: ${id}\r\n\r\n`;
    expect((await send(port, 'POST', '/push', {}, pushed)).status).toBe(401);
    expect((await send(port, 'POST', '/push', { authorization: 'Bearer s3cret' }, pushed)).status).toBe(200);
    expect((await scrape).status).toBe(200);
  });
});

async function waitForClients(port: number, want: string[]): Promise<void> {
  for (;;) {
    const listed = JSON.parse((await send(port, 'GET', '/clients')).body) as { targets: string[] }[];
    if (JSON.stringify(listed.map((g) => g.targets[0])) === JSON.stringify(want)) return;
    await new Promise((r) => setTimeout(r, 10));
  }
}
