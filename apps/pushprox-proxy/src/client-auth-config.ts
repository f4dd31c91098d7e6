import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { ConfigError, decodeYaml, loadYamlFileSync, schema as s } from '@argus/service-kit';
import { ClientAuthenticator } from './client-authenticator.ts';
import type { ClientIdentity } from './client-authenticator.ts';

const fileSchema = s.object({
  clients: s.list(
    s.object({
      name: s.string(),
      token_file: s.optional(s.string()),
      certificate_name: s.optional(s.string()),
      fqdns: s.list(s.string()),
    }),
  ),
});

/**
 * Reads `--client-auth.config.file`:
 * `clients: [{ name, token_file | certificate_name, fqdns: [..] }]`. Token files are
 * relative to the config file and read once, trailing whitespace trimmed.
 */
export function loadClientAuthConfig(path: string): ClientAuthenticator {
  const decoded = decodeYaml(loadYamlFileSync(path), fileSchema);
  const identities: ClientIdentity[] = decoded.clients.map((client) => {
    if ((client.token_file === undefined) === (client.certificate_name === undefined)) {
      throw new ConfigError([
        {
          file: path,
          line: 1,
          column: 1,
          message: `client ${JSON.stringify(client.name)}: give exactly one of token_file and certificate_name`,
        },
      ]);
    }
    const token =
      client.token_file === undefined
        ? undefined
        : readFileSync(resolve(dirname(path), client.token_file), 'utf8').trim();
    return { name: client.name, token, certificateName: client.certificate_name, fqdns: client.fqdns };
  });
  return new ClientAuthenticator(identities);
}
