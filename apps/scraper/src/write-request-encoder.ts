import type { Labels } from '@argus/model';
import { compressBlock } from '@argus/remote';

/** A series as the queue ships it: its shard hash and its `TimeSeries.labels` bytes, made once. */
export interface OutgoingSeries {
  readonly hash: number;
  readonly bytes: Uint8Array;
}

/** The `TimeSeries.labels` fields of a label set (sorted, as receivers expect). */
export function encodeLabels(labels: Labels): Uint8Array {
  const parts: Buffer[] = [];
  labels.forEach((name, value) => {
    const n = Buffer.from(name, 'utf8');
    const val = Buffer.from(value, 'utf8');
    const inner = 1 + varintSize(n.length) + n.length + 1 + varintSize(val.length) + val.length;
    const out = Buffer.allocUnsafe(1 + varintSize(inner) + inner);
    let p = 0;
    out[p++] = 0x0a; // TimeSeries.labels
    p = writeVarint(out, p, inner);
    out[p++] = 0x0a; // Label.name
    p = writeVarint(out, p, n.length);
    p += n.copy(out, p);
    out[p++] = 0x12; // Label.value
    p = writeVarint(out, p, val.length);
    val.copy(out, p);
    parts.push(out);
  });
  return Buffer.concat(parts);
}

/**
 * A remote-write 1.0 `WriteRequest` encoder for the queue's hot path, written straight into
 * one growing buffer instead of building protobufjs objects: each series' `Label` messages
 * are encoded once (the queue keeps them per scraped series), and every sample becomes one
 * `TimeSeries` entry (remote write allows a series to repeat; order within a series is
 * kept). The samples of one scrape share a timestamp, so its varint is made once per run of
 * equal timestamps. Snappy-compressed as remote write wants.
 */
export class WriteRequestEncoder {
  #buf = Buffer.allocUnsafe(64 * 1024);
  #pos = 0;
  /** The `Sample.timestamp` field (tag and varint) of the last timestamp seen, and its length. */
  #lastT = Number.NaN;
  readonly #tBytes = Buffer.alloc(11);
  #tLen = 0;

  /**
   * Encodes and compresses `n` samples given as parallel columns (`series[j]`, `t[j]`,
   * `v[j]`) from index `start`, wrapping to 0 at the end of `series` (the queue's ring
   * buffers). Values come in a Float64Array: V8 canonicalises NaN stored in a plain
   * number array, which would turn StaleNaN into an ordinary NaN.
   */
  encode(
    series: readonly (OutgoingSeries | undefined)[],
    t: ArrayLike<number>,
    v: Float64Array,
    start = 0,
    n = series.length,
  ): Buffer {
    this.#pos = 0;
    const size = series.length;
    for (let i = 0, j = start; i < n; i++, j++) {
      if (j >= size) j -= size;
      const lb = series[j]!.bytes;
      const tj = t[j]!;
      if (tj !== this.#lastT) this.#timestamp(tj);
      const sampleLen = 9 + this.#tLen;
      const tsLen = lb.length + 2 + sampleLen;
      this.#ensure(1 + 5 + tsLen);
      let pos = this.#pos;
      const buf = this.#buf;
      buf[pos++] = 0x0a; // WriteRequest.timeseries
      pos = tsLen < 128 ? ((buf[pos] = tsLen), pos + 1) : writeVarint(buf, pos, tsLen);
      buf.set(lb, pos);
      pos += lb.length;
      buf[pos++] = 0x12; // TimeSeries.samples (sampleLen < 128)
      buf[pos++] = sampleLen;
      buf[pos++] = 0x09; // Sample.value, fixed64
      // Through a Float64Array so NaN payloads (StaleNaN) keep their bits.
      F64[0] = v[j]!;
      for (let k = 0; k < 8; k++) buf[pos++] = F64_BYTES[k]!;
      const tb = this.#tBytes;
      for (let k = 0; k < this.#tLen; k++) buf[pos++] = tb[k]!;
      this.#pos = pos;
    }
    return compressBlock(this.#buf.subarray(0, this.#pos));
  }

  /** Makes `0x10 varint(t)` (`Sample.timestamp`) the current timestamp field. */
  #timestamp(t: number): void {
    this.#tBytes[0] = 0x10;
    this.#tLen = writeVarint(this.#tBytes, 1, t);
    this.#lastT = t;
  }

  #ensure(n: number): void {
    if (this.#pos + n <= this.#buf.length) return;
    const next = Buffer.allocUnsafe(Math.max(this.#buf.length * 2, this.#pos + n));
    this.#buf.copy(next, 0, 0, this.#pos);
    this.#buf = next;
  }
}

const F64 = new Float64Array(1);
const F64_BYTES = new Uint8Array(F64.buffer);

/** Bytes of `n` as a protobuf varint; negative int64 values take ten. */
function varintSize(n: number): number {
  if (n < 0) return 10;
  let size = 1;
  while (n >= 128) {
    n = Math.floor(n / 128);
    size++;
  }
  return size;
}

/** Writes `n` (an integer within ±2^53) as a protobuf int64 varint; returns the new position. */
function writeVarint(buf: Buffer, pos: number, n: number): number {
  if (n < 0) {
    // Two's complement in 64 bits, as Go writes a negative int64.
    let big = BigInt.asUintN(64, BigInt(n));
    for (let i = 0; i < 9; i++) {
      buf[pos++] = Number(big & 0x7fn) | 0x80;
      big >>= 7n;
    }
    buf[pos++] = Number(big);
    return pos;
  }
  while (n >= 128) {
    buf[pos++] = (n % 128) | 0x80;
    n = Math.floor(n / 128);
  }
  buf[pos++] = n;
  return pos;
}
