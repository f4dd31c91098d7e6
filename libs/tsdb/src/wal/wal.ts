import { closeSync, fsyncSync, mkdirSync, openSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { HeadLog } from '../head/head.ts';
import { maxEncodedLength, snappyEncode } from './snappy.ts';
import {
  DEFAULT_SEGMENT_SIZE,
  PAGE_SIZE,
  frameRecords,
  framedSize,
  listSegments,
  segmentName,
} from './segment.ts';

export interface WalOptions {
  /** Snappy-compress each record when that makes it smaller (upstream `--storage.tsdb.wal-compression`). Default false. */
  compression?: boolean;
  /** Maximum segment size in bytes (upstream 128 MiB); a larger single record gets a segment of its own. */
  segmentSizeBytes?: number;
}

/** Counters a service exports as `prometheus_tsdb_wal_*`. */
export interface WalCounters {
  bytesWritten: number;
  recordsWritten: number;
  writes: number;
  fsyncs: number;
  segmentsCreated: number;
}

/**
 * A write-ahead log in upstream's segment format (see README.md beside this file).
 * On open it starts a fresh segment after the last existing one and never appends to
 * older segments. Every {@link log} call is one `write(2)` of whole framed records;
 * data reaches the page cache at once and the disk on segment close, checkpoint and
 * {@link close} (`fsync`), as upstream.
 */
export class Wal implements HeadLog {
  readonly dir: string;
  readonly segmentSizeBytes: number;
  readonly compression: boolean;
  readonly counters: WalCounters = {
    bytesWritten: 0,
    recordsWritten: 0,
    writes: 0,
    fsyncs: 0,
    segmentsCreated: 0,
  };
  #segment = -1;
  #fd = -1;
  #offset = 0;
  #closed = false;
  #scratch = new Uint8Array(64 * 1024);
  /** Output buffers of the records' compression, one per record of a log call (framing copies them). */
  readonly #packed: Uint8Array[] = [];

  private constructor(dir: string, segmentSizeBytes: number, compression: boolean) {
    this.dir = dir;
    this.segmentSizeBytes = segmentSizeBytes;
    this.compression = compression;
  }

  /** Opens (creating) the WAL directory and starts a new segment after the last one. */
  static open(dir: string, options: WalOptions = {}): Wal {
    mkdirSync(dir, { recursive: true });
    const w = new Wal(dir, options.segmentSizeBytes ?? DEFAULT_SEGMENT_SIZE, options.compression ?? false);
    const segments = listSegments(dir);
    w.#openSegment(segments.length > 0 ? segments[segments.length - 1]! + 1 : 0);
    return w;
  }

  /** Index of the segment being written. */
  get currentSegment(): number {
    return this.#segment;
  }

  log(records: readonly Uint8Array[]): void {
    if (this.#closed) throw new WalClosedError();
    if (records.length === 0) return;
    let flags: boolean[] | undefined;
    if (this.compression) {
      flags = [];
      const out: Uint8Array[] = [];
      for (let k = 0; k < records.length; k++) {
        const r = records[k]!;
        const c = r.length > 0 ? snappyEncode(r, this.#compressScratch(k, r.length)) : r;
        const smaller = c.length < r.length;
        out.push(smaller ? c : r);
        flags.push(smaller);
      }
      records = out;
    }
    let need = 0;
    let off = this.#offset;
    for (const r of records) {
      const n = framedSize(r.length, off);
      need += n;
      off += n;
    }
    if (this.#offset > 0 && this.#offset + need > this.segmentSizeBytes) this.nextSegment();
    if (need > this.#scratch.length && need <= 4 << 20) this.#scratch = new Uint8Array(need * 2);
    const bytes = frameRecords(records, this.#offset, this.#scratch, flags);
    let written = 0;
    while (written < bytes.length) written += writeSync(this.#fd, bytes, written, bytes.length - written);
    this.#offset += bytes.length;
    this.counters.bytesWritten += bytes.length;
    this.counters.recordsWritten += records.length;
    this.counters.writes++;
  }

  /** A reusable output buffer for compressing the `k`th record of `length` bytes (none beyond 4 MiB). */
  #compressScratch(k: number, length: number): Uint8Array | undefined {
    const need = maxEncodedLength(length);
    if (need > 4 << 20) return undefined;
    let out = this.#packed[k];
    if (out === undefined || out.length < need) {
      out = new Uint8Array(Math.max(need, 16 * 1024));
      this.#packed[k] = out;
    }
    return out;
  }

  /** Pads and fsyncs the current segment, closes it and starts the next; returns the new index. */
  nextSegment(): number {
    if (this.#closed) throw new WalClosedError();
    this.#finishSegment();
    this.#openSegment(this.#segment + 1);
    return this.#segment;
  }

  /** Deletes segments with index < `upTo` (after a checkpoint covers them). */
  truncate(upTo: number): void {
    for (const i of listSegments(this.dir)) {
      if (i >= upTo || i === this.#segment) continue;
      rmSync(join(this.dir, segmentName(i)), { force: true });
    }
  }

  /** Fsyncs and closes the current segment. Idempotent. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    fsyncSync(this.#fd);
    this.counters.fsyncs++;
    closeSync(this.#fd);
  }

  #finishSegment(): void {
    const pad = this.#offset % PAGE_SIZE === 0 ? 0 : PAGE_SIZE - (this.#offset % PAGE_SIZE);
    if (pad > 0 && this.#offset > 0) {
      writeSync(this.#fd, new Uint8Array(pad));
      this.#offset += pad;
    }
    fsyncSync(this.#fd);
    this.counters.fsyncs++;
    closeSync(this.#fd);
  }

  #openSegment(index: number): void {
    this.#fd = openSync(join(this.dir, segmentName(index)), 'w');
    this.#segment = index;
    this.#offset = 0;
    this.counters.segmentsCreated++;
    fsyncDir(this.dir);
  }
}

/** A WAL used after {@link Wal.close}. A plain error: this module also runs in the checkpoint worker. */
export class WalClosedError extends Error {
  readonly code = 'closed';
  constructor() {
    super('WAL is closed');
    this.name = 'WalClosedError';
  }
}

/** Fsyncs a directory so a created, renamed or deleted entry is durable. */
export function fsyncDir(dir: string): void {
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
