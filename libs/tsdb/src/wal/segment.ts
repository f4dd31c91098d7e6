import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { crc32c } from './crc32c.ts';
import { snappyDecode } from './snappy.ts';

/** Upstream's WAL page size: 32 KiB. Fragments never cross a page. */
export const PAGE_SIZE = 32 * 1024;
/** Upstream's default segment size: 128 MiB. Records never cross a segment. */
export const DEFAULT_SEGMENT_SIZE = 128 * 1024 * 1024;
/** type (1) + length (2, BE) + CRC-32C (4, BE). */
export const FRAGMENT_HEADER_SIZE = 7;

export const FragmentType = { PageTerm: 0, Full: 1, First: 2, Middle: 3, Last: 4 } as const;
/** Bit of the type byte marking a snappy-compressed record (upstream `snappyMask`). */
export const SNAPPY_MASK = 0x08;
/** Bit marking a zstd-compressed record (upstream ≥ 2.53); not supported. */
const ZSTD_MASK = 0x10;

/** `00000042`: upstream names segments with 8 decimal digits. */
export function segmentName(index: number): string {
  return String(index).padStart(8, '0');
}

/** Indexes of the segment files in `dir`, ascending. */
export function listSegments(dir: string): number[] {
  return readdirSync(dir)
    .filter((f) => /^\d{8,}$/.test(f))
    .map(Number)
    .sort((a, b) => a - b);
}

/**
 * Frames records into fragments as they are laid out starting at segment offset
 * `offset`: each fragment in one page, a page tail too short for a header padded with
 * zeros; records flagged in `snappyCompressed` are already snappy blocks and carry
 * the snappy bit in every fragment. Returns the bytes to append (a view of `scratch`
 * when it is large enough).
 */
export function frameRecords(
  records: readonly Uint8Array[],
  offset: number,
  scratch?: Uint8Array,
  snappyCompressed?: readonly boolean[],
): Uint8Array {
  let size = 0;
  let off = offset;
  for (const rec of records) {
    const framed = framedSize(rec.length, off);
    size += framed;
    off += framed;
  }
  // A caller's scratch buffer (when large enough) avoids an allocation; padding must read as zeros.
  const out = scratch && scratch.length >= size ? scratch.subarray(0, size).fill(0) : new Uint8Array(size);
  let pos = 0;
  off = offset;
  for (let k = 0; k < records.length; k++) {
    const rec = records[k]!;
    const flag = snappyCompressed?.[k] ? SNAPPY_MASK : 0;
    let r = 0;
    let first = true;
    while (true) {
      const pageRemain = PAGE_SIZE - (off % PAGE_SIZE);
      if (pageRemain <= FRAGMENT_HEADER_SIZE) {
        pos += pageRemain;
        off += pageRemain;
        continue;
      }
      const take = Math.min(rec.length - r, pageRemain - FRAGMENT_HEADER_SIZE);
      const last = r + take === rec.length;
      const type =
        first && last
          ? FragmentType.Full
          : first
            ? FragmentType.First
            : last
              ? FragmentType.Last
              : FragmentType.Middle;
      out[pos] = type | flag;
      out[pos + 1] = take >>> 8;
      out[pos + 2] = take & 0xff;
      const crc = crc32c(rec, r, r + take);
      out[pos + 3] = crc >>> 24;
      out[pos + 4] = (crc >>> 16) & 0xff;
      out[pos + 5] = (crc >>> 8) & 0xff;
      out[pos + 6] = crc & 0xff;
      out.set(rec.subarray(r, r + take), pos + FRAGMENT_HEADER_SIZE);
      pos += FRAGMENT_HEADER_SIZE + take;
      off += FRAGMENT_HEADER_SIZE + take;
      r += take;
      first = false;
      if (last) break;
    }
  }
  return out;
}

/** Bytes a record of `length` takes when framed from segment offset `offset`. */
export function framedSize(length: number, offset: number): number {
  let off = offset;
  let left = length;
  let first = true;
  while (first || left > 0) {
    const pageRemain = PAGE_SIZE - (off % PAGE_SIZE);
    if (pageRemain <= FRAGMENT_HEADER_SIZE) {
      off += pageRemain;
      continue;
    }
    const take = Math.min(left, pageRemain - FRAGMENT_HEADER_SIZE);
    off += FRAGMENT_HEADER_SIZE + take;
    left -= take;
    first = false;
  }
  return off - offset;
}

/** Result of scanning one segment's bytes. */
export interface SegmentScan {
  /** Offset just past the last whole record (where a repair truncates). */
  goodEnd: number;
  /** Why scanning stopped early, with the offset of the bad fragment; undefined when the segment read cleanly. */
  corruption?: { offset: number; reason: string };
}

/**
 * Reads the records of one segment in order, calling `onRecord` with each whole
 * record (a view into `buf` for single-fragment records). Stops at the first torn or
 * corrupt fragment, or when `onRecord` returns a reason to reject the record, and
 * reports it; never throws for bad bytes.
 */
export function scanSegment(bytes: Uint8Array, onRecord: (rec: Uint8Array) => string | void): SegmentScan {
  // A plain Uint8Array view: subarrays of a Node Buffer are slower to make.
  const buf = new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let off = 0;
  let recStart = 0;
  let compressed = false;
  let goodEnd = 0;
  let parts: Uint8Array[] | undefined;
  const fail = (offset: number, reason: string): SegmentScan => ({ goodEnd, corruption: { offset, reason } });
  while (off < buf.length) {
    const pageRemain = PAGE_SIZE - (off % PAGE_SIZE);
    const typeByte = buf[off]!;
    const type = typeByte & 0x07;
    if (pageRemain <= FRAGMENT_HEADER_SIZE || typeByte === FragmentType.PageTerm) {
      const end = Math.min(buf.length, off + pageRemain);
      for (let i = off; i < end; i++) if (buf[i] !== 0) return fail(i, 'non-zero bytes in page padding');
      off = end;
      if (!parts) goodEnd = off;
      continue;
    }
    if (typeByte & ZSTD_MASK) return fail(off, 'zstd-compressed records are not supported');
    if (typeByte & ~(0x07 | SNAPPY_MASK) || type === FragmentType.PageTerm || type > FragmentType.Last) {
      return fail(off, `unknown fragment type ${typeByte}`);
    }
    const snappy = (typeByte & SNAPPY_MASK) !== 0;
    if (off + FRAGMENT_HEADER_SIZE > buf.length) return fail(off, 'torn fragment header');
    const len = (buf[off + 1]! << 8) | buf[off + 2]!;
    if (len > pageRemain - FRAGMENT_HEADER_SIZE) return fail(off, 'fragment crosses a page');
    const start = off + FRAGMENT_HEADER_SIZE;
    if (start + len > buf.length) return fail(off, 'torn fragment');
    const want = ((buf[off + 3]! << 24) | (buf[off + 4]! << 16) | (buf[off + 5]! << 8) | buf[off + 6]!) >>> 0;
    if (crc32c(buf, start, start + len) !== want) return fail(off, 'fragment checksum mismatch');
    const data = buf.subarray(start, start + len);
    off = start + len;
    switch (type) {
      case FragmentType.Full: {
        if (parts) return fail(start - FRAGMENT_HEADER_SIZE, 'full fragment inside a record');
        const rejected = deliver(data, snappy, onRecord);
        if (rejected) return fail(start - FRAGMENT_HEADER_SIZE, rejected);
        goodEnd = off;
        break;
      }
      case FragmentType.First:
        if (parts) return fail(start - FRAGMENT_HEADER_SIZE, 'first fragment inside a record');
        parts = [data];
        recStart = start - FRAGMENT_HEADER_SIZE;
        compressed = snappy;
        break;
      case FragmentType.Middle:
      case FragmentType.Last: {
        if (!parts) return fail(start - FRAGMENT_HEADER_SIZE, 'fragment without a first fragment');
        parts.push(data);
        if (type === FragmentType.Last) {
          const rejected = deliver(concat(parts), compressed, onRecord);
          parts = undefined;
          if (rejected) return fail(recStart, rejected);
          goodEnd = off;
        }
        break;
      }
    }
  }
  if (parts) return fail(goodEnd, 'segment ends inside a record');
  return { goodEnd };
}

function deliver(
  rec: Uint8Array,
  snappy: boolean,
  onRecord: (rec: Uint8Array) => string | void,
): string | void {
  if (!snappy) return onRecord(rec);
  let plain: Uint8Array;
  try {
    plain = snappyDecode(rec);
  } catch (e) {
    return (e as Error).message;
  }
  return onRecord(plain);
}

function concat(parts: Uint8Array[]): Uint8Array {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** `checkpoint.00000012` → 12; the newest complete checkpoint directory in `dir`, if any. */
export function lastCheckpoint(dir: string): { index: number; path: string } | undefined {
  let best: { index: number; path: string } | undefined;
  for (const f of readdirSync(dir)) {
    const m = /^checkpoint\.(\d+)$/.exec(f);
    if (!m) continue;
    const index = Number(m[1]);
    if (!best || index > best.index) best = { index, path: join(dir, f) };
  }
  return best;
}

/**
 * A segment or checkpoint that cannot be read, from code that must stay loadable in a
 * worker thread (see `checkpoint.ts`); the main thread reports `WalCorruptionError`.
 */
export class WalSegmentError extends Error {
  readonly code = 'wal_corruption';
  constructor(
    readonly segment: number,
    readonly offset: number,
    message: string,
  ) {
    super(`WAL segment ${segment} at offset ${offset}: ${message}`);
    this.name = 'WalSegmentError';
  }
}
