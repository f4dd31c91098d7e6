import { ScrapeRequestParseError } from './errors.ts';
import { canonicalHeaderName } from './header-name.ts';

/** A scrape request as the proxy sent it in a /poll answer. */
export interface ScrapeRequest {
  readonly method: string;
  /** The request target: absolute (`http://host:9100/metrics`) from PushProx proxies. */
  readonly target: string;
  /** The `Host` header, or undefined. */
  readonly host: string | undefined;
  /** Every other header by canonical name, in message order. */
  readonly headers: readonly (readonly [string, string])[];
  readonly body: Buffer;
}

/** First value of a header by canonical name. */
export function requestHeader(request: ScrapeRequest, name: string): string | undefined {
  return request.headers.find(([n]) => n === name)?.[1];
}

/**
 * Parses an HTTP/1.x request in wire format, as Go's `http.ReadRequest` reads a /poll
 * answer: request line, headers (CRLF or LF), body framed by `Content-Length` or
 * `Transfer-Encoding: chunked`, none otherwise. Throws `ScrapeRequestParseError`.
 */
export function parseScrapeRequest(message: Buffer): ScrapeRequest {
  let headEnd = message.indexOf('\r\n\r\n');
  let bodyStart = headEnd + 4;
  const lfEnd = message.indexOf('\n\n');
  if (headEnd < 0 || (lfEnd >= 0 && lfEnd < headEnd)) {
    headEnd = lfEnd;
    bodyStart = lfEnd + 2;
  }
  if (headEnd < 0) throw new ScrapeRequestParseError(message.length === 0 ? 'EOF' : 'unexpected EOF');
  const lines = message.subarray(0, headEnd).toString('latin1').split(/\r?\n/);
  const line = /^([!#$%&'*+\-.^_`|~0-9A-Za-z]+) (\S+) HTTP\/(\d+)\.(\d+)$/.exec(lines[0]!);
  if (!line) throw new ScrapeRequestParseError(`malformed HTTP request ${JSON.stringify(lines[0])}`);
  let host: string | undefined;
  const headers: [string, string][] = [];
  let contentLength: string | undefined;
  let chunked = false;
  for (const headerLine of lines.slice(1)) {
    const colon = headerLine.indexOf(':');
    if (colon <= 0) throw new ScrapeRequestParseError(`malformed MIME header line: ${headerLine}`);
    const name = canonicalHeaderName(headerLine.slice(0, colon).trim());
    const value = headerLine.slice(colon + 1).trim();
    if (name === 'Host') host ??= value;
    else if (name === 'Content-Length') contentLength = value;
    else if (name === 'Transfer-Encoding') chunked = value.toLowerCase() === 'chunked';
    else headers.push([name, value]);
  }
  const rest = message.subarray(bodyStart);
  let body: Buffer = Buffer.alloc(0);
  if (chunked) body = dechunk(rest);
  else if (contentLength !== undefined) {
    if (!/^\d+$/.test(contentLength))
      throw new ScrapeRequestParseError(`bad Content-Length ${JSON.stringify(contentLength)}`);
    if (rest.length < Number(contentLength)) throw new ScrapeRequestParseError('unexpected EOF');
    body = rest.subarray(0, Number(contentLength));
  }
  return { method: line[1]!, target: line[2]!, host, headers, body };
}

function dechunk(input: Buffer): Buffer {
  const parts: Buffer[] = [];
  let at = 0;
  for (;;) {
    const lineEnd = input.indexOf('\n', at);
    if (lineEnd < 0) throw new ScrapeRequestParseError('unexpected EOF in chunked body');
    const sizeText = input.subarray(at, lineEnd).toString('latin1').replace(/\r$/, '').split(';')[0]!.trim();
    if (!/^[0-9a-fA-F]+$/.test(sizeText))
      throw new ScrapeRequestParseError(`invalid chunk size ${JSON.stringify(sizeText)}`);
    const size = parseInt(sizeText, 16);
    at = lineEnd + 1;
    if (size === 0) return Buffer.concat(parts);
    if (at + size > input.length) throw new ScrapeRequestParseError('unexpected EOF in chunked body');
    parts.push(input.subarray(at, at + size));
    at += size + (input[at + size] === 0x0d ? 2 : 1);
  }
}
