import { WireFormatError } from './errors.ts';
import { firstHeader, sortedHeaderLines } from './header-name.ts';
import type { HeaderPairs } from './header-name.ts';
import { contentLength, dechunk, fixedBody, readHead } from './http-message.ts';
import { statusText } from './status-text.ts';

/** A scrape response as it travels from client to proxy in the body of a `/push`. */
export interface ScrapeResponse {
  readonly statusCode: number;
  /** The reason phrase; Go's text for the code when absent. */
  readonly statusText?: string;
  /**
   * `[major, minor]`. Absent for the client's own error responses, which upstream writes
   * as `HTTP/0.0` without `Content-Length` (the body runs to the end of the push).
   */
  readonly protocol?: readonly [number, number];
  /**
   * Header pairs; parsed responses carry canonical names in message order (without
   * `Transfer-Encoding`), the writer canonicalises and sorts.
   */
  readonly headers: HeaderPairs;
  /** The body, de-framed. */
  readonly body: Buffer;
}

/** First value of a header of a parsed response, by canonical name. */
export function responseHeader(response: ScrapeResponse, canonicalName: string): string | undefined {
  return firstHeader(response.headers, canonicalName);
}

const WRITER_OWNED = new Set(['Content-Length', 'Transfer-Encoding', 'Trailer']);

/**
 * Serialises a response as Go's `Response.Write` does for a `/push` body: status line,
 * `Content-Length` when the response has a protocol version, then the headers sorted by
 * canonical name, a blank line and the body.
 */
export function writeScrapeResponse(response: ScrapeResponse): Buffer {
  const [major, minor] = response.protocol ?? [0, 0];
  const code = String(response.statusCode).padStart(3, '0');
  let head = `HTTP/${major}.${minor} ${code} ${response.statusText || statusText(response.statusCode)}\r\n`;
  if (response.protocol !== undefined) head += `Content-Length: ${response.body.length}\r\n`;
  head += sortedHeaderLines(response.headers, WRITER_OWNED);
  head += '\r\n';
  return Buffer.concat([Buffer.from(head, 'latin1'), response.body]);
}

/**
 * Parses a complete HTTP response in wire format, as Go's `http.ReadResponse` reads a
 * `/push` body: any `HTTP/<major>.<minor>` status line (the upstream client's synthetic
 * errors say `HTTP/0.0`), CRLF or bare LF line ends, then a body framed by
 * `Transfer-Encoding: chunked`, `Content-Length`, or running to the end of the input.
 * Throws `WireFormatError`.
 */
export function parseScrapeResponse(message: Buffer): ScrapeResponse {
  const head = readHead(message);
  const status = /^HTTP\/(\d+)\.(\d+) (\d{3})(?: (.*))?$/.exec(head.startLine);
  if (!status) throw new WireFormatError(`malformed HTTP response ${JSON.stringify(head.startLine)}`);
  const statusCode = Number(status[3]);
  const transferEncoding = firstHeader(head.headers, 'Transfer-Encoding');
  const length = firstHeader(head.headers, 'Content-Length');
  let body: Buffer;
  if (statusCode === 204 || statusCode === 304 || (statusCode >= 100 && statusCode < 200)) {
    body = Buffer.alloc(0);
  } else if (transferEncoding !== undefined && transferEncoding.toLowerCase() === 'chunked') {
    body = dechunk(head.rest);
  } else if (length !== undefined) {
    body = fixedBody(head.rest, contentLength(length));
  } else {
    body = head.rest;
  }
  return {
    statusCode,
    statusText: status[4] ?? '',
    protocol: [Number(status[1]), Number(status[2])],
    headers: head.headers.filter(([n]) => n !== 'Transfer-Encoding'),
    body,
  };
}
