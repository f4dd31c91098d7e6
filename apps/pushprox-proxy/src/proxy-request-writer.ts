import { canonicalHeaderName } from './header-name.ts';

/** A scraper's request as the proxy received it, with its absolute-form target. */
export interface ProxiedRequest {
  readonly method: string;
  /** The absolute URL from the request line (`http://host:9100/metrics?x=1`). */
  readonly url: string;
  /** The `Host` header; the target's authority when absent. */
  readonly host: string | undefined;
  /** Raw header pairs in arrival order (`IncomingMessage.rawHeaders`). */
  readonly rawHeaders: readonly string[];
  readonly body: Buffer;
}

/** Headers Go's request writer emits itself or never copies from the header map. */
const WRITER_OWNED = new Set(['Host', 'User-Agent', 'Content-Length', 'Transfer-Encoding', 'Trailer']);

/**
 * Serialises a scrape request the way Go's `Request.WriteProxy` does, which is what the
 * upstream proxy hands a client as the body of a `/poll` answer: absolute target,
 * `HTTP/1.1`, `Host`, `User-Agent`, `Content-Length` when there is a body, then every
 * other header by canonical name in sorted order (values of one name in arrival order),
 * with `Id: <id>` added among them.
 */
export function writeProxyRequest(request: ProxiedRequest, id: string): Buffer {
  const byName = new Map<string, string[]>();
  let userAgent: string | undefined;
  for (let i = 0; i + 1 < request.rawHeaders.length; i += 2) {
    const name = canonicalHeaderName(request.rawHeaders[i]!);
    const value = request.rawHeaders[i + 1]!;
    if (name === 'User-Agent') {
      userAgent ??= value;
      continue;
    }
    if (WRITER_OWNED.has(name) || name === 'Id') continue;
    const values = byName.get(name);
    if (values) values.push(value);
    else byName.set(name, [value]);
  }
  byName.set('Id', [id]);
  const host = request.host ?? authorityOf(request.url);
  let head = `${request.method} ${request.url} HTTP/1.1\r\nHost: ${host}\r\nUser-Agent: ${userAgent ?? 'Go-http-client/1.1'}\r\n`;
  if (request.body.length > 0) head += `Content-Length: ${request.body.length}\r\n`;
  for (const name of [...byName.keys()].sort()) {
    for (const value of byName.get(name)!) head += `${name}: ${value.replace(/[\r\n]+/g, ' ').trim()}\r\n`;
  }
  head += '\r\n';
  return request.body.length > 0
    ? Buffer.concat([Buffer.from(head, 'latin1'), request.body])
    : Buffer.from(head, 'latin1');
}

/** The `host[:port]` of an absolute URL, user info removed; '' when there is none. */
export function authorityOf(url: string): string {
  const start = url.indexOf('//');
  if (start < 0) return '';
  let end = url.length;
  for (const stop of ['/', '?', '#']) {
    const at = url.indexOf(stop, start + 2);
    if (at >= 0 && at < end) end = at;
  }
  const authority = url.slice(start + 2, end);
  const at = authority.lastIndexOf('@');
  return at >= 0 ? authority.slice(at + 1) : authority;
}

/**
 * Go's `URL.Hostname()` of an absolute URL: the authority without port and without the
 * brackets of an IPv6 literal, case kept. The proxy routes scrapes by this name.
 */
export function targetHostname(url: string): string {
  const authority = authorityOf(url);
  if (authority.startsWith('[')) {
    const close = authority.indexOf(']');
    return close < 0 ? authority.slice(1) : authority.slice(1, close);
  }
  const colon = authority.indexOf(':');
  return colon < 0 ? authority : authority.slice(0, colon);
}
