import { readFileSync, writeFileSync } from 'node:fs';
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
import { HttpClientCache } from './cache.ts';
import type { HttpClientConfig } from './config.ts';
import { validateHttpClientConfig } from './validate.ts';

/** A `Secret` as the apps decode them. */
const secret = (value: string) => ({ reveal: () => value, toJSON: () => '<secret>' });

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
const clients = new HttpClientCache();

const listen = async <T extends Server | HttpsServer>(server: T): Promise<number> => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
};

/** What the plain server saw: method, path, Authorization. */
const seenByServer: { method: string; url: string; authorization: string | undefined }[] = [];

const metricsHandler = (req: IncomingMessage, res: ServerResponse): void => {
  seenByServer.push({ method: req.method!, url: req.url!, authorization: req.headers.authorization });
  if (req.url === '/token') {
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ access_token: `tok-${req.headers.authorization}`, expires_in: 3600 }));
    return;
  }
  if (req.url === '/see-other') {
    res.writeHead(303, { location: '/metrics' }).end();
    return;
  }
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
  seenByServer.length = 0;
});

afterAll(async () => {
  await clients.close();
  for (const server of [plain, tls, tls12Only, proxy]) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
  await dir.remove();
});

/** GET `url` with a client for `config` (files relative to the test certs), body as text. */
const get = async (url: string, config: HttpClientConfig = {}): Promise<string> => {
  const client = clients.client(config, { baseDir: certs.dir });
  const res = await client.request({ url, timeoutMs: 3000 });
  const body = await res.body.text();
  if (res.statusCode !== 200) throw new Error(`status ${res.statusCode}`);
  return body;
};

describe('tls_config', () => {
  it.each<{ name: string; config: HttpClientConfig; want: string }>([
    { name: 'the CA from ca_file', config: { tls_config: { ca_file: 'test-ca.crt' } }, want: 'client=""' },
    {
      name: 'server_name checked instead of the address',
      config: { tls_config: { ca_file: 'test-ca.crt', server_name: 'localhost' } },
      want: 'client=""',
    },
    {
      name: 'insecure_skip_verify',
      config: { tls_config: { insecure_skip_verify: true } },
      want: 'client=""',
    },
    {
      name: 'a client certificate from cert_file/key_file',
      config: {
        tls_config: { ca_file: 'test-ca.crt', cert_file: 'test-client.crt', key_file: 'test-client.key' },
      },
      want: 'client="client"',
    },
  ])('gets https with $name', async ({ config, want }) => {
    expect(await get(`https://127.0.0.1:${tlsPort}/metrics`, config)).toContain(want);
  });

  it.each<{ name: string; config: HttpClientConfig; want: RegExp }>([
    { name: 'no CA for a private certificate', config: {}, want: /self.signed|unable to (get|verify)/ },
    {
      name: 'a server_name the certificate does not cover',
      config: { tls_config: { ca_file: 'test-ca.crt', server_name: 'wrong.example' } },
      want: /wrong\.example/,
    },
    {
      name: 'a missing ca_file',
      config: { tls_config: { ca_file: 'nope.crt' } },
      want: /^unable to read CA file nope\.crt: ENOENT/,
    },
  ])('refuses $name', async ({ config, want }) => {
    await expect(get(`https://127.0.0.1:${tlsPort}/metrics`, config)).rejects.toThrow(want);
  });

  it('min_version: TLS13 refuses a TLS 1.2-only server that TLS12 accepts', async () => {
    const url = `https://127.0.0.1:${tls12Port}/metrics`;
    expect(await get(url, { tls_config: { ca_file: 'test-ca.crt', min_version: 'TLS12' } })).toContain('hit');
    await expect(get(url, { tls_config: { ca_file: 'test-ca.crt', min_version: 'TLS13' } })).rejects.toThrow(
      /version|protocol/i,
    );
  });

  it('validateHttpClientConfig refuses missing TLS files and bad proxy URLs, as at config load', () => {
    expect(() =>
      validateHttpClientConfig({ tls_config: { ca_file: 'test-ca.crt' } }, certs.dir),
    ).not.toThrow();
    expect(() => validateHttpClientConfig({ tls_config: { cert_file: 'nope.crt' } }, certs.dir)).toThrow(
      'unable to read client certificate nope.crt',
    );
    expect(() => validateHttpClientConfig({ proxy_url: 'socks9://x' })).toThrow(
      'unsupported proxy_url scheme "socks9"',
    );
    expect(() => validateHttpClientConfig({ proxy_url: 'http://u:hunter2@[x' })).toThrow(
      'invalid proxy_url "http://u:<secret>@[x"',
    );
  });
});

describe('proxy_url', () => {
  it('sends http targets to the proxy in absolute form with the target as Host (not CONNECT)', async () => {
    const target = `${plainBase}/metrics?x=1`;
    expect(await get(target, { proxy_url: proxyUrl })).toContain('path="/metrics?x=1"');
    expect(proxied).toEqual([{ requestLine: `GET ${target}`, host: new URL(plainBase).host }]);
  });

  it('tunnels https targets with CONNECT, tls_config applying to the target, proxy_connect_header sent', async () => {
    const seen: (string | undefined)[] = [];
    const listener = (req: IncomingMessage): void => void seen.push(String(req.headers['x-proxy-token']));
    proxy.prependListener('connect', listener);
    try {
      const body = await get(`https://127.0.0.1:${tlsPort}/metrics`, {
        proxy_url: proxyUrl,
        tls_config: { ca_file: 'test-ca.crt' },
        proxy_connect_header: { 'X-Proxy-Token': [secret('a'), secret('b')] },
      });
      expect(body).toContain('hit');
    } finally {
      proxy.off('connect', listener);
    }
    expect(proxied).toEqual([{ requestLine: `CONNECT 127.0.0.1:${tlsPort}`, host: `127.0.0.1:${tlsPort}` }]);
    expect(seen).toEqual(['a, b']);
  });

  it('sends Proxy-Authorization from the proxy URL user info', async () => {
    const seen: (string | undefined)[] = [];
    const listener = (req: IncomingMessage): void => void seen.push(req.headers['proxy-authorization']);
    proxy.prependListener('request', listener);
    try {
      await get(`${plainBase}/metrics`, { proxy_url: `http://user:p%40ss@${new URL(proxyUrl).host}` });
    } finally {
      proxy.off('request', listener);
    }
    expect(seen).toEqual([`Basic ${Buffer.from('user:p@ss').toString('base64')}`]);
  });

  it('no_proxy: matching hosts go direct, others through the proxy', async () => {
    expect(await get(`${plainBase}/metrics`, { proxy_url: proxyUrl, no_proxy: '127.0.0.1' })).toContain(
      'hit',
    );
    expect(proxied).toEqual([]);
    expect(await get(`${plainBase}/metrics`, { proxy_url: proxyUrl, no_proxy: 'example.com' })).toContain(
      'hit',
    );
    expect(proxied.map((p) => p.requestLine)).toEqual([`GET ${plainBase}/metrics`]);
  });
  it('proxy_from_environment: HTTP_PROXY and NO_PROXY as read when the client is made', async () => {
    const saved = { HTTP_PROXY: process.env.HTTP_PROXY, NO_PROXY: process.env.NO_PROXY };
    process.env.HTTP_PROXY = proxyUrl;
    process.env.NO_PROXY = 'localhost';
    const own = new HttpClientCache();
    try {
      const res = await own.client({ proxy_from_environment: true }).request({ url: `${plainBase}/metrics` });
      expect(await res.body.text()).toContain('hit');
    } finally {
      for (const [k, v] of Object.entries(saved)) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
      await own.close();
    }
    expect(proxied.map((p) => p.requestLine)).toEqual([`GET ${plainBase}/metrics`]);
  });
});

describe('credentials', () => {
  it('reads bearer_token_file at each request; a caller Authorization wins', async () => {
    const file = join(dir.path, 'token');
    writeFileSync(file, 'one\n');
    const client = clients.client({ bearer_token_file: file });
    await (await client.request({ url: `${plainBase}/metrics` })).body.dump();
    writeFileSync(file, 'two');
    await (await client.request({ url: `${plainBase}/metrics` })).body.dump();
    await (
      await client.request({ url: `${plainBase}/metrics`, headers: { Authorization: 'GenieKey k' } })
    ).body.dump();
    expect(seenByServer.map((s) => s.authorization)).toEqual(['Bearer one', 'Bearer two', 'GenieKey k']);
    await expect(
      clients.client({ bearer_token_file: join(dir.path, 'gone') }).request({ url: plainBase }),
    ).rejects.toThrow(/^could not read bearer_token_file .*gone: ENOENT$/);
  });

  it('basic_auth and authorization', async () => {
    const basic = { basic_auth: { username: 'u', password: secret('p') } };
    await (await clients.client(basic).request({ url: `${plainBase}/metrics` })).body.dump();
    const authz = { authorization: { type: 'Token', credentials: secret('c') } };
    await (await clients.client(authz).request({ url: `${plainBase}/metrics` })).body.dump();
    expect(seenByServer.map((s) => s.authorization)).toEqual([
      `Basic ${Buffer.from('u:p').toString('base64')}`,
      'Token c',
    ]);
  });

  it('oauth2: fetches a client-credentials token once and sends it as Bearer', async () => {
    const client = clients.client({
      oauth2: {
        client_id: 'id',
        client_secret: secret('s'),
        token_url: `${plainBase}/token`,
        scopes: ['a', 'b'],
      },
    });
    for (let i = 0; i < 2; i++) await (await client.request({ url: `${plainBase}/metrics` })).body.dump();
    const basic = `Basic ${Buffer.from('id:s').toString('base64')}`;
    expect(seenByServer).toEqual([
      { method: 'POST', url: '/token', authorization: basic },
      { method: 'GET', url: '/metrics', authorization: `Bearer tok-${basic}` },
      { method: 'GET', url: '/metrics', authorization: `Bearer tok-${basic}` },
    ]);
  });
});

describe('follow_redirects', () => {
  it('follows redirects by default, including through the proxy', async () => {
    expect(await get(`${plainBase}/redirect`)).toContain('path="/metrics"');
    expect(await get(`${plainBase}/redirect`, { proxy_url: proxyUrl })).toContain('path="/metrics"');
    expect(proxied.map((p) => p.requestLine)).toEqual([
      `GET ${plainBase}/redirect`,
      `GET ${plainBase}/metrics`,
    ]);
  });

  it("drops the caller's Authorization on a redirect to another host, keeps configured credentials", async () => {
    const other = `http://localhost:${new URL(plainBase).port}`;
    const hop = createServer((_req, res) => res.writeHead(302, { location: `${other}/metrics` }).end());
    const hopBase = `http://127.0.0.1:${await listen(hop)}`;
    try {
      const call = async (config: HttpClientConfig, headers: Record<string, string>): Promise<void> => {
        const res = await clients.client(config).request({ url: `${hopBase}/`, headers });
        await res.body.dump();
      };
      await call({}, { authorization: 'Bearer mine' });
      await call({ bearer_token: secret('conf') }, {});
    } finally {
      hop.closeAllConnections();
      await new Promise((resolve) => hop.close(resolve));
    }
    expect(seenByServer.map((s) => s.authorization)).toEqual([undefined, 'Bearer conf']);
  });

  it('a 303 turns a POST into a GET without body', async () => {
    const res = await clients
      .client({})
      .request({ method: 'POST', url: `${plainBase}/see-other`, body: 'x' });
    expect(res.statusCode).toBe(200);
    await res.body.dump();
    expect(seenByServer.map((s) => `${s.method} ${s.url}`)).toEqual(['POST /see-other', 'GET /metrics']);
  });

  it('returns the redirect when off, and gives up after 10 redirects', async () => {
    await expect(get(`${plainBase}/redirect`, { follow_redirects: false })).rejects.toThrow('status 302');
    await expect(get(`${plainBase}/loop`)).rejects.toThrow(/^stopped after 10 redirects$/);
    expect(seenByServer.filter((s) => s.url === '/loop')).toHaveLength(10);
  });
});

describe('connections', () => {
  it('reuses connections across requests of a config, enable_http2 accepted', async () => {
    const own = new HttpClientCache();
    const before = plainConnections;
    for (let i = 0; i < 10; i++) {
      const res = await own.client({ enable_http2: false }).request({ url: `${plainBase}/metrics` });
      await res.body.text();
    }
    // A connection may still look busy for an instant after its body ended, so a second
    // one can open; without reuse there would be ten.
    expect(plainConnections - before).toBeLessThanOrEqual(2);
    await own.close();
    expect(own.size).toBe(0);
  });

  it('shares a client between configs with equal HTTP settings; sweeps idle ones', async () => {
    let now = 0;
    const own = new HttpClientCache(1000, () => now);
    const a = own.client({ bearer_token: secret('x') });
    const scrapeConfig = { job_name: 'other', bearer_token: secret('x') } as HttpClientConfig;
    expect(own.client(scrapeConfig)).toBe(a);
    expect(own.client({ bearer_token: secret('y') })).not.toBe(a);
    expect(own.client({ bearer_token: secret('x') }, { baseDir: '/elsewhere' })).not.toBe(a);
    now = 500;
    own.client({ bearer_token: secret('x') });
    now = 1200;
    await own.sweep();
    expect(own.size).toBe(1);
    expect(own.client({ bearer_token: secret('x') })).toBe(a);
    await own.close();
  });
});
