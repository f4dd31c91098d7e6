import { readFileSync } from 'node:fs';
import { createServer, request as httpRequest } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { Server as HttpsServer } from 'node:https';
import { connect } from 'node:net';
import type { AddressInfo, Socket } from 'node:net';
import { join } from 'node:path';
import { makeTempDir, makeTestCerts } from '@argus/testkit';
import type { TempDir, TestCerts } from '@argus/testkit';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { parseScraperConfig } from './config/scraper-config.ts';
import type { ScrapeConfig } from './config/scraper-config.ts';
import { ScrapeHttpClients } from './http-client-cache.ts';
import { httpScrape } from './http-scrape.ts';

let dir: TempDir;
let certs: TestCerts;
let plain: Server;
let plainBase: string;
let plainConnections = 0;
let tls: HttpsServer;
let tlsPort: number;
let tls12Only: HttpsServer;
let tls12Port: number;
let proxy: Server;
let proxyUrl: string;
/** What reached the proxy: request lines of forwarded requests and CONNECT targets. */
const proxied: { requestLine: string; host: string | undefined }[] = [];
const clients = new ScrapeHttpClients();

const listen = async <T extends Server | HttpsServer>(server: T): Promise<number> => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
};

const metricsHandler = (req: IncomingMessage, res: ServerResponse): void => {
  if (req.url === '/redirect') {
    res.writeHead(302, { location: '/metrics' }).end();
    return;
  }
  if (req.url === '/loop') {
    res.writeHead(302, { location: '/loop' }).end();
    return;
  }
  const peer = (
    req.socket as { getPeerCertificate?: () => { subject?: { CN?: string } } }
  ).getPeerCertificate?.();
  res.setHeader('content-type', 'text/plain; version=0.0.4');
  res.end(`hit{path="${req.url}",client="${peer?.subject?.CN ?? ''}"} 1\n`);
};

beforeAll(async () => {
  dir = await makeTempDir('scraper-http-client');
  certs = makeTestCerts(dir.path);
  plain = createServer(metricsHandler);
  plain.on('connection', () => plainConnections++);
  plainBase = `http://127.0.0.1:${await listen(plain)}`;
  const key = readFileSync(join(certs.dir, certs.serverKey));
  const cert = readFileSync(join(certs.dir, certs.serverCert));
  tls = createHttpsServer(
    { key, cert, ca: certs.caPem, requestCert: true, rejectUnauthorized: false },
    metricsHandler,
  );
  tlsPort = await listen(tls);
  tls12Only = createHttpsServer({ key, cert, maxVersion: 'TLSv1.2' }, metricsHandler);
  tls12Port = await listen(tls12Only);
  // A forward proxy: absolute-form requests are relayed, CONNECT is tunnelled.
  proxy = createServer((req, res) => {
    proxied.push({ requestLine: `${req.method} ${req.url}`, host: req.headers.host });
    const target = new URL(req.url!);
    const upstream = httpRequest(
      {
        host: target.hostname,
        port: target.port,
        path: `${target.pathname}${target.search}`,
        headers: req.headers,
      },
      (answer) => {
        res.writeHead(answer.statusCode!, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on('error', () => res.writeHead(502).end());
    req.pipe(upstream);
  });
  proxy.on('connect', (req: IncomingMessage, socket: Socket) => {
    proxied.push({ requestLine: `CONNECT ${req.url}`, host: req.headers.host });
    const [host, port] = req.url!.split(':');
    const upstream = connect(Number(port), host!, () => {
      socket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      upstream.pipe(socket);
      socket.pipe(upstream);
    });
    upstream.on('error', () => socket.destroy());
    socket.on('error', () => upstream.destroy());
  });
  proxyUrl = `http://127.0.0.1:${await listen(proxy)}`;
});

afterEach(() => {
  proxied.length = 0;
});

afterAll(async () => {
  await clients.close();
  for (const server of [plain, tls, tls12Only, proxy]) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
  await dir.remove();
});

const config = (extra: string): ScrapeConfig =>
  parseScraperConfig(`scrape_configs:\n  - job_name: a\n${extra}`, 'p.yml', dir.path).scrapeConfigs[0]!;

const scrape = async (url: string, extra = ''): Promise<string> => {
  const r = await httpScrape(url, config(extra), certs.dir, clients)(3000);
  return Buffer.from(r.body).toString();
};

describe('tls_config', () => {
  it.each([
    {
      name: 'the CA from ca_file',
      extra: '    tls_config: { ca_file: test-ca.crt }\n',
      want: 'client=""',
    },
    {
      name: 'server_name checked instead of the address',
      extra: '    tls_config: { ca_file: test-ca.crt, server_name: localhost }\n',
      want: 'client=""',
    },
    {
      name: 'insecure_skip_verify',
      extra: '    tls_config: { insecure_skip_verify: true }\n',
      want: 'client=""',
    },
    {
      name: 'a client certificate from cert_file/key_file',
      extra:
        '    tls_config: { ca_file: test-ca.crt, cert_file: test-client.crt, key_file: test-client.key }\n',
      want: 'client="client"',
    },
  ])('scrapes https with $name', async ({ extra, want }) => {
    expect(await scrape(`https://127.0.0.1:${tlsPort}/metrics`, extra)).toContain(want);
  });

  it.each([
    { name: 'no CA for a private certificate', extra: '', want: /self.signed|unable to (get|verify)/ },
    {
      name: 'a server_name the certificate does not cover',
      extra: '    tls_config: { ca_file: test-ca.crt, server_name: wrong.example }\n',
      want: /wrong\.example/,
    },
    {
      name: 'a missing ca_file',
      extra: '    tls_config: { ca_file: nope.crt }\n',
      want: /error creating HTTP client: unable to read CA file nope\.crt/,
    },
  ])('refuses $name', async ({ extra, want }) => {
    await expect(scrape(`https://127.0.0.1:${tlsPort}/metrics`, extra)).rejects.toThrow(want);
  });

  it('min_version: TLS13 refuses a TLS 1.2-only server that TLS12 accepts', async () => {
    const url = `https://127.0.0.1:${tls12Port}/metrics`;
    expect(await scrape(url, '    tls_config: { ca_file: test-ca.crt, min_version: TLS12 }\n')).toContain(
      'hit',
    );
    await expect(
      scrape(url, '    tls_config: { ca_file: test-ca.crt, min_version: TLS13 }\n'),
    ).rejects.toThrow(/version|protocol/i);
  });
});

describe('proxy_url', () => {
  it('sends http targets to the proxy in absolute form with the target as Host (not CONNECT)', async () => {
    const target = `${plainBase}/metrics?x=1`;
    expect(await scrape(target, `    proxy_url: ${proxyUrl}\n`)).toContain('path="/metrics?x=1"');
    expect(proxied).toEqual([{ requestLine: `GET ${target}`, host: new URL(plainBase).host }]);
  });

  it('tunnels https targets with CONNECT, tls_config applying to the target', async () => {
    const body = await scrape(
      `https://127.0.0.1:${tlsPort}/metrics`,
      `    proxy_url: ${proxyUrl}\n    tls_config: { ca_file: test-ca.crt }\n`,
    );
    expect(body).toContain('hit');
    expect(proxied).toEqual([{ requestLine: `CONNECT 127.0.0.1:${tlsPort}`, host: `127.0.0.1:${tlsPort}` }]);
  });

  it('sends Proxy-Authorization from the proxy URL user info', async () => {
    const seen: (string | undefined)[] = [];
    const listener = (req: IncomingMessage): void => void seen.push(req.headers['proxy-authorization']);
    proxy.prependListener('request', listener);
    try {
      await scrape(`${plainBase}/metrics`, `    proxy_url: http://user:p%40ss@${new URL(proxyUrl).host}\n`);
    } finally {
      proxy.off('request', listener);
    }
    expect(seen).toEqual([`Basic ${Buffer.from('user:p@ss').toString('base64')}`]);
  });
});

describe('follow_redirects', () => {
  it('follows redirects by default, including through the proxy', async () => {
    expect(await scrape(`${plainBase}/redirect`)).toContain('path="/metrics"');
    expect(await scrape(`${plainBase}/redirect`, `    proxy_url: ${proxyUrl}\n`)).toContain(
      'path="/metrics"',
    );
    expect(proxied.map((p) => p.requestLine)).toEqual([
      `GET ${plainBase}/redirect`,
      `GET ${plainBase}/metrics`,
    ]);
  });

  it('reports the redirect as a bad status when off, and gives up after 10 redirects', async () => {
    await expect(scrape(`${plainBase}/redirect`, '    follow_redirects: false\n')).rejects.toThrow(
      'server returned HTTP status 302 Found',
    );
    await expect(scrape(`${plainBase}/loop`)).rejects.toThrow(
      `Get "${plainBase}/loop": stopped after 10 redirects`,
    );
  });
});

describe('connections', () => {
  it('reuses connections across scrapes of a config, enable_http2 accepted', async () => {
    const own = new ScrapeHttpClients();
    const before = plainConnections;
    const c = config('    enable_http2: false\n');
    for (let i = 0; i < 10; i++) await httpScrape(`${plainBase}/metrics`, c, '.', own)(2000);
    // A connection may still look busy for an instant after its body ended, so a second
    // one can open; without reuse there would be ten.
    expect(plainConnections - before).toBeLessThanOrEqual(2);
    await own.close();
    expect(own.size).toBe(0);
  });

  it('shares a client between configs with equal HTTP settings; sweeps idle ones', async () => {
    let now = 0;
    const own = new ScrapeHttpClients(1000, () => now);
    const a = own.client(config(''), '.');
    expect(own.client(config('    scrape_interval: 5s\n'), '.')).toBe(a);
    expect(own.client(config('    follow_redirects: false\n'), '.')).not.toBe(a);
    now = 500;
    own.client(config(''), '.');
    now = 1200;
    await own.sweep();
    expect(own.size).toBe(1);
    expect(own.client(config(''), '.')).toBe(a);
    await own.close();
  });
});
