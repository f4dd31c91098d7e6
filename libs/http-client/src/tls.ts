import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { ConnectionOptions } from 'node:tls';
import { HttpClientConfigError } from './config.ts';
import type { TlsConfig } from './config.ts';

export type TlsOptions = ConnectionOptions & { servername?: string };

const TLS_VERSIONS: Readonly<Record<string, 'TLSv1' | 'TLSv1.1' | 'TLSv1.2' | 'TLSv1.3'>> = {
  TLS10: 'TLSv1',
  TLS11: 'TLSv1.1',
  TLS12: 'TLSv1.2',
  TLS13: 'TLSv1.3',
};

const FILE_NAMES = { ca: 'CA file', cert: 'client certificate', key: 'client key' } as const;

/**
 * Node TLS options from a `tls_config`, files read now relative to `baseDir` (a missing
 * file is a {@link HttpClientConfigError} naming it). Unset fields keep Node's defaults
 * (system CAs, TLS 1.2+). An inline value wins over its `*_file`, as upstream refuses both.
 */
export function tlsOptions(
  tls: TlsConfig | undefined,
  baseDir = '.',
  onSecret?: (value: string) => void,
): TlsOptions {
  if (tls === undefined) return {};
  const read = (what: keyof typeof FILE_NAMES, file: string): string => {
    try {
      return readFileSync(resolve(baseDir, file), 'utf8');
    } catch (error) {
      throw new HttpClientConfigError(
        `unable to read ${FILE_NAMES[what]} ${file}: ${(error as Error).message}`,
        { cause: error },
      );
    }
  };
  const options: TlsOptions = { rejectUnauthorized: tls.insecure_skip_verify !== true };
  if (tls.ca) options.ca = tls.ca;
  else if (tls.ca_file) options.ca = read('ca', tls.ca_file);
  if (tls.cert) options.cert = tls.cert;
  else if (tls.cert_file) options.cert = read('cert', tls.cert_file);
  const key = tls.key?.reveal() ?? '';
  if (key !== '') {
    onSecret?.(key);
    options.key = key;
  } else if (tls.key_file) options.key = read('key', tls.key_file);
  if (tls.server_name) options.servername = tls.server_name;
  const min = TLS_VERSIONS[tls.min_version ?? ''];
  if (min) options.minVersion = min;
  const max = TLS_VERSIONS[tls.max_version ?? ''];
  if (max) options.maxVersion = max;
  return options;
}
