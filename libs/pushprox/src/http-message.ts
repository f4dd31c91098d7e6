import { WireFormatError } from './errors.ts';
import { canonicalHeaderName } from './header-name.ts';

/** The head of an HTTP/1.x message split into lines, and the bytes after it. */
export interface MessageHead {
  readonly startLine: string;
  /** Header pairs by canonical name, values trimmed, in message order. */
  readonly headers: [string, string][];
  readonly rest: Buffer;
}

/**
 * Splits a message at its blank line (CRLF or bare LF line ends, as Go's textproto
 * reader accepts) and parses the header lines. Errors use Go's texts.
 */
export function readHead(message: Buffer): MessageHead {
  let headEnd = message.indexOf('\r\n\r\n');
  let bodyStart = headEnd + 4;
  const lfEnd = message.indexOf('\n\n');
  if (headEnd < 0 || (lfEnd >= 0 && lfEnd < headEnd)) {
    headEnd = lfEnd;
    bodyStart = lfEnd + 2;
  }
  if (headEnd < 0) throw new WireFormatError(message.length === 0 ? 'EOF' : 'unexpected EOF');
  const lines = message.subarray(0, headEnd).toString('latin1').split(/\r?\n/);
  const headers: [string, string][] = [];
  for (const line of lines.slice(1)) {
    const colon = line.indexOf(':');
    if (colon <= 0) throw new WireFormatError(`malformed MIME header line: ${line}`);
    headers.push([canonicalHeaderName(line.slice(0, colon).trim()), line.slice(colon + 1).trim()]);
  }
  return { startLine: lines[0]!, headers, rest: message.subarray(bodyStart) };
}

/** A `Content-Length` value as a byte count, refused unless plain digits. */
export function contentLength(value: string): number {
  if (!/^\d+$/.test(value)) throw new WireFormatError(`bad Content-Length ${JSON.stringify(value)}`);
  return Number(value);
}

/** The first `length` bytes of `rest`; `unexpected EOF` when fewer are there. */
export function fixedBody(rest: Buffer, length: number): Buffer {
  if (rest.length < length) throw new WireFormatError('unexpected EOF');
  return rest.subarray(0, length);
}

/** Decodes a `Transfer-Encoding: chunked` body (extensions ignored, trailers dropped). */
export function dechunk(input: Buffer): Buffer {
  const parts: Buffer[] = [];
  let at = 0;
  for (;;) {
    const lineEnd = input.indexOf('\n', at);
    if (lineEnd < 0) throw new WireFormatError('unexpected EOF in chunked body');
    const sizeText = input.subarray(at, lineEnd).toString('latin1').replace(/\r$/, '').split(';')[0]!.trim();
    if (!/^[0-9a-fA-F]+$/.test(sizeText))
      throw new WireFormatError(`invalid chunk size ${JSON.stringify(sizeText)}`);
    const size = parseInt(sizeText, 16);
    at = lineEnd + 1;
    if (size === 0) return Buffer.concat(parts);
    if (at + size > input.length) throw new WireFormatError('unexpected EOF in chunked body');
    parts.push(input.subarray(at, at + size));
    at += size;
    if (input[at] === 0x0d) at += 1;
    if (input[at] !== 0x0a) throw new WireFormatError('malformed chunked encoding');
    at += 1;
  }
}
