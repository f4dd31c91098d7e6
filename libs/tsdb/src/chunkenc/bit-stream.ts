/**
 * Bit streams over bytes, most significant bit first within each byte, as
 * Prometheus's `chunkenc.bstream` lays them out. Reads and writes take at most 32
 * bits at a time so every operation stays in 32-bit integer arithmetic; 64-bit
 * quantities are handled as (high, low) word pairs by the callers.
 */

/**
 * A growable bit writer. {@link bytes} views the written bytes without copying.
 *
 * Byte-exact with upstream's `bstream`: there, a multi-bit write ending on a whole
 * byte at a byte boundary leaves one empty byte behind (its writeByte always
 * appends the next byte), so the encoded chunk can end with a zero byte. We track
 * that as `#pad` and include the byte in {@link bytes} so chunk bytes match.
 */
export class BitWriter {
  #buf: Uint8Array;
  #len = 0;
  /** Free bits left in the last byte (0 when the last byte is full or there is none). */
  #free = 0;
  #pad = false;

  /** Starts with `prefix` (e.g. a zeroed header) already written. */
  constructor(initialCapacity = 32, prefixBytes = 0) {
    this.#buf = new Uint8Array(Math.max(initialCapacity, prefixBytes + 8));
    this.#len = prefixBytes;
  }

  /** Continues writing after the first `bitLength` bits of `bytes` (the bytes are copied). */
  static resume(bytes: Uint8Array, bitLength: number): BitWriter {
    const w = new BitWriter(Math.max(32, bytes.length + 16));
    const byteLen = Math.ceil(bitLength / 8);
    w.#buf.set(bytes.subarray(0, byteLen));
    w.#len = byteLen;
    w.#free = byteLen * 8 - bitLength;
    if (w.#free > 0) w.#buf[byteLen - 1]! &= 0xff << w.#free;
    return w;
  }

  /** Number of bytes of {@link bytes} (the last one possibly partial or empty). */
  get byteLength(): number {
    return this.#pad ? this.#len + 1 : this.#len;
  }

  /** Number of bits written. */
  get bitLength(): number {
    return this.#len * 8 - this.#free;
  }

  /** A view of the written bytes; valid until the next write. */
  bytes(): Uint8Array {
    return this.#buf.subarray(0, this.byteLength);
  }

  /** Bytes allocated for the stream. */
  get capacity(): number {
    return this.#buf.length;
  }

  /**
   * The written bytes for keeping after the last write: a view when little capacity
   * would be wasted, a trimmed copy otherwise.
   */
  sealedBytes(maxWasteBytes = 32): Uint8Array {
    const n = this.byteLength;
    return this.#buf.length - n <= maxWasteBytes ? this.#buf.subarray(0, n) : this.#buf.slice(0, n);
  }

  /** Overwrites byte `i` (already written), e.g. a header. */
  setByte(i: number, value: number): void {
    this.#buf[i] = value;
  }

  writeBit(bit: number): void {
    this.#pad = false;
    if (this.#free === 0) {
      this.#ensure(1);
      this.#buf[this.#len++] = 0;
      this.#free = 8;
    }
    this.#free--;
    if (bit) this.#buf[this.#len - 1]! |= 1 << this.#free;
  }

  /** Writes the low `n` bits (0 ≤ n ≤ 32) of `value`, most significant first. */
  writeBits(value: number, n: number): void {
    this.#write(value, n);
    this.#pad = n >= 8 && n % 8 === 0 && this.#free === 0;
  }

  #write(value: number, n: number): void {
    if (n === 0) return;
    if (this.#len + 6 > this.#buf.length) this.#grow(6);
    const buf = this.#buf;
    let len = this.#len;
    let free = this.#free;
    if (n <= free) {
      free -= n;
      buf[len - 1]! |= (n === 32 ? value : value & ((1 << n) - 1)) << free;
      this.#free = free;
      return;
    }
    // Fill the free low bits of the last byte with the top bits of value.
    if (free > 0) {
      n -= free;
      buf[len - 1]! |= (value >>> n) & ((1 << free) - 1);
    }
    while (n >= 8) {
      n -= 8;
      buf[len++] = (value >>> n) & 0xff;
    }
    if (n > 0) {
      buf[len++] = (value << (8 - n)) & 0xff;
      free = 8 - n;
    } else free = 0;
    this.#len = len;
    this.#free = free;
  }

  /** Writes the low `n` bits (0 ≤ n ≤ 64) of the 64-bit value `hi:lo`. */
  writeBits64(hi: number, lo: number, n: number): void {
    if (n > 32) {
      this.#write(hi, n - 32);
      this.#write(lo, 32);
    } else {
      this.#write(lo, n);
    }
    this.#pad = n >= 8 && n % 8 === 0 && this.#free === 0;
  }

  #ensure(extra: number): void {
    if (this.#len + extra > this.#buf.length) this.#grow(extra);
  }

  #grow(extra: number): void {
    const next = new Uint8Array(Math.max(this.#buf.length * 2, this.#len + extra + 16));
    next.set(this.#buf.subarray(0, this.#len));
    this.#buf = next;
  }
}

/** Thrown when a reader runs past the end of its bytes. */
export class BitStreamEndError extends Error {
  constructor() {
    super('bit stream ended early');
    this.name = 'BitStreamEndError';
  }
}

/** A bit reader over a byte range; never copies. */
export class BitReader {
  readonly #buf: Uint8Array;
  #pos: number;
  /** Bits already consumed in byte `#pos`. */
  #bit = 0;

  constructor(buf: Uint8Array, byteOffset = 0) {
    this.#buf = buf;
    this.#pos = byteOffset;
  }

  /** Byte offset of the next unread bit's byte. */
  get bytePosition(): number {
    return this.#pos;
  }

  /** Bits consumed from the start of the buffer. */
  get bitPosition(): number {
    return this.#pos * 8 + this.#bit;
  }

  readBit(): number {
    if (this.#pos >= this.#buf.length) throw new BitStreamEndError();
    const bit = (this.#buf[this.#pos]! >>> (7 - this.#bit)) & 1;
    if (++this.#bit === 8) {
      this.#bit = 0;
      this.#pos++;
    }
    return bit;
  }

  /** Reads `n` bits (0 ≤ n ≤ 32) as an unsigned integer. */
  readBits(n: number): number {
    const buf = this.#buf;
    let v = 0;
    while (n > 0) {
      if (this.#pos >= buf.length) throw new BitStreamEndError();
      const avail = 8 - this.#bit;
      const take = n < avail ? n : avail;
      const bits = (buf[this.#pos]! >>> (avail - take)) & ((1 << take) - 1);
      v = ((v << take) | bits) >>> 0;
      this.#bit += take;
      if (this.#bit === 8) {
        this.#bit = 0;
        this.#pos++;
      }
      n -= take;
    }
    return v;
  }

  /** Reads a whole byte-aligned byte. */
  readByte(): number {
    return this.readBits(8);
  }

  /** Reads an unsigned LEB128 varint (Go's `binary.Uvarint`) as a double; exact up to 2^53. */
  readUvarint(): number {
    let result = 0;
    let scale = 1;
    for (let i = 0; i < 10; i++) {
      const b = this.readBits(8);
      result += (b & 0x7f) * scale;
      if ((b & 0x80) === 0) return result;
      scale *= 128;
    }
    throw new BitStreamEndError();
  }

  /** Reads a zig-zag signed varint (Go's `binary.Varint`). */
  readVarint(): number {
    const u = this.readUvarint();
    return u % 2 === 0 ? u / 2 : -(u + 1) / 2;
  }
}

/** Writes an unsigned LEB128 varint of a non-negative integer ≤ 2^53 into the bit stream. */
export function writeUvarintBits(w: BitWriter, value: number): void {
  while (value >= 128) {
    w.writeBits((value % 128) | 0x80, 8);
    value = Math.floor(value / 128);
  }
  w.writeBits(value, 8);
}

/** Writes a zig-zag signed varint (Go's `binary.PutVarint`). */
export function writeVarintBits(w: BitWriter, value: number): void {
  writeUvarintBits(w, value >= 0 ? value * 2 : -value * 2 - 1);
}
