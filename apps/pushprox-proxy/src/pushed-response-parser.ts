import { PushedResponseError } from './errors.ts';
import { canonicalHeaderName } from './header-name.ts';

/** A scrape response as a client pushed it, its body already de-framed. */
export interface PushedResponse {
  readonly statusCode: number;
  readonly statusText: string;
  /** Header pairs by canonical name, in message order. */
  readonly headers: readonly (readonly [string, string])[];
  readonly body: Buffer;
}

/** First value of a header, by canonical name. */
export function headerValue(response: PushedResponse, name: string): string | undefined {
  return response.headers.find(([n]) => n === name)?.[1];
}

/**
 * Parses a complete HTTP response in wire format, as Go's `http.ReadResponse` reads a
 * `/push` body: any `HTTP/<major>.<minor>` status line (the upstream client's synthetic
 * errors say `HTTP/0.0`), CRLF or bare LF line ends, then a body framed by
 * `Transfer-Encoding: chunked`, `Content-Length`, or running to the end of the input.
 * Throws `PushedResponseError` on anything else.
 */
export function parsePushedResponse(message: Buffer): PushedResponse {
  let headEnd = message.indexOf('\r\n\r\n');
  let bodyStart = headEnd + 4;
  const lfEnd = message.indexOf('\n\n');
  if (headEnd < 0 || (lfEnd >= 0 && lfEnd < headEnd)) {
    headEnd = lfEnd;
    bodyStart = lfEnd + 2;
  }
  if (headEnd < 0) throw new PushedResponseError(message.length === 0 ? 'EOF' : 'unexpected EOF');
  const lines = message.subarray(0, headEnd).toString('latin1').split(/\r?\n/);
  const status = /^HTTP\/(\d+)\.(\d+) (\d{3})(?: (.*))?$/.exec(lines[0]!);
  if (!status) throw new PushedResponseError(`malformed HTTP response ${JSON.stringify(lines[0])}`);
  const statusCode = Number(status[3]);
  const headers: [string, string][] = [];
  for (const line of lines.slice(1)) {
    const colon = line.indexOf(':');
    if (colon <= 0) throw new PushedResponseError(`malformed MIME header line: ${line}`);
    headers.push([canonicalHeaderName(line.slice(0, colon).trim()), line.slice(colon + 1).trim()]);
  }
  const rest = message.subarray(bodyStart);
  const transferEncoding = headers.find(([n]) => n === 'Transfer-Encoding')?.[1];
  const contentLength = headers.find(([n]) => n === 'Content-Length')?.[1];
  let body: Buffer;
  if (statusCode === 204 || statusCode === 304 || (statusCode >= 100 && statusCode < 200)) {
    body = Buffer.alloc(0);
  } else if (transferEncoding !== undefined && transferEncoding.toLowerCase() === 'chunked') {
    body = dechunk(rest);
  } else if (contentLength !== undefined) {
    if (!/^\d+$/.test(contentLength))
      throw new PushedResponseError(`bad Content-Length ${JSON.stringify(contentLength)}`);
    const length = Number(contentLength);
    if (rest.length < length) throw new PushedResponseError('unexpected EOF');
    body = rest.subarray(0, length);
  } else {
    body = rest;
  }
  return {
    statusCode,
    statusText: status[4] ?? '',
    headers: headers.filter(([n]) => n !== 'Transfer-Encoding'),
    body,
  };
}

function dechunk(input: Buffer): Buffer {
  const parts: Buffer[] = [];
  let at = 0;
  for (;;) {
    const lineEnd = input.indexOf('\n', at);
    if (lineEnd < 0) throw new PushedResponseError('unexpected EOF in chunked body');
    const sizeText = input.subarray(at, lineEnd).toString('latin1').replace(/\r$/, '').split(';')[0]!.trim();
    if (!/^[0-9a-fA-F]+$/.test(sizeText))
      throw new PushedResponseError(`invalid chunk size ${JSON.stringify(sizeText)}`);
    const size = parseInt(sizeText, 16);
    at = lineEnd + 1;
    if (size === 0) return Buffer.concat(parts);
    if (at + size > input.length) throw new PushedResponseError('unexpected EOF in chunked body');
    parts.push(input.subarray(at, at + size));
    at += size;
    if (input[at] === 0x0d) at += 1;
    if (input[at] !== 0x0a) throw new PushedResponseError('malformed chunked encoding');
    at += 1;
  }
}
