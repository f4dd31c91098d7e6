import { Buffer } from 'node:buffer';
import { BytesMap } from './bytes-map.ts';

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Failure of {@link ByteInterner.intern} on bytes that are not valid UTF-8. */
export const INVALID_UTF8 = Symbol('invalid-utf8');

/**
 * Maps byte ranges of exposition text (a name or a label value as written, between the
 * quotes, escapes included) to their unescaped string, making each string once. A hit costs
 * a hash over the bytes and one compare; only a miss decodes. Memory is bounded: past
 * `maxEntries` the table starts over.
 */
export class ByteInterner {
  readonly #map: BytesMap<string>;

  constructor(maxEntries = 1 << 20) {
    this.#map = new BytesMap<string>(maxEntries);
  }

  /** Number of distinct strings held. */
  get size(): number {
    return this.#map.size;
  }

  /**
   * The string for `buf[start, end)`: `\\`, `\"` and `\n` unescaped, other escapes kept
   * as written (as Prometheus does). {@link INVALID_UTF8} when the bytes are not UTF-8.
   */
  intern(buf: Uint8Array, start: number, end: number): string | typeof INVALID_UTF8 {
    const hit = this.#map.get(buf, start, end);
    if (hit !== undefined) return hit;
    const s = decode(buf, start, end);
    if (s !== INVALID_UTF8) this.#map.add(buf, start, end, s);
    return s;
  }

  /** Forgets every string. */
  clear(): void {
    this.#map.clear();
  }
}

/** Decodes and unescapes `buf[start, end)`; {@link INVALID_UTF8} on bad UTF-8. */
export function decode(buf: Uint8Array, start: number, end: number): string | typeof INVALID_UTF8 {
  let ascii = true;
  let escaped = false;
  for (let i = start; i < end; i++) {
    const c = buf[i]!;
    if (c >= 0x80) ascii = false;
    else if (c === 0x5c) escaped = true;
  }
  let s: string;
  if (ascii) {
    s = latin1(buf, start, end);
  } else {
    try {
      s = utf8.decode(buf.subarray(start, end));
    } catch {
      return INVALID_UTF8;
    }
  }
  return escaped ? unescape(s) : s;
}

function latin1(buf: Uint8Array, start: number, end: number): string {
  if (end - start < 16) {
    let s = '';
    for (let i = start; i < end; i++) s += String.fromCharCode(buf[i]!);
    return s;
  }
  const b = Buffer.isBuffer(buf) ? buf : Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
  return b.toString('latin1', start, end);
}

/** Undoes `\\`, `\"` and `\n`; any other backslash stays as written. */
export function unescape(s: string): string {
  return s.replace(/\\([\\"n])/g, (_, c: string) => (c === 'n' ? '\n' : c));
}

/** Undoes the text format's HELP escapes `\\` and `\n`; any other backslash stays. */
export function unescapeHelp(s: string): string {
  return s.replace(/\\([\\n])/g, (_, c: string) => (c === 'n' ? '\n' : c));
}
