import { BitReader, BitWriter, writeUvarintBits, writeVarintBits } from './bit-stream.ts';

/** Chunk encodings as numbered on disk by Prometheus (`chunkenc.Encoding`). */
export const Encoding = {
  None: 0,
  XOR: 1,
  Histogram: 2,
  FloatHistogram: 3,
} as const;
export type Encoding = (typeof Encoding)[keyof typeof Encoding];

/** Upper bound of samples a chunk's 16-bit header can count. */
export const MAX_SAMPLES_PER_CHUNK = 0xffff;

const scratchF64 = new Float64Array(1);
const scratchU32 = new Uint32Array(scratchF64.buffer);
const TWO_32 = 4294967296;

/** Number of trailing zero bits of a non-zero uint32. */
function ctz32(x: number): number {
  return 31 - Math.clz32(x & -x);
}

/**
 * A float chunk in Prometheus's XOR (Gorilla) encoding, byte for byte: a 2-byte
 * big-endian sample count, then the first sample as a signed varint timestamp and
 * 64 raw value bits, the second as an unsigned varint timestamp delta and an XOR
 * value, the rest as delta-of-delta timestamps (0 / 10+14 / 110+17 / 1110+20 /
 * 1111+64 bits) and XOR values (0 = same; 10 = reuse the previous leading/trailing
 * window; 11 + 5 bits leading + 6 bits significant + bits).
 *
 * Samples must be appended in strictly increasing timestamp order; the caller (the
 * head) enforces it. Value bits are kept exactly, so NaN payloads such as StaleNaN,
 * -0 and ±Inf survive the round trip.
 */
export class XorChunk {
  readonly encoding = Encoding.XOR;
  #w: BitWriter;
  #num = 0;
  // Appender state: last timestamp, last delta, last value words, XOR window.
  #t = 0;
  #tDelta = 0;
  #hi = 0;
  #lo = 0;
  #leading = 0xff;
  #trailing = 0;

  constructor(initialCapacity = 32) {
    this.#w = new BitWriter(initialCapacity, 2);
  }

  /**
   * Adopts encoded chunk bytes (as read from disk or a WAL/mmap record) and makes
   * the chunk appendable by decoding it once to restore the appender state.
   */
  static fromBytes(bytes: Uint8Array): XorChunk {
    const c = new XorChunk(0);
    const it = new XorIterator(bytes);
    let bitEnd = 16;
    while (it.next()) bitEnd = it.bitPosition;
    c.#w = BitWriter.resume(bytes, bitEnd);
    c.#num = it.count;
    c.#t = it.t;
    c.#tDelta = it.tDelta;
    c.#hi = it.hi;
    c.#lo = it.lo;
    c.#leading = it.leading;
    c.#trailing = it.trailing;
    return c;
  }

  /** Samples in the chunk. */
  get numSamples(): number {
    return this.#num;
  }

  /** Timestamp of the last sample (undefined behaviour when empty). */
  get lastTimestamp(): number {
    return this.#t;
  }

  /** Encoded bytes (header included); a view valid until the next append. */
  bytes(): Uint8Array {
    return this.#w.bytes();
  }

  /** Encoded size in bytes. */
  get byteLength(): number {
    return this.#w.byteLength;
  }

  /** The encoded bytes to keep once the chunk is full: no further appends may follow. */
  sealedBytes(): Uint8Array {
    return this.#w.sealedBytes();
  }

  /** Appends a sample; `t` must be greater than the last appended timestamp. */
  append(t: number, v: number): void {
    scratchF64[0] = v;
    this.appendBits(t, scratchU32[1]!, scratchU32[0]!);
  }

  /** Appends a sample whose value is given as its IEEE-754 high and low 32-bit words. */
  appendBits(t: number, hi: number, lo: number): void {
    const w = this.#w;
    const num = this.#num;
    if (num === 0) {
      writeVarintBits(w, t);
      w.writeBits64(hi, lo, 64);
    } else if (num === 1) {
      const tDelta = t - this.#t;
      writeUvarintBits(w, tDelta);
      this.#writeValue(hi, lo, 0, 0);
      this.#tDelta = tDelta;
    } else {
      const tDelta = t - this.#t;
      const dod = tDelta - this.#tDelta;
      // The short timestamp codes are merged into the value's first write (same bits).
      if (dod === 0) {
        this.#writeValue(hi, lo, 0, 1);
      } else if (dod >= -8191 && dod <= 8192) {
        this.#writeValue(hi, lo, (0b10 << 14) | (dod & 0x3fff), 16);
      } else {
        if (dod >= -65535 && dod <= 65536) {
          w.writeBits((0b110 << 17) | (dod & 0x1ffff), 20);
        } else if (dod >= -524287 && dod <= 524288) {
          w.writeBits((0b1110 << 20) | (dod & 0xfffff), 24);
        } else {
          w.writeBits(0b1111, 4);
          const dhi = Math.floor(dod / TWO_32);
          w.writeBits64(dhi >>> 0, (dod - dhi * TWO_32) >>> 0, 64);
        }
        this.#writeValue(hi, lo, 0, 0);
      }
      this.#tDelta = tDelta;
    }
    this.#t = t;
    this.#hi = hi;
    this.#lo = lo;
    this.#num = num + 1;
    w.setByte(0, (this.#num >>> 8) & 0xff);
    w.setByte(1, this.#num & 0xff);
  }

  /**
   * Writes the XOR-encoded value, preceded by `prefixBits` bits of `prefix`
   * (≤ 16; a timestamp code) merged into the first write.
   */
  #writeValue(hi: number, lo: number, prefix: number, prefixBits: number): void {
    const w = this.#w;
    const dHi = (hi ^ this.#hi) >>> 0;
    const dLo = (lo ^ this.#lo) >>> 0;
    if (dHi === 0 && dLo === 0) {
      w.writeBits(prefix << 1, prefixBits + 1);
      return;
    }
    let leading = dHi !== 0 ? Math.clz32(dHi) : 32 + Math.clz32(dLo);
    const trailing = dLo !== 0 ? ctz32(dLo) : 32 + ctz32(dHi);
    if (leading >= 32) leading = 31;
    const prevLeading = this.#leading;
    if (prevLeading !== 0xff && leading >= prevLeading && trailing >= this.#trailing) {
      // '10': reuse the previous window.
      w.writeBits((prefix << 2) | 0b10, prefixBits + 2);
      writeShifted(w, dHi, dLo, this.#trailing, 64 - prevLeading - this.#trailing);
      return;
    }
    this.#leading = leading;
    this.#trailing = trailing;
    const sigbits = 64 - leading - trailing;
    // '11', 5 bits leading, 6 bits significant (64 is written as 0 and read back as 64).
    const control = (0b11 << 11) | (leading << 6) | (sigbits & 0x3f);
    if (prefixBits + 13 <= 32)
      w.writeBits(prefixBits === 0 ? control : ((prefix << 13) | control) >>> 0, prefixBits + 13);
    else {
      w.writeBits(prefix, prefixBits);
      w.writeBits(control, 13);
    }
    writeShifted(w, dHi, dLo, trailing, sigbits);
  }

  /** An iterator over the samples present now. */
  iterator(): XorIterator {
    return new XorIterator(this.#w.bytes());
  }
}

/** Writes `n` bits of the 64-bit value `hi:lo` shifted right by `shift`. */
function writeShifted(w: BitWriter, hi: number, lo: number, shift: number, n: number): void {
  let sHi: number;
  let sLo: number;
  if (shift === 0) {
    sHi = hi;
    sLo = lo;
  } else if (shift < 32) {
    sLo = ((lo >>> shift) | (hi << (32 - shift))) >>> 0;
    sHi = hi >>> shift;
  } else {
    sLo = hi >>> (shift - 32);
    sHi = 0;
  }
  w.writeBits64(sHi, sLo, n);
}

/** Thrown when chunk bytes cannot be decoded. */
export class ChunkDecodeError extends Error {
  readonly code = 'chunk_decode';
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'ChunkDecodeError';
  }
}

/**
 * Decodes an XOR chunk one sample at a time without allocating: after `next()`
 * returns true, `t` and `v` (and the value's words `hi`/`lo`) hold the sample.
 */
export class XorIterator {
  readonly #r: BitReader;
  readonly #total: number;
  /** Samples decoded so far. */
  count = 0;
  t = 0;
  v = 0;
  hi = 0;
  lo = 0;
  tDelta = 0;
  leading = 0xff;
  trailing = 0;

  constructor(bytes: Uint8Array) {
    if (bytes.length < 2) throw new ChunkDecodeError('chunk shorter than its 2-byte header');
    this.#total = (bytes[0]! << 8) | bytes[1]!;
    this.#r = new BitReader(bytes, 2);
  }

  /** Samples the chunk header announces. */
  get numSamples(): number {
    return this.#total;
  }

  /** Bits consumed from the start of the chunk (header included). */
  get bitPosition(): number {
    return this.#r.bitPosition;
  }

  /** Decodes the next sample; false at the end. Throws {@link ChunkDecodeError} on truncated bytes. */
  next(): boolean {
    if (this.count >= this.#total) return false;
    try {
      this.#decode();
    } catch (cause) {
      throw new ChunkDecodeError(`XOR chunk truncated at sample ${this.count} of ${this.#total}`, { cause });
    }
    this.count++;
    return true;
  }

  /** Advances to the first sample with timestamp ≥ t; false if none. */
  seek(t: number): boolean {
    if (this.count > 0 && this.t >= t) return true;
    while (this.next()) if (this.t >= t) return true;
    return false;
  }

  #decode(): void {
    const r = this.#r;
    if (this.count === 0) {
      this.t = r.readVarint();
      this.hi = r.readBits(32);
      this.lo = r.readBits(32);
    } else if (this.count === 1) {
      this.tDelta = r.readUvarint();
      this.t += this.tDelta;
      this.#readValue();
    } else {
      let d = 0;
      for (let i = 0; i < 4; i++) {
        d <<= 1;
        if (r.readBit() === 0) break;
        d |= 1;
      }
      let dod = 0;
      let sz = 0;
      switch (d) {
        case 0b0:
          break;
        case 0b10:
          sz = 14;
          break;
        case 0b110:
          sz = 17;
          break;
        case 0b1110:
          sz = 20;
          break;
        default: {
          const dhi = r.readBits(32) | 0;
          const dlo = r.readBits(32);
          dod = dhi * TWO_32 + dlo;
        }
      }
      if (sz !== 0) {
        dod = r.readBits(sz);
        if (dod > 1 << (sz - 1)) dod -= 1 << sz;
      }
      this.tDelta += dod;
      this.t += this.tDelta;
      this.#readValue();
    }
    scratchU32[0] = this.lo;
    scratchU32[1] = this.hi;
    this.v = scratchF64[0]!;
  }

  #readValue(): void {
    const r = this.#r;
    if (r.readBit() === 0) return;
    if (r.readBit() === 1) {
      this.leading = r.readBits(5);
      let sigbits = r.readBits(6);
      if (sigbits === 0) sigbits = 64;
      this.trailing = 64 - this.leading - sigbits;
    }
    const sigbits = 64 - this.leading - this.trailing;
    let bHi = 0;
    let bLo: number;
    if (sigbits > 32) {
      bHi = r.readBits(sigbits - 32);
      bLo = r.readBits(32);
    } else {
      bLo = r.readBits(sigbits);
    }
    // Shift (bHi:bLo) left by trailing and XOR into the value.
    const s = this.trailing;
    let xHi: number;
    let xLo: number;
    if (s === 0) {
      xHi = bHi;
      xLo = bLo;
    } else if (s < 32) {
      xHi = (bHi << s) | (bLo >>> (32 - s));
      xLo = bLo << s;
    } else {
      xHi = bLo << (s - 32);
      xLo = 0;
    }
    this.hi = (this.hi ^ xHi) >>> 0;
    this.lo = (this.lo ^ xLo) >>> 0;
  }
}

/**
 * Decodes the samples of `bytes` with minT ≤ t ≤ maxT into the columns starting at
 * `offset`, writing value words directly so NaN payloads are kept. Returns the
 * number of samples written; the columns must have room for the chunk's samples.
 */
export function decodeXorInto(
  bytes: Uint8Array,
  minT: number,
  maxT: number,
  timestamps: Float64Array,
  values: Float64Array,
  offset: number,
): number {
  const it = new XorIterator(bytes);
  const words = new Uint32Array(values.buffer, values.byteOffset, values.length * 2);
  let n = offset;
  while (it.next()) {
    const t = it.t;
    if (t < minT) continue;
    if (t > maxT) break;
    timestamps[n] = t;
    words[2 * n] = it.lo;
    words[2 * n + 1] = it.hi;
    n++;
  }
  return n - offset;
}
