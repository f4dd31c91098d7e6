import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** PEM files made by `openssl` for tests: a CA, a server cert for 127.0.0.1 and client certs. */
export interface TestCerts {
  readonly dir: string;
  readonly caCert: string;
  readonly serverCert: string;
  readonly serverKey: string;
  /** Signed by the CA, SAN `DNS:client.example`. */
  readonly clientCert: string;
  readonly clientKey: string;
  /** Self-signed, unknown to the CA. */
  readonly strangerCert: string;
  readonly strangerKey: string;
  /** PEM text of the CA certificate, for clients. */
  readonly caPem: string;
}

function openssl(dir: string, args: string[]): void {
  execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
}

function keyAndCsr(dir: string, name: string, cn: string): void {
  openssl(dir, [
    'req',
    '-new',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:P-256',
    '-nodes',
    '-keyout',
    `${name}.key`,
    '-out',
    `${name}.csr`,
    '-subj',
    `/CN=${cn}`,
  ]);
}

function sign(dir: string, name: string, ca: string, san: string): void {
  writeFileSync(join(dir, `${name}.ext`), `subjectAltName=${san}\n`);
  openssl(dir, [
    'x509',
    '-req',
    '-in',
    `${name}.csr`,
    '-CA',
    `${ca}.crt`,
    '-CAkey',
    `${ca}.key`,
    '-CAcreateserial',
    '-out',
    `${name}.crt`,
    '-days',
    '2',
    '-extfile',
    `${name}.ext`,
  ]);
}

/** A self-signed P-256 certificate `<name>.crt` with key `<name>.key`, valid two days. */
function selfSigned(dir: string, name: string, commonName: string, extra: string[] = []): void {
  openssl(dir, [
    'req',
    '-x509',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:P-256',
    '-nodes',
    '-keyout',
    `${name}.key`,
    '-out',
    `${name}.crt`,
    '-subj',
    `/CN=${commonName}`,
    '-days',
    '2',
    ...extra,
  ]);
}

/** Creates a CA named `prefix`-ca and its certs in `dir`; file names are relative to `dir`. */
export function makeTestCerts(dir: string, prefix = 'test'): TestCerts {
  const ca = `${prefix}-ca`;
  selfSigned(dir, ca, ca);
  keyAndCsr(dir, `${prefix}-server`, 'localhost');
  sign(dir, `${prefix}-server`, ca, 'IP:127.0.0.1,DNS:localhost');
  keyAndCsr(dir, `${prefix}-client`, 'client');
  sign(dir, `${prefix}-client`, ca, 'DNS:client.example');
  const stranger = `${prefix}-stranger`;
  selfSigned(dir, stranger, 'stranger', ['-addext', 'subjectAltName=DNS:client.example']);
  return {
    dir,
    caCert: `${ca}.crt`,
    serverCert: `${prefix}-server.crt`,
    serverKey: `${prefix}-server.key`,
    clientCert: `${prefix}-client.crt`,
    clientKey: `${prefix}-client.key`,
    strangerCert: `${stranger}.crt`,
    strangerKey: `${stranger}.key`,
    caPem: readFileSync(join(dir, `${ca}.crt`), 'utf8'),
  };
}
