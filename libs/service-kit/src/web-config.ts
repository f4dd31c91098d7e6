import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import type { SecureContextOptions } from 'node:tls';
import { decodeYaml, schema as s } from './config-decoder.ts';
import type { Decoded } from './config-decoder.ts';
import { WebConfigError } from './errors.ts';
import { loadYamlFileSync } from './yaml-document.ts';

/** Go's `tls.ClientAuthType` names, as `client_auth_type` accepts them. */
export const CLIENT_AUTH_TYPES = [
  'NoClientCert',
  'RequestClientCert',
  'RequireAnyClientCert',
  'VerifyClientCertIfGiven',
  'RequireAndVerifyClientCert',
] as const;
export type ClientAuthType = (typeof CLIENT_AUTH_TYPES)[number];

const TLS_VERSIONS = { TLS10: 'TLSv1', TLS11: 'TLSv1.1', TLS12: 'TLSv1.2', TLS13: 'TLSv1.3' } as const;
type GoTlsVersion = keyof typeof TLS_VERSIONS;

/** Go cipher suite names (TLS ≤ 1.2, as `tls.CipherSuites()` lists them) and their OpenSSL names. */
const CIPHER_SUITES: Readonly<Record<string, string>> = {
  TLS_RSA_WITH_AES_128_CBC_SHA: 'AES128-SHA',
  TLS_RSA_WITH_AES_256_CBC_SHA: 'AES256-SHA',
  TLS_RSA_WITH_AES_128_GCM_SHA256: 'AES128-GCM-SHA256',
  TLS_RSA_WITH_AES_256_GCM_SHA384: 'AES256-GCM-SHA384',
  TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA: 'ECDHE-ECDSA-AES128-SHA',
  TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA: 'ECDHE-ECDSA-AES256-SHA',
  TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA: 'ECDHE-RSA-AES128-SHA',
  TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA: 'ECDHE-RSA-AES256-SHA',
  TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256: 'ECDHE-RSA-AES128-GCM-SHA256',
  TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384: 'ECDHE-RSA-AES256-GCM-SHA384',
  TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256: 'ECDHE-ECDSA-AES128-GCM-SHA256',
  TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384: 'ECDHE-ECDSA-AES256-GCM-SHA384',
  TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256: 'ECDHE-RSA-CHACHA20-POLY1305',
  TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256: 'ECDHE-ECDSA-CHACHA20-POLY1305',
  TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305: 'ECDHE-RSA-CHACHA20-POLY1305',
  TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305: 'ECDHE-ECDSA-CHACHA20-POLY1305',
};

/** Go curve names and their OpenSSL names. */
const CURVES: Readonly<Record<string, string>> = {
  CurveP256: 'P-256',
  CurveP384: 'P-384',
  CurveP521: 'P-521',
  X25519: 'X25519',
};

/** Response headers `http_server_config.headers` may set, with the values upstream allows. */
const HEADER_RULES: Readonly<Record<string, readonly string[] | undefined>> = {
  'Content-Security-Policy': undefined,
  'X-Frame-Options': ['deny', 'sameorigin'],
  'X-Content-Type-Options': ['nosniff'],
  'X-XSS-Protection': undefined,
  'Strict-Transport-Security': undefined,
};

const tlsVersion = s.refine(s.string(), (v, fail) =>
  v in TLS_VERSIONS ? (v as GoTlsVersion) : fail(`unknown TLS version: ${v}`),
);

const webConfigSchema = s.object({
  tls_server_config: s.optional(
    s.object({
      cert: s.optional(s.string()),
      key: s.optional(s.string()),
      client_ca: s.optional(s.string()),
      cert_file: s.optional(s.string()),
      key_file: s.optional(s.string()),
      client_auth_type: s.optional(s.oneOf(...CLIENT_AUTH_TYPES), 'NoClientCert'),
      client_ca_file: s.optional(s.string()),
      client_allowed_sans: s.optional(s.list(s.string()), []),
      min_version: s.optional(tlsVersion, 'TLS12'),
      max_version: s.optional(tlsVersion, 'TLS13'),
      cipher_suites: s.optional(
        s.list(s.refine(s.string(), (v, fail) => CIPHER_SUITES[v] ?? fail(`unknown cipher suite: ${v}`))),
        [],
      ),
      prefer_server_cipher_suites: s.optional(s.bool(), true),
      curve_preferences: s.optional(
        s.list(s.refine(s.string(), (v, fail) => CURVES[v] ?? fail(`unknown curve: ${v}`))),
        [],
      ),
    }),
  ),
  http_server_config: s.optional(
    s.object({
      http2: s.optional(s.bool(), true),
      headers: s.optional(
        s.refine(s.record(s.string()), (headers, fail) => {
          for (const [name, value] of Object.entries(headers)) {
            if (!Object.hasOwn(HEADER_RULES, name))
              fail(`HTTP header ${JSON.stringify(name)} can not be configured`);
            const allowed = HEADER_RULES[name];
            if (allowed && !allowed.includes(value.toLowerCase())) {
              fail(
                `invalid value for ${name}: ${JSON.stringify(value)}, expected one of ${allowed.join(', ')}`,
              );
            }
          }
          return headers;
        }),
        {},
      ),
    }),
  ),
  basic_auth_users: s.optional(s.record(s.string()), {}),
  rate_limit: s.optional(s.object({ interval: s.optional(s.duration(), 0), burst: s.optional(s.int(), 0) })),
});

type RawWebConfig = Decoded<typeof webConfigSchema>;

/** TLS settings resolved to bytes, ready for `https.createServer`/`setSecureContext`. */
export interface TlsSettings {
  readonly secureContext: SecureContextOptions;
  readonly clientAuthType: ClientAuthType;
  /** Exact SANs (DNS, IP, e-mail or URI) a client certificate must carry; empty: any. */
  readonly clientAllowedSans: readonly string[];
}

/** A loaded `--web.config.file`: everything the web guard and the TLS server need. */
export interface WebConfig {
  /** `undefined`: plain HTTP. */
  readonly tls: TlsSettings | undefined;
  /** User name → bcrypt hash; empty: no authentication. */
  readonly basicAuthUsers: ReadonlyMap<string, string>;
  /** Headers added to every response. */
  readonly headers: Readonly<Record<string, string>>;
  /** Token bucket for all requests; `undefined`: unlimited. */
  readonly rateLimit: { readonly intervalMs: number; readonly burst: number } | undefined;
}

/** The configuration of a service started without `--web.config.file`. */
export const EMPTY_WEB_CONFIG: WebConfig = {
  tls: undefined,
  basicAuthUsers: new Map(),
  headers: {},
  rateLimit: undefined,
};

/**
 * Reads a web config file in the exporter-toolkit format. File names inside it are
 * relative to the file's directory. Schema problems throw `ConfigError`
 * (`web.yml:3:16: unknown TLS version: TLS14`); unusable content (missing key file,
 * cert without key) throws `WebConfigError` naming the file.
 */
export function loadWebConfig(path: string): WebConfig {
  const raw = decodeYaml(loadYamlFileSync(path), webConfigSchema);
  return resolveWebConfig(raw, path);
}

function resolveWebConfig(raw: RawWebConfig, path: string): WebConfig {
  const base = dirname(path);
  const fail = (message: string): never => {
    throw new WebConfigError(`${path}: ${message}`);
  };
  const read = (field: string, file: string): Buffer => {
    const full = isAbsolute(file) ? file : resolve(base, file);
    try {
      return readFileSync(full);
    } catch (error) {
      const detail = error instanceof Error ? error.message : String(error);
      return fail(`cannot read ${field} ${JSON.stringify(file)}: ${detail}`);
    }
  };

  let tls: TlsSettings | undefined;
  const t = raw.tls_server_config;
  if (t && (t.cert || t.cert_file || t.key || t.key_file)) {
    if (t.cert && t.cert_file) fail('at most one of cert and cert_file must be configured');
    if (t.key && t.key_file) fail('at most one of key and key_file must be configured');
    if (t.client_ca && t.client_ca_file)
      fail('at most one of client_ca and client_ca_file must be configured');
    if (!t.cert && !t.cert_file) fail('missing one of cert or cert_file');
    if (!t.key && !t.key_file) fail('missing one of key or key_file');
    const ca = t.client_ca
      ? Buffer.from(t.client_ca)
      : t.client_ca_file
        ? read('client_ca_file', t.client_ca_file)
        : undefined;
    const verifies =
      t.client_auth_type === 'VerifyClientCertIfGiven' || t.client_auth_type === 'RequireAndVerifyClientCert';
    if (ca && !verifies) fail("Client CA's have been configured without a Client Auth Policy");
    if (verifies && !ca) fail(`client_auth_type ${t.client_auth_type} needs client_ca_file or client_ca`);
    if (
      t.client_allowed_sans.length > 0 &&
      t.client_auth_type !== 'RequireAndVerifyClientCert' &&
      t.client_auth_type !== 'RequireAnyClientCert'
    ) {
      fail(
        'client_allowed_sans requires client_auth_type RequireAnyClientCert or RequireAndVerifyClientCert',
      );
    }
    const minVersion = TLS_VERSIONS[t.min_version];
    const maxVersion = TLS_VERSIONS[t.max_version];
    if (minVersion > maxVersion) fail(`min_version ${t.min_version} is above max_version ${t.max_version}`);
    const secureContext: SecureContextOptions = {
      cert: t.cert ? Buffer.from(t.cert) : read('cert_file', t.cert_file!),
      key: t.key ? Buffer.from(t.key) : read('key_file', t.key_file!),
      minVersion,
      maxVersion,
      honorCipherOrder: t.prefer_server_cipher_suites,
      ...(ca ? { ca } : {}),
      ...(t.cipher_suites.length > 0 ? { ciphers: t.cipher_suites.join(':') } : {}),
      ...(t.curve_preferences.length > 0 ? { ecdhCurve: t.curve_preferences.join(':') } : {}),
    };
    tls = { secureContext, clientAuthType: t.client_auth_type, clientAllowedSans: t.client_allowed_sans };
  }

  for (const [user, hash] of Object.entries(raw.basic_auth_users)) {
    if (!/^\$2[abxy]?\$\d\d\$[./A-Za-z0-9]{53}$/.test(hash))
      fail(`basic_auth_users: the password of ${JSON.stringify(user)} is not a bcrypt hash`);
  }
  const rate = raw.rate_limit;
  return {
    tls,
    basicAuthUsers: new Map(Object.entries(raw.basic_auth_users)),
    headers: raw.http_server_config?.headers ?? {},
    rateLimit:
      rate && rate.interval > 0 ? { intervalMs: rate.interval, burst: Math.max(1, rate.burst) } : undefined,
  };
}
