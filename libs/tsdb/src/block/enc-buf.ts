import { crc32c } from '../wal/crc32c.ts';

const TWO_32 = 4294967296;

/**
 * A growable byte buffer with the primitive encoders of the block format: big-endian
 * fixed-width integers, Go-style uvarints and zig-zag varints, length-prefixed UTF-8
 * strings. Integers are JavaScript numbers and must be safe integers (|v| < 2^53),
 * which covers millisecond timestamps and chunk references.
 */
export class EncBuf {
  #buf: Buffer;
  #len = 0;

  constructor(initialCapacity = 256) {
    this.#buf = Buffer.allocUnsafe(initialCapacity);
  }

  get length(): number {
    return this.#len;
  }

  /** A view of the bytes written so far; valid until the next write or reset. */
  get(): Buffer {
    return this.#buf.subarray(0, this.#len);
  }

  reset(): void {
    this.#len = 0;
  }

  #ensure(n: number): void {
    if (this.#len + n <= this.#buf.length) return;
    const next = Buffer.allocUnsafe(Math.max(this.#buf.length * 2, this.#len + n));
    this.#buf.copy(next, 0, 0, this.#len);
    this.#buf = next;
  }

  putByte(b: number): void {
    this.#ensure(1);
    this.#buf[this.#len++] = b;
  }

  putBytes(bytes: Uint8Array): void {
    this.#ensure(bytes.length);
    this.#buf.set(bytes, this.#len);
    this.#len += bytes.length;
  }

  putBE32(v: number): void {
    this.#ensure(4);
    this.#buf.writeUInt32BE(v >>> 0, this.#len);
    this.#len += 4;
  }

  putBE64(v: number): void {
    this.#ensure(8);
    this.#buf.writeUInt32BE(Math.floor(v / TWO_32) >>> 0, this.#len);
    this.#buf.writeUInt32BE(v >>> 0, this.#len + 4);
    this.#len += 8;
  }

  putUvarint(v: number): void {
    this.#ensure(10);
    const buf = this.#buf;
    while (v >= 0x80) {
      buf[this.#len++] = (v & 0x7f) | 0x80;
      v = v < TWO_32 ? v >>> 7 : Math.floor(v / 128);
    }
    buf[this.#len++] = v;
  }

  /** Zig-zag signed varint (Go `binary.PutVarint`). */
  putVarint(v: number): void {
    this.putUvarint(v < 0 ? -2 * v - 1 : 2 * v);
  }

  /** uvarint byte length followed by the UTF-8 bytes. */
  putUvarintStr(s: string): void {
    const n = Buffer.byteLength(s);
    this.putUvarint(n);
    this.#ensure(n);
    this.#len += this.#buf.write(s, this.#len, 'utf8');
  }

  /** Overwrites 4 bytes at `offset` (already written) with a big-endian uint32. */
  setBE32(offset: number, v: number): void {
    this.#buf.writeUInt32BE(v >>> 0, offset);
  }

  /** Appends the CRC-32C of bytes[start, length) as a big-endian uint32. */
  putCrc32c(start: number): void {
    const crc = crc32c(this.#buf, start, this.#len);
    this.putBE32(crc);
  }
}

/** Number of bytes `EncBuf.putUvarint(v)` writes. */
export function uvarintSize(v: number): number {
  let n = 1;
  while (v >= 0x80) {
    v = Math.floor(v / 128);
    n++;
  }
  return n;
}
