import bcrypt from 'bcryptjs';
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { accessSync, constants, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createService } from './service.ts';
import type { Service } from './service.ts';
import { makeTestCerts, type TestCerts } from '@argus/testkit';
import { memoryLogger } from './test-logger.ts';

// The same --web.config.file served by Debian's node_exporter (exporter-toolkit) and by
// createService must look the same to a client: status, auth challenge, headers, body.
const upstreamBinary = '/usr/bin/prometheus-node-exporter';
const haveUpstream = (() => {
  try {
    accessSync(upstreamBinary, constants.X_OK);
    return true;
  } catch {
    return false;
  }
})();

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

function get(url: string, ca: string, auth?: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(url, { ca, agent: false, ...(auth ? { auth } : {}) }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as { port: number }).port;
      server.close(() => resolve(port));
    });
  });
}

describe.skipIf(!haveUpstream)('web config parity with Debian node_exporter', () => {
  let dir: string;
  let certs: TestCerts;
  let upstream: ChildProcess;
  let upstreamUrl: string;
  let ours: Service;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'service-kit-parity-'));
    certs = makeTestCerts(dir);
    const config = join(dir, 'web.yml');
    writeFileSync(
      config,
      [
        'tls_server_config:',
        `  cert_file: ${certs.serverCert}`,
        `  key_file: ${certs.serverKey}`,
        'basic_auth_users:',
        `  alice: ${bcrypt.hashSync('s3cret', 4)}`,
        'http_server_config:',
        '  headers:',
        '    X-Frame-Options: deny',
        '',
      ].join('\n'),
    );
    const port = await freePort();
    upstreamUrl = `https://127.0.0.1:${port}`;
    upstream = spawn(
      upstreamBinary,
      [
        `--web.listen-address=127.0.0.1:${port}`,
        `--web.config.file=${config}`,
        '--collector.disable-defaults',
        '--collector.loadavg',
      ],
      {
        stdio: 'ignore',
      },
    );
    const deadline = Date.now() + 15_000;
    for (;;) {
      try {
        await get(`${upstreamUrl}/metrics`, certs.caPem);
        break;
      } catch (error) {
        if (Date.now() > deadline) throw error;
        await new Promise((r) => setTimeout(r, 50));
      }
    }
    ours = createService({
      displayName: 'Ours',
      logger: memoryLogger().logger,
      listenAddress: '127.0.0.1:0',
      webConfigFile: config,
    });
    await ours.start();
  });

  afterAll(async () => {
    upstream?.kill('SIGKILL');
    await ours?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const shape = (a: Answer) => ({
    status: a.status,
    'content-type': a.headers['content-type'],
    'www-authenticate': a.headers['www-authenticate'],
    'x-content-type-options': a.headers['x-content-type-options'],
    'x-frame-options': a.headers['x-frame-options'],
    body: a.status === 200 ? '(metrics)' : a.body,
  });

  it.each([
    { name: 'no credentials', auth: undefined },
    { name: 'wrong password', auth: 'alice:wrong' },
    { name: 'unknown user', auth: 'mallory:s3cret' },
  ])('answers $name the same way', async ({ auth }) => {
    const theirs = await get(`${upstreamUrl}/metrics`, certs.caPem, auth);
    const mine = await get(`${ours.address.url}/metrics`, certs.caPem, auth);
    expect(shape(mine)).toEqual(shape(theirs));
    expect(theirs.status).toBe(401);
  });

  it('lets the right password in on both', async () => {
    const theirs = await get(`${upstreamUrl}/metrics`, certs.caPem, 'alice:s3cret');
    const mine = await get(`${ours.address.url}/metrics`, certs.caPem, 'alice:s3cret');
    expect([mine.status, mine.headers['x-frame-options']]).toEqual([
      theirs.status,
      theirs.headers['x-frame-options'],
    ]);
    expect(theirs.status).toBe(200);
  });
});
