import { FlagError } from './errors.ts';

/** A `--web.listen-address` split into the host to bind (undefined: every interface) and a port. */
export interface ListenAddress {
  readonly host: string | undefined;
  readonly port: number;
}

/**
 * Parses a Go-style listen address: `:9100` (every interface), `localhost:9100`,
 * `127.0.0.1:0` (any free port), `[::1]:9100`. Throws `FlagError` when the port is
 * missing or not in 0–65535.
 */
export function parseListenAddress(text: string): ListenAddress {
  const colon = text.lastIndexOf(':');
  if (colon === -1) throw new FlagError(`listen address ${JSON.stringify(text)}: missing port in address`);
  let host = text.slice(0, colon);
  const portText = text.slice(colon + 1);
  if (host.startsWith('[') && host.endsWith(']')) host = host.slice(1, -1);
  else if (host.includes(':'))
    throw new FlagError(`listen address ${JSON.stringify(text)}: too many colons in address`);
  if (!/^\d{1,5}$/.test(portText) || Number(portText) > 65535) {
    throw new FlagError(`listen address ${JSON.stringify(text)}: invalid port ${JSON.stringify(portText)}`);
  }
  return { host: host === '' ? undefined : host, port: Number(portText) };
}
