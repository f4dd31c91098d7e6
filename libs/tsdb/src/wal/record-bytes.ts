// Label-free parts of upstream's WAL record encoding: safe to load in a worker thread
// (no @argus/model, hence no re2).
/** Record types of upstream's `tsdb/record` package; we write Series, Samples and Tombstones. */
export const RecordType = {
  Series: 1,
  Samples: 2,
  Tombstones: 3,
  Exemplars: 4,
  MmapMarkers: 5,
  Metadata: 6,
  HistogramSamples: 7,
  FloatHistogramSamples: 8,
} as const;

/** Thrown when a record's bytes do not decode. */
export class RecordDecodeError extends Error {
  readonly code = 'wal_record_decode';
  constructor(message: string) {
    super(message);
    this.name = 'RecordDecodeError';
  }
}

const TWO_32 = 4294967296;
const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: false });

/** A growable byte buffer with upstream's `encoding.Encbuf` primitives. */
export class Encbuf {
  buf: Uint8Array;
  view: DataView;
  len = 0;

  constructor(capacity = 256) {
    this.buf = new Uint8Array(capacity);
    this.view = new DataView(this.buf.buffer);
  }

  ensure(extra: number): void {
    if (this.len + extra <= this.buf.length) return;
    const next = new Uint8Array(Math.max(this.buf.length * 2, this.len + extra));
    next.set(this.buf.subarray(0, this.len));
    this.buf = next;
    this.view = new DataView(next.buffer);
  }

  byte(b: number): void {
    this.ensure(1);
    this.buf[this.len++] = b;
  }

  /** Big-endian 64-bit unsigned integer from a non-negative double ≤ 2^53. */
  be64(x: number): void {
    this.ensure(8);
    const hi = Math.floor(x / TWO_32);
    this.view.setUint32(this.len, hi >>> 0);
    this.view.setUint32(this.len + 4, (x - hi * TWO_32) >>> 0);
    this.len += 8;
  }

  /** Big-endian two's complement 64-bit integer from a safe-integer double. */
  be64Signed(x: number): void {
    this.ensure(8);
    const hi = Math.floor(x / TWO_32);
    this.view.setInt32(this.len, hi | 0);
    this.view.setUint32(this.len + 4, (x - hi * TWO_32) >>> 0);
    this.len += 8;
  }

  /** The IEEE-754 bits of `v`, big-endian (NaN payloads kept). */
  float64(v: number): void {
    this.ensure(8);
    this.view.setFloat64(this.len, v);
    this.len += 8;
  }

  /** The IEEE-754 bits given as words, big-endian. */
  float64Words(hi: number, lo: number): void {
    this.ensure(8);
    this.view.setUint32(this.len, hi);
    this.view.setUint32(this.len + 4, lo);
    this.len += 8;
  }

  uvarint(x: number): void {
    this.ensure(10);
    while (x >= 128) {
      this.buf[this.len++] = (x % 128) | 0x80;
      x = Math.floor(x / 128);
    }
    this.buf[this.len++] = x;
  }

  varint(x: number): void {
    this.uvarint(x >= 0 ? x * 2 : -x * 2 - 1);
  }

  uvarintStr(s: string): void {
    // Worst case 3 bytes per UTF-16 unit.
    this.ensure(10 + s.length * 3);
    let ascii = true;
    for (let i = 0; i < s.length; i++) {
      if (s.charCodeAt(i) >= 0x80) {
        ascii = false;
        break;
      }
    }
    if (ascii) {
      this.uvarint(s.length);
      for (let i = 0; i < s.length; i++) this.buf[this.len++] = s.charCodeAt(i);
      return;
    }
    const bytes = encoder.encode(s);
    this.uvarint(bytes.length);
    this.buf.set(bytes, this.len);
    this.len += bytes.length;
  }

  bytes(): Uint8Array {
    return this.buf.subarray(0, this.len);
  }
}

/** Reads upstream's `encoding.Decbuf` primitives; throws {@link RecordDecodeError} past the end. */
export class Decbuf {
  readonly #buf: Uint8Array;
  readonly #view: DataView;
  pos = 0;

  constructor(buf: Uint8Array) {
    this.#buf = buf;
    this.#view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  }

  get remaining(): number {
    return this.#buf.length - this.pos;
  }

  #need(n: number): void {
    if (this.pos + n > this.#buf.length) throw new RecordDecodeError('record ends early');
  }

  byte(): number {
    this.#need(1);
    return this.#buf[this.pos++]!;
  }

  be64(): number {
    this.#need(8);
    const v = this.#view.getUint32(this.pos) * TWO_32 + this.#view.getUint32(this.pos + 4);
    this.pos += 8;
    return v;
  }

  be64Signed(): number {
    this.#need(8);
    const v = this.#view.getInt32(this.pos) * TWO_32 + this.#view.getUint32(this.pos + 4);
    this.pos += 8;
    return v;
  }

  /** Reads 8 big-endian bytes as the high and low words of a float64. */
  float64Words(out: Uint32Array, at: number): void {
    this.#need(8);
    out[at + 1] = this.#view.getUint32(this.pos);
    out[at] = this.#view.getUint32(this.pos + 4);
    this.pos += 8;
  }

  uvarint(): number {
    let result = 0;
    let scale = 1;
    for (let i = 0; i < 10; i++) {
      this.#need(1);
      const b = this.#buf[this.pos++]!;
      result += (b & 0x7f) * scale;
      if (b < 0x80) return result;
      scale *= 128;
    }
    throw new RecordDecodeError('varint overflows 64 bits');
  }

  varint(): number {
    const u = this.uvarint();
    return u % 2 === 0 ? u / 2 : -(u + 1) / 2;
  }

  uvarintStr(): string {
    const n = this.uvarint();
    this.#need(n);
    const start = this.pos;
    this.pos += n;
    let ascii = true;
    for (let i = start; i < start + n; i++) {
      if (this.#buf[i]! >= 0x80) {
        ascii = false;
        break;
      }
    }
    if (ascii && n < 64)
      return String.fromCharCode.apply(null, this.#buf.subarray(start, start + n) as unknown as number[]);
    return decoder.decode(this.#buf.subarray(start, start + n));
  }
}

/** Samples as parallel columns; values keep their bits. */
export interface SampleColumns {
  length: number;
  refs: Uint32Array | number[];
  timestamps: Float64Array;
  values: Float64Array;
}

/**
 * Encodes a Samples record (type 2): the first sample's ref and timestamp as BE
 * 8-byte bases, then per sample the signed varint deltas of ref and timestamp from
 * the bases and the value's 8 bytes (as upstream's encoder writes them).
 */
export function encodeSamples(s: SampleColumns, b = new Encbuf(16 + s.length * 14)): Uint8Array {
  b.byte(RecordType.Samples);
  if (s.length === 0) return b.bytes();
  const words = new Uint32Array(s.values.buffer, s.values.byteOffset, s.values.length * 2);
  const baseRef = s.refs[0]!;
  const baseT = s.timestamps[0]!;
  b.be64(baseRef);
  b.be64Signed(baseT);
  for (let i = 0; i < s.length; i++) {
    b.varint(s.refs[i]! - baseRef);
    b.varint(s.timestamps[i]! - baseT);
    b.float64Words(words[2 * i + 1]!, words[2 * i]!);
  }
  return b.bytes();
}

/**
 * Decodes a Samples record into columns: `reuse`'s arrays when they are large
 * enough (the result then aliases them), fresh ones otherwise.
 */
export function decodeSamples(rec: Uint8Array, reuse?: SampleColumns): SampleColumns {
  const d = new Decbuf(rec);
  if (d.byte() !== RecordType.Samples) throw new RecordDecodeError('not a samples record');
  if (d.remaining === 0)
    return {
      length: 0,
      refs: new Uint32Array(0),
      timestamps: new Float64Array(0),
      values: new Float64Array(0),
    };
  const baseRef = d.be64();
  const baseT = d.be64Signed();
  // Each sample takes at least 10 bytes.
  const cap = Math.ceil(d.remaining / 10);
  const fits = reuse !== undefined && reuse.refs instanceof Uint32Array && reuse.timestamps.length >= cap;
  const refs = fits ? (reuse.refs as Uint32Array) : new Uint32Array(cap);
  const timestamps = fits ? reuse.timestamps : new Float64Array(cap);
  const values = fits ? reuse.values : new Float64Array(cap);
  const words = new Uint32Array(values.buffer, values.byteOffset, values.length * 2);
  let n = 0;
  while (d.remaining > 0) {
    refs[n] = baseRef + d.varint();
    timestamps[n] = baseT + d.varint();
    d.float64Words(words, 2 * n);
    n++;
  }
  return { length: n, refs, timestamps, values };
}

/** A deleted interval of one series, both ends inclusive. */
export interface Tombstone {
  ref: number;
  minT: number;
  maxT: number;
}

/** Encodes a Tombstones record (type 3): per interval, ref (BE 8 bytes), min and max time as varints. */
export function encodeTombstones(stones: readonly Tombstone[], b = new Encbuf()): Uint8Array {
  b.byte(RecordType.Tombstones);
  for (const s of stones) {
    b.be64(s.ref);
    b.varint(clampSafe(s.minT));
    b.varint(clampSafe(s.maxT));
  }
  return b.bytes();
}

export function decodeTombstones(rec: Uint8Array): Tombstone[] {
  const d = new Decbuf(rec);
  if (d.byte() !== RecordType.Tombstones) throw new RecordDecodeError('not a tombstones record');
  const out: Tombstone[] = [];
  while (d.remaining > 0) out.push({ ref: d.be64(), minT: d.varint(), maxT: d.varint() });
  return out;
}

const TIME_LIMIT = 2 ** 52;

/** Open-ended deletions (±Infinity) are stored as ±2^52 ms, beyond any real timestamp and exact as doubles. */
function clampSafe(t: number): number {
  if (t > TIME_LIMIT) return TIME_LIMIT;
  if (t < -TIME_LIMIT) return -TIME_LIMIT;
  return t;
}
