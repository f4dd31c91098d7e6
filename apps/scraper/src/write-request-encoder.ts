import type { Labels } from '@argus/model';

/**
 * One `TimeSeries.labels` field (tag, length, `Label` message), shared by every series with
 * that label pair. `at`/`block` note where the pair last went into the block being encoded,
 * so the encoder can refer back to it instead of writing it again.
 */
export interface LabelPair {
  readonly bytes: Uint8Array;
  at: number;
  block: number;
}

/** A series as the queue ships it: its shard hash and its label pairs (sorted), made once. */
export interface OutgoingSeries {
  readonly hash: number;
  readonly pairs: readonly LabelPair[];
  /** Bytes of all its pairs. */
  readonly size: number;
}

/** The outgoing form of a label set, its pairs from `pairs`. */
export function outgoingSeries(labels: Labels, hash: number, pairs: LabelPairs): OutgoingSeries {
  const of = pairs.of(labels);
  let size = 0;
  for (const pair of of) size += pair.bytes.length;
  return { hash, pairs: of, size };
}

/** The queue's label pairs by name and value, so series share them (and their back-references). */
export class LabelPairs {
  #byKey = new Map<string, LabelPair>();

  get size(): number {
    return this.#byKey.size;
  }

  /** The pairs of a label set, in its (sorted) order. */
  of(labels: Labels): LabelPair[] {
    const pairs: LabelPair[] = [];
    labels.forEach((name, value) => {
      const key = `${name.length}:${name}${value}`;
      let pair = this.#byKey.get(key);
      if (pair === undefined) {
        pair = { bytes: encodeLabelPair(name, value), at: 0, block: 0 };
        this.#byKey.set(key, pair);
      }
      pairs.push(pair);
    });
    return pairs;
  }

  /** Forgets every pair but those of `live` series (after the queue swept its series). */
  retain(live: Iterable<OutgoingSeries>): void {
    const kept = new Map<string, LabelPair>();
    for (const series of live) for (const pair of series.pairs) kept.set(pairKey(pair.bytes), pair);
    this.#byKey = kept;
  }
}

/** The interning key of an encoded pair: the same as {@link LabelPairs.of} makes from name and value. */
function pairKey(bytes: Uint8Array): string {
  let p = 1;
  p = skipVarint(bytes, p) + 1; // Label.name tag
  const nameLen = readVarint(bytes, p);
  p = skipVarint(bytes, p);
  const name = Buffer.from(bytes.buffer, bytes.byteOffset + p, nameLen).toString('utf8');
  p += nameLen + 1; // Label.value tag
  const valueLen = readVarint(bytes, p);
  p = skipVarint(bytes, p);
  const value = Buffer.from(bytes.buffer, bytes.byteOffset + p, valueLen).toString('utf8');
  return `${name.length}:${name}${value}`;
}

/** One `TimeSeries.labels` field. */
function encodeLabelPair(name: string, value: string): Uint8Array {
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
  return out;
}

/** Snappy's copy elements reach at most this far back (two-byte offsets). */
const MAX_DISTANCE = 65_535;
/** Blocks are numbered across encoders, so a pair's `block` never matches another encoder's block. */
let blocks = 0;

/**
 * A remote-write 1.0 `WriteRequest` encoder for the queue's hot path that writes the snappy
 * block directly. Every sample becomes one `TimeSeries` entry (remote write allows a series
 * to repeat; order within a series is kept) made of label pairs the queue encoded once. A
 * pair already written in this block (within snappy's 64 KiB window) becomes a snappy copy
 * of its earlier bytes, runs of such pairs one copy; the rest are literals. So the labels
 * are neither copied nor searched for matches per sample, which a general compressor over
 * the plain message did (the two were a quarter of the scraper's CPU). The block decodes
 * with any snappy decoder to exactly the plain protobuf; it is somewhat larger than what
 * snappy's matcher makes. The samples of one scrape share a timestamp, so its varint is made
 * once per run of equal timestamps.
 */
export class WriteRequestEncoder {
  #out: Buffer = Buffer.allocUnsafe(64 * 1024);
  /** The `Sample.timestamp` field (tag and varint) of the last timestamp seen, and its length. */
  #lastT = Number.NaN;
  readonly #tBytes = Buffer.alloc(11);
  #tLen = 0;

  /**
   * Encodes `n` samples given as parallel columns (`series[j]`, `t[j]`, `v[j]`) from index
   * `start`, wrapping to 0 at the end of `series` (the queue's ring buffers), into a snappy
   * block. Values come in a Float64Array: V8 canonicalises NaN stored in a plain number
   * array, which would turn StaleNaN into an ordinary NaN.
   */
  encode(
    series: readonly (OutgoingSeries | undefined)[],
    t: ArrayLike<number>,
    v: Float64Array,
    start = 0,
    n = series.length,
  ): Buffer {
    // The state lives in locals: this loop runs for every sample.
    let out = this.#out;
    let o = 0; // write position in `out`
    let u = 0; // uncompressed length so far
    let litTag = -1; // position of the open literal's (reserved, one-byte) tag; -1: none
    let litLen = 0;
    let copySrc = 0; // the pending copy: uncompressed source offset and length (0: none)
    let copyLen = 0;
    const block = ++blocks;
    const size = series.length;
    const tb = this.#tBytes;
    // Where the last sample's timestamp field and the last `timeseries` head went (uncompressed
    // offsets; -1: none yet), that head's length field, and the timestamp: a sample with the same
    // timestamp copies it, and a head equal to the last one extends that copy, so a run of a
    // scrape's series reads `copy, pairs as copies, value literal` (a third fewer bytes to send).
    let lastTsAt = -1;
    let lastT = Number.NaN;
    let lastHeadAt = -1;
    let lastHeadLen = -1;
    for (let i = 0, j = start; i < n; i++, j++) {
      if (j >= size) j -= size;
      const s = series[j]!;
      const pairs = s.pairs;
      const tj = t[j]!;
      if (tj !== this.#lastT) this.#timestamp(tj);
      const tLen = this.#tLen;
      const sampleLen = 9 + tLen;
      const tsLen = s.size + 2 + sampleLen;
      // Worst case: everything literal, plus tags.
      if (o + 2 * tsLen + 64 > out.length) out = this.#grow(o, 2 * tsLen + 64);
      // WriteRequest.timeseries: tag and length; right after the last sample's timestamp it
      // extends the copy of that timestamp when the last head was the same, else a literal.
      const headLen = tsLen < 128 ? 2 : tsLen < 16384 ? 3 : 1 + varintSize(tsLen);
      if (copyLen > 0 && tsLen === lastHeadLen && copySrc + copyLen === lastHeadAt) {
        lastHeadAt = u;
        copyLen += headLen;
        u += headLen;
      } else {
        if (copyLen > 0) {
          o = writeCopy(out, o, u - copyLen - copySrc, copyLen);
          copyLen = 0;
        }
        if (litTag < 0) {
          litTag = o++;
          litLen = 0;
        }
        lastHeadAt = u;
        out[o++] = 0x0a;
        let x = tsLen;
        for (; x >= 128; x >>>= 7) out[o++] = (x & 0x7f) | 0x80;
        out[o++] = x;
        litLen += headLen;
        u += headLen;
      }
      lastHeadLen = tsLen;
      for (let k = 0; k < pairs.length; k++) {
        const pair = pairs[k]!;
        const bytes = pair.bytes;
        const len = bytes.length;
        if (pair.block === block && u - pair.at <= MAX_DISTANCE) {
          if (litTag >= 0) {
            o = closeLiteral(out, o, litTag, litLen);
            litTag = -1;
          }
          if (copyLen > 0 && pair.at === copySrc + copyLen) copyLen += len;
          else {
            if (copyLen > 0) o = writeCopy(out, o, u - copyLen - copySrc, copyLen);
            copySrc = pair.at;
            copyLen = len;
          }
        } else {
          if (copyLen > 0) {
            o = writeCopy(out, o, u - copyLen - copySrc, copyLen);
            copyLen = 0;
          }
          if (litTag < 0) {
            litTag = o++;
            litLen = 0;
          }
          for (let b = 0; b < len; b++) out[o++] = bytes[b]!;
          litLen += len;
        }
        pair.at = u;
        pair.block = block;
        u += len;
      }
      // TimeSeries.samples with Sample.value (fixed64) as a literal, Sample.timestamp a copy of
      // the last sample's when equal.
      if (copyLen > 0) {
        o = writeCopy(out, o, u - copyLen - copySrc, copyLen);
        copyLen = 0;
      }
      if (litTag < 0) {
        litTag = o++;
        litLen = 0;
      }
      out[o++] = 0x12;
      out[o++] = sampleLen; // < 128
      out[o++] = 0x09;
      // Through a Float64Array so NaN payloads (StaleNaN) keep their bits.
      F64[0] = v[j]!;
      for (let k = 0; k < 8; k++) out[o++] = F64_BYTES[k]!;
      litLen += 11;
      u += 11;
      if (tj === lastT && u - lastTsAt <= MAX_DISTANCE) {
        o = closeLiteral(out, o, litTag, litLen);
        litTag = -1;
        copySrc = lastTsAt;
        copyLen = tLen;
      } else {
        for (let k = 0; k < tLen; k++) out[o++] = tb[k]!;
        litLen += tLen;
      }
      lastTsAt = u;
      lastT = tj;
      u += tLen;
    }
    if (copyLen > 0) o = writeCopy(out, o, u - copyLen - copySrc, copyLen);
    if (litTag >= 0) o = closeLiteral(out, o, litTag, litLen);
    // The block starts with the uncompressed length, known only now.
    const result = Buffer.allocUnsafe(varintSize(u) + o);
    out.copy(result, writeVarint(result, 0, u), 0, o);
    return result;
  }

  /** Makes `0x10 varint(t)` (`Sample.timestamp`) the current timestamp field. */
  #timestamp(t: number): void {
    this.#tBytes[0] = 0x10;
    this.#tLen = writeVarint(this.#tBytes, 1, t);
    this.#lastT = t;
  }

  /** A larger output buffer holding the first `used` bytes, with room for `more`. */
  #grow(used: number, more: number): Buffer {
    const next = Buffer.allocUnsafe(Math.max(this.#out.length * 2, used + more));
    this.#out.copy(next, 0, 0, used);
    this.#out = next;
    return next;
  }
}

/**
 * Writes the tag of the literal whose one-byte tag was reserved at `tag`; one over 60 bytes
 * needs 1-4 more length bytes, made room for by moving it (the caller left 64 bytes spare).
 * Returns the new write position.
 */
function closeLiteral(out: Buffer, o: number, tag: number, litLen: number): number {
  const len = litLen - 1;
  if (len < 60) {
    out[tag] = len << 2;
    return o;
  }
  const extra = len < 1 << 8 ? 1 : len < 1 << 16 ? 2 : len < 1 << 24 ? 3 : 4;
  out.copyWithin(tag + 1 + extra, tag + 1, o);
  out[tag] = (59 + extra) << 2;
  for (let i = 0; i < extra; i++) out[tag + 1 + i] = (len >>> (8 * i)) & 0xff;
  return o + extra;
}

/** Writes a copy of `len` bytes from `distance` back as copy elements of at most 64 bytes; returns the new write position. */
function writeCopy(out: Buffer, o: number, distance: number, len: number): number {
  while (len > 0) {
    const chunk = len > 64 ? 64 : len;
    if (chunk >= 4 && chunk <= 11 && distance < 2048) {
      out[o++] = 0x01 | ((chunk - 4) << 2) | ((distance >>> 8) << 5);
      out[o++] = distance & 0xff;
    } else {
      out[o++] = 0x02 | ((chunk - 1) << 2);
      out[o++] = distance & 0xff;
      out[o++] = distance >>> 8;
    }
    len -= chunk;
  }
  return o;
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

function readVarint(buf: Uint8Array, pos: number): number {
  let n = 0;
  let mul = 1;
  for (;;) {
    const b = buf[pos++]!;
    n += (b & 0x7f) * mul;
    if (b < 0x80) return n;
    mul *= 128;
  }
}

function skipVarint(buf: Uint8Array, pos: number): number {
  while (buf[pos]! >= 0x80) pos++;
  return pos + 1;
}
