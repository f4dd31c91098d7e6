import { compressSync, uncompressSync } from 'snappy';
import { MalformedRequestError, RequestTooLargeError } from './errors.ts';

/** Default upper bound of a decoded remote-write or remote-read body (32 MiB, as upstream). */
export const DEFAULT_MAX_DECODED_BYTES = 32 * 1024 * 1024;

/**
 * The uncompressed length a snappy block announces in its varint preamble, read
 * without decompressing, so an oversized body is refused before it is inflated.
 */
export function snappyDecodedLength(block: Uint8Array): number {
  let length = 0;
  let shift = 0;
  for (let i = 0; i < 5 && i < block.length; i++) {
    const byte = block[i]!;
    length += (byte & 0x7f) * 2 ** shift;
    if (byte < 0x80) return length;
    shift += 7;
  }
  throw new MalformedRequestError('snappy: corrupt input (bad length preamble)');
}

/** Decompresses a snappy block (not the framed format), refusing more than `maxBytes`. */
export function decompressBlock(block: Uint8Array, maxBytes = DEFAULT_MAX_DECODED_BYTES): Buffer {
  const length = snappyDecodedLength(block);
  if (length > maxBytes) throw new RequestTooLargeError(length, maxBytes);
  try {
    return uncompressSync(Buffer.from(block.buffer, block.byteOffset, block.byteLength)) as Buffer;
  } catch (cause) {
    const detail = (cause as Error).message;
    throw new MalformedRequestError(detail.startsWith('snappy') ? detail : `snappy: ${detail}`, { cause });
  }
}

/** Compresses into a snappy block, the encoding remote write and remote read use. */
export function compressBlock(data: Uint8Array): Buffer {
  return compressSync(Buffer.from(data.buffer, data.byteOffset, data.byteLength));
}

/**
 * Decompresses snappy blocks into one buffer it keeps and reuses, for a receiver that
 * handles one body at a time: no allocation per body (the native `uncompressSync` makes
 * a new external buffer per call, and their churn costs more GC than the decoding).
 * Same limits and errors as {@link decompressBlock}.
 */
export class BlockDecompressor {
  #out: Buffer = Buffer.allocUnsafeSlow(64 * 1024);
  #outView = new DataView(this.#out.buffer, this.#out.byteOffset, this.#out.byteLength);
  readonly #keepBytes: number;

  /** Buffers up to `keepBytes` are kept for the next body; larger ones are let go after use. */
  constructor(keepBytes = 4 * 1024 * 1024) {
    this.#keepBytes = keepBytes;
  }

  /**
   * The decoded bytes of `block`, refusing more than `maxBytes`: a view of the kept buffer,
   * valid until the next call.
   */
  decompress(block: Uint8Array, maxBytes = DEFAULT_MAX_DECODED_BYTES): Buffer {
    const length = snappyDecodedLength(block);
    if (length > maxBytes) throw new RequestTooLargeError(length, maxBytes);
    let out = this.#out;
    let view = this.#outView;
    if (out.length < length) {
      out = Buffer.allocUnsafeSlow(Math.max(length, out.length * 2));
      view = new DataView(out.buffer, out.byteOffset, out.byteLength);
      if (out.length <= this.#keepBytes) {
        this.#out = out;
        this.#outView = view;
      }
    }
    decodeInto(block, out, view, length);
    return out.subarray(0, length);
  }
}

/**
 * Decodes the elements of a snappy block (after its length preamble) into `dst[0, length)`,
 * `dstView` a DataView of `dst`. Literals and copies move four bytes at a time through
 * DataViews (a third faster than bytewise on remote-write bodies, whose elements are mostly
 * 10 to 64 bytes; a native copy call costs more than that). A copy whose source is at least
 * four bytes back reads only bytes already written, so overlapping copies stay correct.
 */
function decodeInto(src: Uint8Array, dst: Uint8Array, dstView: DataView, length: number): void {
  const srcView = new DataView(src.buffer, src.byteOffset, src.byteLength);
  const end = src.length;
  let s = 0;
  while (src[s]! >= 0x80) s++;
  s++;
  let d = 0;
  const corrupt = (what: string) => new MalformedRequestError(`snappy: corrupt input (${what})`);
  while (s < end) {
    const tag = src[s++]!;
    let n: number;
    let offset: number;
    switch (tag & 3) {
      case 0: {
        n = tag >>> 2;
        if (n >= 60) {
          const bytes = n - 59;
          if (s + bytes > end) throw corrupt('literal length truncated');
          n = 0;
          for (let k = 0; k < bytes; k++) n += src[s + k]! * 2 ** (8 * k);
          s += bytes;
        }
        n += 1;
        if (s + n > end || d + n > length) throw corrupt('literal overruns');
        if (n > 64) {
          dst.set(src.subarray(s, s + n), d);
          s += n;
          d += n;
          continue;
        }
        moveWords(srcView, src, s, dstView, dst, d, n);
        s += n;
        d += n;
        continue;
      }
      case 1:
        if (s >= end) throw corrupt('copy truncated');
        n = 4 + ((tag >>> 2) & 7);
        offset = ((tag >>> 5) << 8) | src[s++]!;
        break;
      case 2:
        if (s + 2 > end) throw corrupt('copy truncated');
        n = 1 + (tag >>> 2);
        offset = src[s]! | (src[s + 1]! << 8);
        s += 2;
        break;
      default:
        if (s + 4 > end) throw corrupt('copy truncated');
        n = 1 + (tag >>> 2);
        offset = (src[s]! | (src[s + 1]! << 8) | (src[s + 2]! << 16) | (src[s + 3]! << 24)) >>> 0;
        s += 4;
    }
    if (offset === 0 || offset > d || d + n > length) throw corrupt('bad copy offset or length');
    const from = d - offset;
    // A pattern shorter than a word repeats: bytewise.
    if (offset < 4) for (let k = 0; k < n; k++) dst[d + k] = dst[from + k]!;
    else moveWords(dstView, dst, from, dstView, dst, d, n);
    d += n;
  }
  if (d !== length) throw corrupt(`decoded ${d} bytes, the preamble says ${length}`);
}

/**
 * Moves `n` bytes from `fromBytes[at…]` to `toBytes[d…]` (`fromView`/`toView` DataViews of
 * them) four at a time, the last 0 to 3 bytewise. Within one buffer the source must lie at
 * least four bytes behind the destination: every word read is then already written.
 */
function moveWords(
  fromView: DataView,
  fromBytes: Uint8Array,
  at: number,
  toView: DataView,
  toBytes: Uint8Array,
  d: number,
  n: number,
): void {
  const words = at + n - 4;
  for (; at <= words; at += 4, d += 4) toView.setInt32(d, fromView.getInt32(at, true), true);
  const last = at + (n & 3);
  while (at < last) toBytes[d++] = fromBytes[at++]!;
}
