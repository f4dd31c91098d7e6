import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { HttpClientConfigError } from './config.ts';
import type { HttpClientConfig, Secret } from './config.ts';

type SecretReader = (secret: Secret | undefined, file: string | undefined, field: string) => string;

/**
 * A reader of `<field>` / `<field>_file` pairs: the inline value, else the file's content
 * trimmed, read at each call (a rotated token is picked up without a reload). The error
 * names the file, never its content.
 */
export function secretReader(baseDir = '.', onSecret?: (value: string) => void): SecretReader {
  return (secret, file, field) => {
    const inline = secret?.reveal() ?? '';
    if (inline !== '' || !file) {
      if (inline !== '') onSecret?.(inline);
      return inline;
    }
    let value: string;
    try {
      value = readFileSync(resolve(baseDir, file), 'utf8').trim();
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? 'read error';
      throw new HttpClientConfigError(`could not read ${field}_file ${file}: ${code}`, { cause: error });
    }
    if (value !== '') onSecret?.(value);
    return value;
  };
}

/**
 * The `Authorization` header value of `basic_auth`, `authorization` or `bearer_token(_file)`
 * (oauth2 is the client's, see {@link OAuth2TokenSource}), files read now; undefined when none is set.
 */
export function staticAuthorization(
  c: Pick<HttpClientConfig, 'basic_auth' | 'authorization' | 'bearer_token' | 'bearer_token_file'>,
  baseDir = '.',
  onSecret?: (value: string) => void,
): string | undefined {
  const read = secretReader(baseDir, onSecret);
  if (c.basic_auth) {
    const user = c.basic_auth.username_file
      ? read(undefined, c.basic_auth.username_file, 'username')
      : (c.basic_auth.username ?? '');
    const password = read(c.basic_auth.password, c.basic_auth.password_file, 'password');
    return `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
  }
  if (c.authorization) {
    const credentials = read(c.authorization.credentials, c.authorization.credentials_file, 'credentials');
    return `${c.authorization.type || 'Bearer'} ${credentials}`;
  }
  const bearer = read(c.bearer_token, c.bearer_token_file, 'bearer_token');
  return bearer === '' ? undefined : `Bearer ${bearer}`;
}
