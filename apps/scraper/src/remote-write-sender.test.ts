import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { IncomingHttpHeaders, IncomingMessage, Server, ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { makeTempDir, makeTestCerts } from '@argus/testkit';
import type { TempDir } from '@argus/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseScraperConfig } from './config/scraper-config.ts';
import { httpSender } from './remote-write-sender.ts';

let dir: TempDir;
let plain: Server;
let tls: Server;
let plainBase: string;
let tlsBase: string;
const seen: { url: string; headers: IncomingHttpHeaders; body: Buffer }[] = [];

const handler = (req: IncomingMessage, res: ServerResponse): void => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    seen.push({ url: req.url!, headers: req.headers, body: Buffer.concat(chunks) });
    if (req.url === '/busy') res.writeHead(429, { 'retry-after': '7' }).end('slow down');
    else res.writeHead(204).end();
  });
};

const listen = async (server: Server): Promise<string> => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `127.0.0.1:${(server.address() as AddressInfo).port}`;
};

beforeAll(async () => {
  dir = await makeTempDir('scraper-remote-write-sender');
  const certs = makeTestCerts(dir.path);
  plain = createServer(handler);
  plainBase = `http://${await listen(plain)}`;
  tls = createHttpsServer(
    {
      key: readFileSync(join(certs.dir, certs.serverKey)),
      cert: readFileSync(join(certs.dir, certs.serverCert)),
    },
    handler,
  );
  tlsBase = `https://${await listen(tls)}`;
});

afterAll(async () => {
  for (const s of [plain, tls]) {
    s.closeAllConnections();
    await new Promise((resolve) => s.close(resolve));
  }
  await dir.remove();
});

const entry = (url: string, extra = '') =>
  parseScraperConfig(`remote_write:\n  - url: ${url}\n${extra}`, join(dir.path, 'p.yml'), dir.path)
    .remoteWrite[0]!;

describe('httpSender', () => {
  it('POSTs the body with the remote-write headers, configured headers and credentials', async () => {
    const sender = httpSender(
      entry(`${plainBase}/api/v1/write`, `    headers: {X-Scope-OrgID: team-a}\n    bearer_token: s3cret\n`),
      dir.path,
    );
    try {
      expect(await sender.send(Buffer.from('abc'), 5000)).toEqual({ status: 204, retryAfter: null });
      expect(await sender.send(Buffer.from('def'), 5000)).toEqual({ status: 204, retryAfter: null });
    } finally {
      await sender.close();
    }
    const [first, second] = seen.slice(-2);
    expect(first!.body.toString()).toBe('abc');
    expect(second!.body.toString()).toBe('def');
    expect(first!.headers).toMatchObject({
      'content-type': 'application/x-protobuf',
      'content-encoding': 'snappy',
      'x-prometheus-remote-write-version': '0.1.0',
      'x-scope-orgid': 'team-a',
      authorization: 'Bearer s3cret',
      'user-agent': 'Argus-scraper/0.1.0',
    });
  });

  it('returns the status and Retry-After of a refusal', async () => {
    const sender = httpSender(entry(`${plainBase}/busy`), dir.path);
    try {
      expect(await sender.send(Buffer.from('x'), 5000)).toEqual({ status: 429, retryAfter: '7' });
    } finally {
      await sender.close();
    }
  });

  it('applies the entry tls_config (an https receiver signed by its own CA)', async () => {
    const url = `${tlsBase}/api/v1/write`;
    const trusted = httpSender(entry(url, `    tls_config: {ca_file: test-ca.crt}\n`), dir.path);
    const untrusted = httpSender(entry(url), dir.path);
    try {
      expect((await trusted.send(Buffer.from('x'), 5000)).status).toBe(204);
      await expect(untrusted.send(Buffer.from('x'), 5000)).rejects.toThrow();
    } finally {
      await Promise.all([trusted.close(), untrusted.close()]);
    }
  });
});

describe('httpSender timeout', () => {
  it('gives up after remote_timeout', async () => {
    const hanging = createServer(() => undefined); // never answers
    const address = await listen(hanging);
    const sender = httpSender(entry(`http://${address}/api/v1/write`), dir.path);
    try {
      const started = performance.now();
      await expect(sender.send(Buffer.from('x'), 200)).rejects.toThrow('context deadline exceeded');
      expect(performance.now() - started).toBeLessThan(5000);
    } finally {
      await sender.close();
      hanging.closeAllConnections();
      await new Promise((resolve) => hanging.close(resolve));
    }
  });
});
