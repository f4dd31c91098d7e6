import { BlockCorruptionError } from './errors.ts';

const TWO_32 = 4294967296;

/**
 * A cursor over bytes with the decoders matching {@link EncBuf}. Reading past the end
 * or an overlong varint throws {@link BlockCorruptionError} naming `file`.
 */
export class DecBuf {
  pos: number;

  constructor(
    readonly bytes: Uint8Array,
    readonly file: string,
    start = 0,
    readonly end = bytes.length,
  ) {
    this.pos = start;
  }

  get remaining(): number {
    return this.end - this.pos;
  }

  #need(n: number): void {
    if (this.pos + n > this.end)
      throw new BlockCorruptionError(this.file, `unexpected end of data at offset ${this.pos}`);
  }

  byte(): number {
    this.#need(1);
    return this.bytes[this.pos++]!;
  }

  be32(): number {
    this.#need(4);
    const b = this.bytes;
    const p = this.pos;
    this.pos += 4;
    return ((b[p]! << 24) | (b[p + 1]! << 16) | (b[p + 2]! << 8) | b[p + 3]!) >>> 0;
  }

  be64(): number {
    const hi = this.be32();
    const lo = this.be32();
    return hi * TWO_32 + lo;
  }

  uvarint(): number {
    const b = this.bytes;
    let result = 0;
    let mul = 1;
    for (let i = 0; i < 10; i++) {
      if (this.pos >= this.end)
        throw new BlockCorruptionError(this.file, `truncated varint at offset ${this.pos}`);
      const x = b[this.pos++]!;
      result += (x & 0x7f) * mul;
      if (x < 0x80) return result;
      mul *= 128;
    }
    throw new BlockCorruptionError(this.file, `varint overflows at offset ${this.pos}`);
  }

  varint(): number {
    const u = this.uvarint();
    // Zig-zag decode without 32-bit truncation.
    return u % 2 === 0 ? u / 2 : -(u + 1) / 2;
  }

  bytesN(n: number): Uint8Array {
    this.#need(n);
    const out = this.bytes.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  uvarintBytes(): Uint8Array {
    return this.bytesN(this.uvarint());
  }

  uvarintStr(): string {
    const bytes = this.uvarintBytes();
    return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('utf8');
  }
}
