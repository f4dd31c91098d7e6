/**
 * Snappy block format (not the framed format), as Go's `github.com/golang/snappy`
 * `Encode`/`Decode` and upstream's WAL record compression use it. Any valid block
 * decodes; our encoder's output is valid but not byte-identical to Go's.
 */

/** Thrown for a block that does not decode. */
export class SnappyError extends Error {
  readonly code = 'snappy_corrupt';
  constructor(message: string) {
    super(`snappy: ${message}`);
    this.name = 'SnappyError';
  }
}

const HASH_BITS = 14;
const MAX_OFFSET = 65535;
/**
 * Hash table of positions, stored as `base + position`: entries below the current call's
 * `base` are from earlier calls and count as empty, so the table is not cleared per call
 * (64 KiB of fill per WAL record otherwise). Cleared only when `base` would overflow.
 */
const table = new Int32Array(1 << HASH_BITS);
let base = 0;
const MAX_BASE = 0x7fffffff;

/** Worst-case encoded size of `n` bytes (Go's `MaxEncodedLen`). */
export function maxEncodedLength(n: number): number {
  return 32 + n + Math.floor(n / 6);
}

function load32(b: Uint8Array, i: number): number {
  return (b[i]! | (b[i + 1]! << 8) | (b[i + 2]! << 16) | (b[i + 3]! << 24)) >>> 0;
}

/**
 * Compresses `src` into a snappy block. Greedy hash matching over 4-byte sequences. The
 * block is written into `out` when it has room for the worst case (the result is then a
 * view of it), into a new array otherwise.
 */
export function snappyEncode(src: Uint8Array, out?: Uint8Array): Uint8Array {
  const n = src.length;
  const max = maxEncodedLength(n);
  const dst = out !== undefined && out.length >= max ? out : new Uint8Array(max);
  let d = 0;
  // Preamble: uncompressed length as uvarint.
  let len = n;
  while (len >= 0x80) {
    dst[d++] = (len & 0x7f) | 0x80;
    len = Math.floor(len / 128);
  }
  dst[d++] = len;
  if (n < 17) {
    if (n > 0) d = emitLiteral(dst, d, src, 0, n);
    return dst.subarray(0, d);
  }
  if (base > MAX_BASE - n - 1) {
    table.fill(0);
    base = 0;
  }
  const b = base + 1;
  base = b + n;
  const limit = n - 15;
  // Four-byte loads through a DataView are cheaper than assembling them from bytes.
  const view = new DataView(src.buffer, src.byteOffset, src.byteLength);
  let lit = 0;
  let i = 0;
  let skip = 32;
  while (i < limit) {
    const u = view.getInt32(i, true);
    const h = Math.imul(u, 0x1e35a7bd) >>> (32 - HASH_BITS);
    const cand = table[h]! - b;
    table[h] = b + i;
    if (cand < 0 || i - cand > MAX_OFFSET || view.getInt32(cand, true) !== u) {
      // Skip faster through data that does not compress.
      i += skip >>> 5;
      skip++;
      continue;
    }
    skip = 32;
    if (lit < i) d = emitLiteral(dst, d, src, lit, i);
    let m = 4;
    while (i + m < n && src[cand + m] === src[i + m]) m++;
    d = emitCopy(dst, d, i - cand, m);
    i += m;
    lit = i;
  }
  if (lit < n) d = emitLiteral(dst, d, src, lit, n);
  return dst.subarray(0, d);
}

function emitLiteral(dst: Uint8Array, d: number, src: Uint8Array, from: number, to: number): number {
  const n = to - from - 1;
  if (n < 60) dst[d++] = n << 2;
  else if (n < 0x100) {
    dst[d++] = 60 << 2;
    dst[d++] = n;
  } else if (n < 0x10000) {
    dst[d++] = 61 << 2;
    dst[d++] = n & 0xff;
    dst[d++] = n >>> 8;
  } else if (n < 0x1000000) {
    dst[d++] = 62 << 2;
    dst[d++] = n & 0xff;
    dst[d++] = (n >>> 8) & 0xff;
    dst[d++] = n >>> 16;
  } else {
    dst[d++] = 63 << 2;
    dst[d++] = n & 0xff;
    dst[d++] = (n >>> 8) & 0xff;
    dst[d++] = (n >>> 16) & 0xff;
    dst[d++] = n >>> 24;
  }
  // Short literals (most, in float data) are copied bytewise: a subarray per literal costs more.
  if (to - from <= 32) for (let k = from; k < to; k++) dst[d++] = src[k]!;
  else {
    dst.set(src.subarray(from, to), d);
    d += to - from;
  }
  return d;
}

function emitCopy(dst: Uint8Array, d: number, offset: number, length: number): number {
  while (length >= 68) {
    d = emitCopy2(dst, d, offset, 64);
    length -= 64;
  }
  if (length > 64) {
    d = emitCopy2(dst, d, offset, 60);
    length -= 60;
  }
  if (length >= 12 || offset >= 2048) return emitCopy2(dst, d, offset, length);
  dst[d++] = ((offset >>> 8) << 5) | ((length - 4) << 2) | 1;
  dst[d++] = offset & 0xff;
  return d;
}

function emitCopy2(dst: Uint8Array, d: number, offset: number, length: number): number {
  dst[d++] = ((length - 1) << 2) | 2;
  dst[d++] = offset & 0xff;
  dst[d++] = offset >>> 8;
  return d;
}

/** Decompresses a snappy block; throws {@link SnappyError} on corrupt input or one larger than `maxBytes`. */
export function snappyDecode(src: Uint8Array, maxBytes = 256 * 1024 * 1024): Uint8Array {
  let s = 0;
  let n = 0;
  let scale = 1;
  for (;;) {
    if (s >= src.length || s >= 5) throw new SnappyError('bad length preamble');
    const b = src[s++]!;
    n += (b & 0x7f) * scale;
    if (b < 0x80) break;
    scale *= 128;
  }
  if (n > maxBytes) throw new SnappyError(`decoded length ${n} exceeds ${maxBytes}`);
  const dst = new Uint8Array(n);
  let d = 0;
  while (s < src.length) {
    const tag = src[s++]!;
    let length: number;
    let offset: number;
    switch (tag & 3) {
      case 0: {
        let l = tag >>> 2;
        if (l >= 60) {
          const bytes = l - 59;
          if (s + bytes > src.length) throw new SnappyError('literal length truncated');
          l = 0;
          for (let k = 0; k < bytes; k++) l += src[s + k]! * 2 ** (8 * k);
          s += bytes;
        }
        l += 1;
        if (s + l > src.length || d + l > n) throw new SnappyError('literal overruns');
        if (l < 32) for (let k = 0; k < l; k++) dst[d + k] = src[s + k]!;
        else dst.set(src.subarray(s, s + l), d);
        s += l;
        d += l;
        continue;
      }
      case 1:
        if (s >= src.length) throw new SnappyError('copy truncated');
        length = 4 + ((tag >>> 2) & 7);
        offset = ((tag >>> 5) << 8) | src[s++]!;
        break;
      case 2:
        if (s + 2 > src.length) throw new SnappyError('copy truncated');
        length = 1 + (tag >>> 2);
        offset = src[s]! | (src[s + 1]! << 8);
        s += 2;
        break;
      default:
        if (s + 4 > src.length) throw new SnappyError('copy truncated');
        length = 1 + (tag >>> 2);
        offset = load32(src, s);
        s += 4;
    }
    if (offset === 0 || offset > d || d + length > n) throw new SnappyError('bad copy');
    if (offset >= length && length >= 32) dst.copyWithin(d, d - offset, d - offset + length);
    else for (let k = 0; k < length; k++) dst[d + k] = dst[d - offset + k]!;
    d += length;
  }
  if (d !== n) throw new SnappyError(`decoded ${d} bytes, preamble says ${n}`);
  return dst;
}
