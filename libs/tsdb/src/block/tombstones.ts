import { closeSync, fsyncSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { crc32c } from '../wal/crc32c.ts';
import { DecBuf } from './dec-buf.ts';
import { EncBuf } from './enc-buf.ts';
import { BlockCorruptionError } from './errors.ts';
import { syncDir } from './meta.ts';

export const TOMBSTONES_FILENAME = 'tombstones';
export const MAGIC_TOMBSTONES = 0x0130ba30;
export const TOMBSTONES_FORMAT_V1 = 1;

/** A deleted time range, both ends inclusive, in ms. */
export interface Interval {
  minT: number;
  maxT: number;
}

/**
 * Deleted ranges per series reference of one block (upstream `MemTombstones`).
 * Intervals of a series are kept sorted and merged when they overlap or touch.
 */
export class Tombstones {
  readonly #bySeries = new Map<number, Interval[]>();

  /** Adds a deleted range for a series, merging with what is there. */
  add(ref: number, interval: Interval): void {
    const list = this.#bySeries.get(ref);
    if (!list) {
      this.#bySeries.set(ref, [{ ...interval }]);
      return;
    }
    this.#bySeries.set(ref, addInterval(list, interval));
  }

  /** The series' deleted ranges (sorted, disjoint), or undefined when none. */
  get(ref: number): readonly Interval[] | undefined {
    return this.#bySeries.get(ref);
  }

  /** Number of intervals over all series (upstream's `NumTombstones`). */
  get total(): number {
    let n = 0;
    for (const l of this.#bySeries.values()) n += l.length;
    return n;
  }

  get seriesCount(): number {
    return this.#bySeries.size;
  }

  /** Visits every series with its intervals in ascending reference order. */
  forEach(fn: (ref: number, intervals: readonly Interval[]) => void): void {
    const refs = [...this.#bySeries.keys()].sort((a, b) => a - b);
    for (const ref of refs) fn(ref, this.#bySeries.get(ref)!);
  }
}

/** Inserts `iv` into sorted, disjoint `list`, merging overlapping and adjacent ranges. */
export function addInterval(list: readonly Interval[], iv: Interval): Interval[] {
  const all = [...list, iv].sort((a, b) => a.minT - b.minT);
  const out: Interval[] = [];
  for (const x of all) {
    const last = out[out.length - 1];
    if (last && x.minT <= last.maxT + 1) last.maxT = Math.max(last.maxT, x.maxT);
    else out.push({ minT: x.minT, maxT: x.maxT });
  }
  return out;
}

/** Whether `t` falls in one of the sorted intervals. */
export function isDeleted(t: number, intervals: readonly Interval[]): boolean {
  for (const iv of intervals) {
    if (t < iv.minT) return false;
    if (t <= iv.maxT) return true;
  }
  return false;
}

/** The file bytes: magic, version, `uvarint ref | varint minT | varint maxT` per interval, CRC-32C. */
export function encodeTombstones(ts: Tombstones): Buffer {
  const buf = new EncBuf(64);
  buf.putBE32(MAGIC_TOMBSTONES);
  buf.putByte(TOMBSTONES_FORMAT_V1);
  ts.forEach((ref, intervals) => {
    for (const iv of intervals) {
      buf.putUvarint(ref);
      buf.putVarint(iv.minT);
      buf.putVarint(iv.maxT);
    }
  });
  // The checksum covers the records only, not magic nor version byte.
  buf.putCrc32c(5);
  return Buffer.from(buf.get());
}

export function decodeTombstones(b: Uint8Array, file: string): Tombstones {
  if (b.length < 9) throw new BlockCorruptionError(file, 'tombstones file too small');
  const buf = Buffer.from(b.buffer, b.byteOffset, b.length);
  if (buf.readUInt32BE(0) !== MAGIC_TOMBSTONES) throw new BlockCorruptionError(file, 'invalid magic number');
  if (buf[4] !== TOMBSTONES_FORMAT_V1)
    throw new BlockCorruptionError(file, `invalid tombstones format version ${buf[4]}`);
  const end = b.length - 4;
  if (crc32c(b, 5, end) !== buf.readUInt32BE(end)) throw new BlockCorruptionError(file, 'checksum mismatch');
  const d = new DecBuf(b, file, 5, end);
  const ts = new Tombstones();
  while (d.remaining > 0) {
    const ref = d.uvarint();
    const minT = d.varint();
    const maxT = d.varint();
    ts.add(ref, { minT, maxT });
  }
  return ts;
}

/** Reads a block's tombstones; a missing file means none. */
export function readTombstonesFile(dir: string): Tombstones {
  const path = join(dir, TOMBSTONES_FILENAME);
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return new Tombstones();
    throw err;
  }
  return decodeTombstones(bytes, path);
}

/** Writes the tombstones file through a synced temporary file and rename; returns its size. */
export function writeTombstonesFile(dir: string, ts: Tombstones): number {
  const path = join(dir, TOMBSTONES_FILENAME);
  const tmp = `${path}.tmp`;
  const bytes = encodeTombstones(ts);
  const fd = openSync(tmp, 'w');
  try {
    writeSync(fd, bytes);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
  syncDir(dir);
  return bytes.length;
}
