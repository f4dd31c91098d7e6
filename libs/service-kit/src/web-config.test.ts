import bcrypt from 'bcryptjs';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import type { RequestOptions } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, WebConfigError } from './errors.ts';
import { createService } from './service.ts';
import type { Service } from './service.ts';
import { makeTestCerts, type TestCerts } from '@argus/testkit';
import { memoryLogger } from './test-logger.ts';
import { loadWebConfig } from './web-config.ts';

let dir: string;
let certs: TestCerts;
const hash = bcrypt.hashSync('s3cret-pass', 4);
const otherHash = bcrypt.hashSync('n3w-pass', 4);

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'service-kit-web-'));
  certs = makeTestCerts(dir);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const services: Service[] = [];
afterEach(async () => {
  await Promise.all(services.splice(0).map((s) => s.stop()));
});

function writeConfig(name: string, text: string): string {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
}

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

function get(url: string, options: RequestOptions & { auth?: string } = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(url, { ca: certs.caPem, ...options }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

const file = (name: string) => readFileSync(join(dir, name));

function start(webConfigFile: string, reload?: () => void) {
  const { logger, lines } = memoryLogger();
  const service = createService({
    displayName: 'Test',
    logger,
    listenAddress: '127.0.0.1:0',
    webConfigFile,
    ...(reload ? { reload } : {}),
  });
  services.push(service);
  return { service, lines };
}

describe('loadWebConfig', () => {
  it.each([
    {
      name: 'unknown field',
      text: 'tls_server_config:\n  cert_fil: x\n',
      want: ':2:3: unknown field "cert_fil"',
    },
    {
      name: 'unknown TLS version',
      text: 'tls_server_config:\n  cert_file: a\n  key_file: b\n  min_version: TLS14\n',
      want: ':4:16: unknown TLS version: TLS14',
    },
    {
      name: 'unknown client auth type',
      text: 'tls_server_config:\n  client_auth_type: Always\n',
      want: ':2:21: invalid value "Always"',
    },
    {
      name: 'unknown cipher',
      text: 'tls_server_config:\n  cipher_suites: [TLS_FOO]\n',
      want: ':2:19: unknown cipher suite: TLS_FOO',
    },
    {
      name: 'header not allowed',
      text: 'http_server_config:\n  headers:\n    X-Foo: bar\n',
      want: ':3:5: HTTP header "X-Foo" can not be configured',
    },
    {
      name: 'bad header value',
      text: 'http_server_config:\n  headers:\n    X-Frame-Options: allow\n',
      want: ':3:5: invalid value for X-Frame-Options',
    },
    {
      name: 'users not a map',
      text: 'basic_auth_users: [a]\n',
      want: ':1:19: expected mapping, got sequence',
    },
  ])('reports $name with its position', ({ text, want }) => {
    const path = writeConfig('bad.yml', text);
    expect(() => loadWebConfig(path)).toThrow(ConfigError);
    expect(() => loadWebConfig(path)).toThrow(`${path}${want}`);
  });

  it.each([
    {
      name: 'missing key',
      text: 'tls_server_config:\n  cert_file: test-server.crt\n',
      want: 'missing one of key or key_file',
    },
    {
      name: 'unreadable cert',
      text: 'tls_server_config:\n  cert_file: nope.crt\n  key_file: test-server.key\n',
      want: 'cannot read cert_file "nope.crt"',
    },
    {
      name: 'CA without policy',
      text: 'tls_server_config:\n  cert_file: test-server.crt\n  key_file: test-server.key\n  client_ca_file: test-ca.crt\n',
      want: "Client CA's have been configured without a Client Auth Policy",
    },
    {
      name: 'not a bcrypt hash',
      text: 'basic_auth_users:\n  alice: plaintext\n',
      want: 'the password of "alice" is not a bcrypt hash',
    },
  ])('refuses $name', ({ text, want }) => {
    const path = writeConfig('unusable.yml', text);
    expect(() => loadWebConfig(path)).toThrow(WebConfigError);
    expect(() => loadWebConfig(path)).toThrow(want);
    expect(() => loadWebConfig(path)).not.toThrow(/plaintext/);
  });

  it('resolves files relative to the config and maps Go names to OpenSSL ones', () => {
    const path = writeConfig(
      'full.yml',
      [
        'tls_server_config:',
        '  cert_file: test-server.crt',
        `  key_file: ${join(dir, 'test-server.key')}`,
        '  client_auth_type: RequireAndVerifyClientCert',
        '  client_ca_file: test-ca.crt',
        '  min_version: TLS13',
        '  cipher_suites: [TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256]',
        '  curve_preferences: [X25519, CurveP256]',
        'rate_limit: {interval: 1s, burst: 5}',
        '',
      ].join('\n'),
    );
    const config = loadWebConfig(path);
    expect(config.tls?.secureContext).toMatchObject({
      cert: file('test-server.crt'),
      key: file('test-server.key'),
      ca: file('test-ca.crt'),
      minVersion: 'TLSv1.3',
      maxVersion: 'TLSv1.3',
      ciphers: 'ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-CHACHA20-POLY1305',
      ecdhCurve: 'X25519:P-256',
      honorCipherOrder: true,
    });
    expect(config.rateLimit).toEqual({ intervalMs: 1000, burst: 5 });
  });

  it('serves plain HTTP when tls_server_config has no certificate', () => {
    expect(loadWebConfig(writeConfig('empty-tls.yml', 'tls_server_config: {}\n')).tls).toBeUndefined();
  });
});

describe('a service with --web.config.file', () => {
  it('serves TLS with basic auth and configured headers', async () => {
    const path = writeConfig(
      'tls-auth.yml',
      `tls_server_config:\n  cert_file: test-server.crt\n  key_file: test-server.key\nbasic_auth_users:\n  alice: ${hash}\nhttp_server_config:\n  headers:\n    X-Frame-Options: deny\n`,
    );
    const { service, lines } = start(path);
    await service.start();
    expect(service.address.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const url = `${service.address.url}/metrics`;

    const anonymous = await get(url);
    expect([
      anonymous.status,
      anonymous.headers['www-authenticate'],
      anonymous.headers['x-frame-options'],
    ]).toEqual([401, 'Basic', 'deny']);
    const wrong = await get(url, { auth: 'alice:wrong-pass' });
    expect([wrong.status, wrong.headers['www-authenticate']]).toEqual([401, 'Basic']);
    const right = await get(url, { auth: 'alice:s3cret-pass' });
    expect(right.status).toBe(200);
    expect(right.body).toContain('process_cpu_seconds_total');
    expect(right.headers['x-frame-options']).toBe('deny');
    await expect(fetch(url.replace('https:', 'http:'))).rejects.toThrow();
    expect(lines.join('')).not.toMatch(/s3cret-pass|wrong-pass/);
  });

  it('requires and verifies client certificates', async () => {
    const path = writeConfig(
      'mtls.yml',
      'tls_server_config:\n  cert_file: test-server.crt\n  key_file: test-server.key\n  client_auth_type: RequireAndVerifyClientCert\n  client_ca_file: test-ca.crt\n',
    );
    const { service } = start(path);
    await service.start();
    const url = `${service.address.url}/-/healthy`;
    await expect(get(url)).rejects.toThrow();
    await expect(
      get(url, { cert: file(certs.strangerCert), key: file(certs.strangerKey) }),
    ).rejects.toThrow();
    const ok = await get(url, { cert: file(certs.clientCert), key: file(certs.clientKey) });
    expect(ok.status).toBe(200);
  });

  it.each([
    { type: 'RequireAnyClientCert', none: false, stranger: true, signed: true },
    { type: 'VerifyClientCertIfGiven', none: true, stranger: false, signed: true },
    { type: 'RequestClientCert', none: true, stranger: true, signed: true },
  ])('applies $type', async ({ type, none, stranger, signed }) => {
    const ca = type === 'VerifyClientCertIfGiven' ? '  client_ca_file: test-ca.crt\n' : '';
    const path = writeConfig(
      `${type}.yml`,
      `tls_server_config:\n  cert_file: test-server.crt\n  key_file: test-server.key\n  client_auth_type: ${type}\n${ca}`,
    );
    const { service } = start(path);
    await service.start();
    const url = `${service.address.url}/-/healthy`;
    const works = (options: RequestOptions & { auth?: string }) =>
      get(url, options).then(
        (a) => a.status === 200,
        () => false,
      );
    expect(await works({})).toBe(none);
    expect(await works({ cert: file(certs.strangerCert), key: file(certs.strangerKey) })).toBe(stranger);
    expect(await works({ cert: file(certs.clientCert), key: file(certs.clientKey) })).toBe(signed);
  });

  it('refuses client certificates without an allowed SAN', async () => {
    const path = writeConfig(
      'sans.yml',
      'tls_server_config:\n  cert_file: test-server.crt\n  key_file: test-server.key\n  client_auth_type: RequireAndVerifyClientCert\n  client_ca_file: test-ca.crt\n  client_allowed_sans: [other.example]\n',
    );
    const { service } = start(path);
    await service.start();
    await expect(
      get(`${service.address.url}/-/healthy`, { cert: file(certs.clientCert), key: file(certs.clientKey) }),
    ).rejects.toThrow();
  });

  it('enforces the minimum TLS version', async () => {
    const path = writeConfig(
      'tls13.yml',
      'tls_server_config:\n  cert_file: test-server.crt\n  key_file: test-server.key\n  min_version: TLS13\n',
    );
    const { service } = start(path);
    await service.start();
    const url = `${service.address.url}/-/healthy`;
    await expect(get(url, { maxVersion: 'TLSv1.2' })).rejects.toThrow();
    expect((await get(url)).status).toBe(200);
  });

  it('rate limits with a token bucket', async () => {
    const path = writeConfig('rate.yml', 'rate_limit:\n  interval: 1h\n  burst: 2\n');
    const { service } = start(path);
    const codes = [];
    for (let i = 0; i < 3; i++) codes.push((await service.app.inject({ url: '/-/healthy' })).statusCode);
    expect(codes).toEqual([200, 200, 429]);
  });

  it('applies a new web config on reload and keeps the old one when the new is broken', async () => {
    const path = writeConfig(
      'reload.yml',
      `tls_server_config:\n  cert_file: test-server.crt\n  key_file: test-server.key\nbasic_auth_users:\n  alice: ${hash}\n`,
    );
    let hookCalls = 0;
    const { service, lines } = start(path, () => void hookCalls++);
    await service.start();
    const url = `${service.address.url}/-/ready`;
    expect((await get(url, { auth: 'alice:s3cret-pass' })).status).toBe(200);

    // broken YAML: refused, old users kept
    writeFileSync(path, 'basic_auth_users:\n  alice: [\n');
    await expect(service.reload()).rejects.toThrow(`${path}:3:1`);
    expect((await get(url, { auth: 'alice:s3cret-pass' })).status).toBe(200);

    // TLS off would need a restart: refused
    writeFileSync(path, `basic_auth_users:\n  alice: ${otherHash}\n`);
    const refused = await get(`${service.address.url}/-/reload`, {
      method: 'POST',
      auth: 'alice:s3cret-pass',
    });
    expect([refused.status, refused.body]).toEqual([
      500,
      'failed to reload config: switching between HTTP and HTTPS needs a restart\n',
    ]);
    expect((await get(url, { auth: 'alice:s3cret-pass' })).status).toBe(200);

    // new password and a certificate from another CA
    const rotated = makeTestCerts(dir, 'rotated');
    writeFileSync(
      path,
      `tls_server_config:\n  cert_file: ${rotated.serverCert}\n  key_file: ${rotated.serverKey}\nbasic_auth_users:\n  alice: ${otherHash}\n`,
    );
    await service.reload();
    expect(hookCalls).toBe(1);
    // new connections see the new certificate (existing keep-alive ones keep the old)
    await expect(get(url, { auth: 'alice:n3w-pass', agent: false })).rejects.toThrow();
    expect((await get(url, { auth: 'alice:n3w-pass', ca: rotated.caPem, agent: false })).status).toBe(200);
    expect((await get(url, { auth: 'alice:s3cret-pass', ca: rotated.caPem, agent: false })).status).toBe(401);
    expect(lines.join('')).not.toMatch(/s3cret-pass|n3w-pass/);
  });

  it('fails at creation when the web config is invalid', () => {
    const path = writeConfig('invalid.yml', 'basic_auth_users: 3\n');
    expect(() => start(path)).toThrow(`${path}:1:19: expected mapping, got integer`);
  });
});
