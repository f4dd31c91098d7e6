import { createServer } from 'node:http';
import type { Server } from 'node:http';
import { request as httpRequest } from 'node:http';
import { writeFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '@argus/service-kit';
import { freePort, makeTempDir, startService, waitFor } from '@argus/testkit';
import type { TempDir, TestProcess } from '@argus/testkit';
import { createPushproxClient } from './pushprox-client.ts';
import type { PushproxClient } from './pushprox-client.ts';

// Our client in-process against our built proxy (apps/pushprox-proxy/dist/main.js).

const logger = createLogger({ level: 'error', sink: { write: () => undefined } });
const CLIENTS = 50;
const ROUNDS = 10;
let proxy: TestProcess;
let proxyPort: number;
let authProxy: TestProcess;
let authProxyPort: number;
let dir: TempDir;
const targets: Server[] = [];
const clients: PushproxClient[] = [];
let targetPort: number;

function proxiedScrape(
  port: number,
  url: string,
  timeoutHeader: Record<string, string> = { 'x-prometheus-scrape-timeout-seconds': '20' },
): Promise<{ status: number; body: string; headers: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const host = url.split('/')[2]!;
    const req = httpRequest(
      {
        host: '127.0.0.1',
        port,
        path: url,
        headers: { host, ...timeoutHeader, 'accept-encoding': 'gzip' },
        agent: false,
      },
      (res) => {
        const parts: Buffer[] = [];
        res.on('data', (c: Buffer) => parts.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode!,
            body: Buffer.concat(parts).toString('latin1'),
            headers: res.headers,
          }),
        );
      },
    );
    req.on('error', reject);
    req.end();
  });
}

async function client(
  fqdn: string,
  port: number,
  extra: { proxyTokenFile?: string; allowPort?: string; useLocalhost?: boolean } = {},
): Promise<PushproxClient> {
  const c = createPushproxClient({
    fqdn,
    proxyUrl: `http://127.0.0.1:${port}`,
    metricsAddress: '127.0.0.1:0',
    retryInitialWaitMs: 100,
    retryMaxWaitMs: 300,
    logger,
    ...extra,
  });
  await c.start();
  clients.push(c);
  return c;
}

beforeAll(async () => {
  dir = await makeTempDir('pushprox-client');
  await writeFile(dir.join('token'), 's3cret\n');
  await writeFile(dir.join('wrong'), 'nope\n');
  await writeFile(
    dir.join('auth.yml'),
    `clients:\n  - { name: node-a, token_file: token, fqdns: ['127.0.0.1'] }\n`,
  );
  proxyPort = await freePort();
  proxy = await startService(
    'pushprox-proxy',
    [`--web.listen-address=127.0.0.1:${proxyPort}`, '--log.level=error'],
    `http://127.0.0.1:${proxyPort}`,
  );
  authProxyPort = await freePort();
  authProxy = await startService(
    'pushprox-proxy',
    [
      `--web.listen-address=127.0.0.1:${authProxyPort}`,
      '--log.level=error',
      `--client-auth.config.file=${dir.join('auth.yml')}`,
    ],
    `http://127.0.0.1:${authProxyPort}`,
  );
  // One target per loopback address 127.0.0.<i>; it echoes the Host it was asked for and the query.
  targetPort = await freePort();
  for (let i = 1; i <= CLIENTS; i++) {
    const server = createServer((request, response) => {
      const gzip = request.headers['accept-encoding'] === 'gzip';
      response.writeHead(200, {
        'content-type': 'text/plain',
        ...(gzip ? { 'content-encoding': 'gzip' } : {}),
      });
      response.end(
        `host=${request.headers.host} url=${request.url} id=${String(request.headers.id).length}\n`,
      );
    });
    await new Promise<void>((resolve) => server.listen(targetPort, `127.0.0.${i}`, resolve));
    targets.push(server);
  }
}, 60_000);

afterAll(async () => {
  await Promise.all(clients.map((c) => c.stop()));
  await Promise.all([proxy?.stop(), authProxy?.stop()]);
  await Promise.all(targets.map((s) => new Promise((r) => s.close(r))));
  await dir?.remove();
});

async function listed(port: number): Promise<string[]> {
  return ((await (await fetch(`http://127.0.0.1:${port}/clients`)).json()) as { targets: string[] }[]).map(
    (g) => g.targets[0]!,
  );
}

describe('pushprox client against our proxy', () => {
  it(`${CLIENTS} clients × ${ROUNDS} rounds of concurrent scrapes: every response reaches the scrape that asked for it`, async () => {
    for (let i = 1; i <= CLIENTS; i++) await client(`127.0.0.${i}`, proxyPort);
    await waitFor(async () => (await listed(proxyPort)).length === CLIENTS, {
      timeoutMs: 20_000,
      description: 'all clients registered',
    });
    let checked = 0;
    for (let round = 0; round < ROUNDS; round++) {
      const scrapes = Array.from({ length: CLIENTS }, (_, i) => {
        const host = `127.0.0.${i + 1}:${targetPort}`;
        return proxiedScrape(proxyPort, `http://${host}/metrics?round=${round}&i=${i}`).then((answer) => ({
          answer,
          host,
          round,
          i,
        }));
      });
      for (const { answer, host, round: r, i } of await Promise.all(scrapes)) {
        expect(answer.status).toBe(200);
        // The Id header travelled to the target (36 characters) and the body is untouched.
        expect(answer.body).toBe(`host=${host} url=/metrics?round=${r}&i=${i} id=36\n`);
        expect(answer.headers['content-encoding']).toBe('gzip');
        checked++;
      }
    }
    expect(checked).toBe(CLIENTS * ROUNDS);
    const errors = await Promise.all(
      clients.map(async (c) => (await c.metrics.scrapeErrors.get()).values[0]?.value ?? 0),
    );
    expect(errors.reduce((a, b) => a + b, 0)).toBe(0);
  }, 60_000);

  it('pushes the upstream error text when the target cannot be reached', async () => {
    await waitFor(async () => (await listed(proxyPort)).includes('127.0.0.1'), {
      description: 'client 1 registered',
    });
    const refused = await proxiedScrape(proxyPort, `http://127.0.0.1:1/metrics`);
    expect(refused.status).toBe(500);
    expect(refused.body).toMatch(/^failed to scrape http:\/\/127\.0\.0\.1:1\/metrics: /);
  });

  it('Rancher --use-localhost dials 127.0.0.1 keeping the Host; --allow-port refuses other ports', async () => {
    await client('node-x.invalid', proxyPort, { allowPort: String(targetPort), useLocalhost: true });
    await waitFor(async () => (await listed(proxyPort)).includes('node-x.invalid'), {
      description: 'rancher-style client registered',
    });
    const answer = await proxiedScrape(proxyPort, `http://node-x.invalid:${targetPort}/metrics`);
    expect(answer).toMatchObject({
      status: 200,
      body: `host=node-x.invalid:${targetPort} url=/metrics id=36\n`,
    });
    const refused = await proxiedScrape(proxyPort, `http://node-x.invalid:1/metrics`);
    expect(refused).toMatchObject({ status: 500, body: 'client does not have permissions to scrape port 1' });
  });

  it('pushes the ParseFloat error when the scraper sent no timeout header (upstream requires it)', async () => {
    const refused = await proxiedScrape(proxyPort, `http://127.0.0.1:${targetPort}/metrics`, {});
    expect(refused).toMatchObject({ status: 500, body: 'strconv.ParseFloat: parsing "": invalid syntax' });
  });

  it('with client authentication on the proxy: the right token works, a wrong one is refused and counted as poll errors', async () => {
    const good = await client('127.0.0.1', authProxyPort, { proxyTokenFile: dir.join('token') });
    const bad = await client('127.0.0.2', authProxyPort, { proxyTokenFile: dir.join('wrong') });
    await waitFor(async () => (await listed(authProxyPort)).includes('127.0.0.1'), {
      description: 'authenticated client registered',
    });
    const answer = await proxiedScrape(authProxyPort, `http://127.0.0.1:${targetPort}/metrics`);
    expect(answer.status).toBe(200);
    await waitFor(async () => (await bad.metrics.pollErrors.get()).values[0]!.value >= 2, {
      description: 'refused client counts poll errors',
    });
    expect(await listed(authProxyPort)).not.toContain('127.0.0.2');
    expect((await good.metrics.pollErrors.get()).values[0]!.value).toBe(0);
  });

  it("a client refused by the proxy logs the status and the proxy's reason", async () => {
    const lines: string[] = [];
    const c = createPushproxClient({
      fqdn: '127.0.0.3',
      proxyUrl: `http://127.0.0.1:${authProxyPort}`,
      metricsAddress: '127.0.0.1:0',
      retryInitialWaitMs: 100,
      retryMaxWaitMs: 300,
      proxyTokenFile: dir.join('token'),
      logger: createLogger({ level: 'warn', sink: { write: (line) => void lines.push(line) } }),
    });
    await c.start();
    clients.push(c);
    await waitFor(() => lines.some((l) => l.includes('Error polling for scrapes')), {
      description: 'poll error logged',
    });
    expect(lines.find((l) => l.includes('Error polling for scrapes'))).toContain(
      'poll answered 403: Error WaitForScrapeInstruction: client \\"node-a\\" may not poll as fqdn \\"127.0.0.3\\"',
    );
  });
});
