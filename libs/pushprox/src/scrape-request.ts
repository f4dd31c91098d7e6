import { WireFormatError } from './errors.ts';
import { canonicalHeaderName, firstHeader, sortedHeaderLines, SCRAPE_ID_HEADER } from './header-name.ts';
import type { HeaderPairs } from './header-name.ts';
import { contentLength, dechunk, fixedBody, readHead } from './http-message.ts';
import { authorityOf } from './target-url.ts';

/** A scrape request as it travels from proxy to client in the body of a `/poll` answer. */
export interface ScrapeRequest {
  readonly method: string;
  /** The request target: absolute (`http://host:9100/metrics?x=1`) from PushProx proxies. */
  readonly target: string;
  /** The `Host` header; the target's authority is written when absent. */
  readonly host: string | undefined;
  /**
   * Every other header (neither `Host`, `Content-Length` nor `Transfer-Encoding`), in
   * message order. Parsed requests carry canonical names; the writer canonicalises.
   */
  readonly headers: HeaderPairs;
  readonly body: Buffer;
}

/** First value of a header of a parsed request, by canonical name. */
export function requestHeader(request: ScrapeRequest, canonicalName: string): string | undefined {
  return firstHeader(request.headers, canonicalName);
}

/** Headers Go's request writer emits itself or never copies from the header map. */
const WRITER_OWNED = new Set(['Host', 'User-Agent', 'Content-Length', 'Transfer-Encoding', 'Trailer']);

/**
 * Serialises a scrape request the way Go's `Request.WriteProxy` does, which is what the
 * upstream proxy hands a client: absolute target, `HTTP/1.1`, `Host`, `User-Agent` (Go's
 * default when absent), `Content-Length` when there is a body, then every other header by
 * canonical name in sorted order (values of one name in arrival order), with `Id: <id>`
 * among them (any `Id` of the request replaced).
 */
export function writeScrapeRequest(request: ScrapeRequest, id: string): Buffer {
  let userAgent: string | undefined;
  for (const [name, value] of request.headers) {
    if (canonicalHeaderName(name) === 'User-Agent') {
      userAgent = value;
      break;
    }
  }
  const host = request.host ?? authorityOf(request.target);
  let head = `${request.method} ${request.target} HTTP/1.1\r\nHost: ${host}\r\nUser-Agent: ${userAgent ?? 'Go-http-client/1.1'}\r\n`;
  if (request.body.length > 0) head += `Content-Length: ${request.body.length}\r\n`;
  const headers = request.headers.filter(([name]) => canonicalHeaderName(name) !== SCRAPE_ID_HEADER);
  head += sortedHeaderLines([...headers, [SCRAPE_ID_HEADER, id]], WRITER_OWNED);
  head += '\r\n';
  const headBytes = Buffer.from(head, 'latin1');
  return request.body.length > 0 ? Buffer.concat([headBytes, request.body]) : headBytes;
}

/**
 * Parses an HTTP/1.x request in wire format, as Go's `http.ReadRequest` reads a `/poll`
 * answer: request line, headers (CRLF or LF), body framed by `Content-Length` or
 * `Transfer-Encoding: chunked`, none otherwise. Throws `WireFormatError`.
 */
export function parseScrapeRequest(message: Buffer): ScrapeRequest {
  const head = readHead(message);
  const line = /^([!#$%&'*+\-.^_`|~0-9A-Za-z]+) (\S+) HTTP\/(\d+)\.(\d+)$/.exec(head.startLine);
  if (!line) throw new WireFormatError(`malformed HTTP request ${JSON.stringify(head.startLine)}`);
  let host: string | undefined;
  let length: string | undefined;
  let chunked = false;
  const headers: [string, string][] = [];
  for (const [name, value] of head.headers) {
    if (name === 'Host') host ??= value;
    else if (name === 'Content-Length') length = value;
    else if (name === 'Transfer-Encoding') chunked = value.toLowerCase() === 'chunked';
    else headers.push([name, value]);
  }
  let body: Buffer = Buffer.alloc(0);
  if (chunked) body = dechunk(head.rest);
  else if (length !== undefined) body = fixedBody(head.rest, contentLength(length));
  return { method: line[1]!, target: line[2]!, host, headers, body };
}
