import { Buffer } from 'node:buffer';

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
  readonly #maxEntries: number;
  #table: Int32Array; // slot → entry index + 1, 0 when empty
  #mask: number;
  #hashes: Int32Array;
  #starts: Int32Array;
  #lengths: Int32Array;
  #arena: Uint8Array;
  #arenaUsed = 0;
  #strings: string[] = [];
  #count = 0;

  constructor(maxEntries = 1 << 20) {
    this.#maxEntries = maxEntries;
    this.#table = new Int32Array(1024);
    this.#mask = 1023;
    this.#hashes = new Int32Array(512);
    this.#starts = new Int32Array(512);
    this.#lengths = new Int32Array(512);
    this.#arena = new Uint8Array(16384);
  }

  /** Number of distinct strings held. */
  get size(): number {
    return this.#count;
  }

  /**
   * The string for `buf[start, end)`: `\\`, `\"` and `\n` unescaped, other escapes kept
   * as written (as Prometheus does). {@link INVALID_UTF8} when the bytes are not UTF-8.
   */
  intern(buf: Uint8Array, start: number, end: number): string | typeof INVALID_UTF8 {
    let h = 0x811c9dc5 | 0;
    for (let i = start; i < end; i++) h = Math.imul(h ^ buf[i]!, 0x01000193);
    const len = end - start;
    const table = this.#table;
    const mask = this.#mask;
    let slot = h & mask;
    while (true) {
      const entry = table[slot]!;
      if (entry === 0) break;
      const e = entry - 1;
      if (this.#hashes[e] === h && this.#lengths[e] === len) {
        const arena = this.#arena;
        let at = this.#starts[e]!;
        let i = start;
        while (i < end && arena[at] === buf[i]) {
          at++;
          i++;
        }
        if (i === end) return this.#strings[e]!;
      }
      slot = (slot + 1) & mask;
    }
    const s = decode(buf, start, end);
    if (s === INVALID_UTF8) return s;
    if (this.#count >= this.#maxEntries) this.clear();
    this.#add(buf, start, end, h, s);
    return s;
  }

  /** Forgets every string. */
  clear(): void {
    this.#table.fill(0);
    this.#count = 0;
    this.#arenaUsed = 0;
    this.#strings = [];
  }

  #add(buf: Uint8Array, start: number, end: number, h: number, s: string): void {
    const e = this.#count;
    if (e === this.#hashes.length) {
      this.#hashes = grow(this.#hashes);
      this.#starts = grow(this.#starts);
      this.#lengths = grow(this.#lengths);
    }
    const len = end - start;
    if (this.#arenaUsed + len > this.#arena.length) {
      const arena = new Uint8Array(Math.max(this.#arena.length * 2, this.#arenaUsed + len));
      arena.set(this.#arena.subarray(0, this.#arenaUsed));
      this.#arena = arena;
    }
    this.#arena.set(buf.subarray(start, end), this.#arenaUsed);
    this.#hashes[e] = h;
    this.#starts[e] = this.#arenaUsed;
    this.#lengths[e] = len;
    this.#arenaUsed += len;
    this.#strings.push(s);
    this.#count = e + 1;
    if (this.#count * 2 > this.#table.length) this.#rehash();
    else this.#place(h, e);
  }

  #place(h: number, e: number): void {
    const table = this.#table;
    const mask = this.#mask;
    let slot = h & mask;
    while (table[slot] !== 0) slot = (slot + 1) & mask;
    table[slot] = e + 1;
  }

  #rehash(): void {
    this.#table = new Int32Array(this.#table.length * 2);
    this.#mask = this.#table.length - 1;
    for (let e = 0; e < this.#count; e++) this.#place(this.#hashes[e]!, e);
  }
}

function grow(a: Int32Array): Int32Array {
  const b = new Int32Array(a.length * 2);
  b.set(a);
  return b;
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
