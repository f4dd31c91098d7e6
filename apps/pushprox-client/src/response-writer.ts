import { STATUS_CODES } from 'node:http';
import { canonicalHeaderName } from './header-name.ts';

/** A response to push: a target's answer, or a synthetic error (`protocol` undefined). */
export interface ScrapeResponse {
  readonly statusCode: number;
  /** `[major, minor]`; undefined for the client's own error responses, written `HTTP/0.0` as upstream. */
  readonly protocol?: readonly [number, number];
  /** Header pairs in any case; written by canonical name, sorted. */
  readonly headers: readonly (readonly [string, string])[];
  readonly body: Buffer;
}

const WRITER_OWNED = new Set(['Content-Length', 'Transfer-Encoding', 'Trailer']);

/**
 * Serialises a response as Go's `Response.Write` does for a /push body: status line,
 * `Content-Length` for target responses (synthetic `HTTP/0.0` errors have none: their body
 * runs to the end, as upstream's), then the headers sorted by canonical name.
 */
export function writeScrapeResponse(response: ScrapeResponse): Buffer {
  const [major, minor] = response.protocol ?? [0, 0];
  let head = `HTTP/${major}.${minor} ${String(response.statusCode).padStart(3, '0')} ${STATUS_CODES[response.statusCode] ?? `status code ${response.statusCode}`}\r\n`;
  if (response.protocol !== undefined) head += `Content-Length: ${response.body.length}\r\n`;
  const byName = new Map<string, string[]>();
  for (const [rawName, value] of response.headers) {
    const name = canonicalHeaderName(rawName);
    if (WRITER_OWNED.has(name)) continue;
    const values = byName.get(name);
    if (values) values.push(value);
    else byName.set(name, [value]);
  }
  for (const name of [...byName.keys()].sort())
    for (const value of byName.get(name)!) head += `${name}: ${value}\r\n`;
  head += '\r\n';
  return Buffer.concat([Buffer.from(head, 'latin1'), response.body]);
}
