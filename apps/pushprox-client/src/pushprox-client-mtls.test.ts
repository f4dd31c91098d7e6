import { writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createLogger } from '@argus/service-kit';
import { appMain, freePort, makeTempDir, makeTestCerts, startProcess, waitFor } from '@argus/testkit';
import type { TempDir, TestProcess } from '@argus/testkit';
import { createPushproxClient } from './pushprox-client.ts';
import type { PushproxClient } from './pushprox-client.ts';

// Client authentication by TLS client certificate: our built proxy serves TLS
// (--web.config.file) and allows the identity `client.example` only for fqdn 127.0.0.1.

const logger = createLogger({ level: 'error', sink: { write: () => undefined } });
let dir: TempDir;
let proxy: TestProcess;
let proxyPort: number;
let target: Server;
let targetPort: number;
const clients: PushproxClient[] = [];

beforeAll(async () => {
  dir = await makeTempDir('pushprox-mtls');
  makeTestCerts(dir.path, 'test');
  await writeFile(
    dir.join('web.yml'),
    'tls_server_config:\n  cert_file: test-server.crt\n  key_file: test-server.key\n  client_ca_file: test-ca.crt\n  client_auth_type: VerifyClientCertIfGiven\n',
  );
  await writeFile(
    dir.join('auth.yml'),
    "clients:\n  - { name: node-a, certificate_name: client.example, fqdns: ['127.0.0.1'] }\n",
  );
  proxyPort = await freePort();
  // Readiness by log line: the test process does not trust the test CA for an HTTPS probe.
  proxy = await startProcess({
    name: 'pushprox-proxy',
    command: process.execPath,
    args: [
      appMain('pushprox-proxy'),
      `--web.listen-address=127.0.0.1:${proxyPort}`,
      `--web.config.file=${dir.join('web.yml')}`,
      `--client-auth.config.file=${dir.join('auth.yml')}`,
    ],
    readyLine: /Listening on/,
  });
  target = createServer((_request, response) => response.end('up 1\n'));
  await new Promise<void>((resolve) => target.listen(0, '127.0.0.1', resolve));
  targetPort = (target.address() as { port: number }).port;
}, 60_000);

afterAll(async () => {
  await Promise.all(clients.map((c) => c.stop()));
  await proxy?.stop();
  await new Promise((r) => target?.close(r));
  await dir?.remove();
});

async function startClient(fqdn: string, withCert: boolean): Promise<PushproxClient> {
  const client = createPushproxClient({
    fqdn,
    proxyUrl: `https://127.0.0.1:${proxyPort}/`,
    tlsCaCertFile: dir.join('test-ca.crt'),
    ...(withCert
      ? { tlsCertFile: dir.join('test-client.crt'), tlsKeyFile: dir.join('test-client.key') }
      : {}),
    metricsAddress: '127.0.0.1:0',
    retryInitialWaitMs: 100,
    retryMaxWaitMs: 300,
    logger,
  });
  await client.start();
  clients.push(client);
  return client;
}

function get(path: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest(
      {
        host: '127.0.0.1',
        port: proxyPort,
        path,
        headers,
        ca: readFileSync(dir.join('test-ca.crt')),
        agent: false,
      },
      (res) => {
        const parts: Buffer[] = [];
        res.on('data', (c: Buffer) => parts.push(c));
        res.on('end', () => resolve({ status: res.statusCode!, body: Buffer.concat(parts).toString() }));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

it('accepts a client certificate for its allowed fqdn, refuses no certificate and a foreign fqdn', async () => {
  await startClient('127.0.0.1', true);
  const foreign = await startClient('127.0.0.2', true);
  const anonymous = await startClient('127.0.0.3', false);
  await waitFor(async () => (await get('/clients')).body.includes('127.0.0.1'), {
    description: 'certified client registered',
  });
  const scrape = await get(`http://127.0.0.1:${targetPort}/metrics`, {
    host: `127.0.0.1:${targetPort}`,
    'x-prometheus-scrape-timeout-seconds': '10',
  });
  expect(scrape).toEqual({ status: 200, body: 'up 1\n' });
  for (const refused of [foreign, anonymous]) {
    await waitFor(async () => ((await refused.metrics.pollErrors.get()).values[0]?.value ?? 0) >= 2, {
      description: 'refused client counts poll errors',
    });
  }
  const listed = (await get('/clients')).body;
  expect(listed).not.toContain('127.0.0.2');
  expect(listed).not.toContain('127.0.0.3');
});
