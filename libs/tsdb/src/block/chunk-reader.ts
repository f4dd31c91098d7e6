import { closeSync, existsSync, fstatSync, openSync, readSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import {
  CHUNKS_DIRNAME,
  CHUNKS_FORMAT_V1,
  MAGIC_CHUNKS,
  SEGMENT_HEADER_SIZE,
  chunkRefOffset,
  chunkRefSegment,
} from './chunks-format.ts';
import { crc32c } from './crc32c.ts';
import { BlockCorruptionError } from './errors.ts';

/** One chunk's bytes as stored: its encoding (1 = XOR) and its data. */
export interface RawChunk {
  encoding: number;
  data: Uint8Array;
}

interface Segment {
  path: string;
  fd: number;
  size: number;
}

/** Read window bounds: small for random access, growing up to 1 MiB for sequential scans. */
const MIN_WINDOW = 4096;
const MAX_WINDOW = 1 << 20;
/** A miss this close after the previous chunk counts as sequential access. */
const SEQUENTIAL_GAP = 64 * 1024;

/**
 * Reads chunks of one block's `chunks/` directory by reference, lazily: a segment file
 * is opened on first use and only the bytes of the requested chunk are read. Every
 * chunk's CRC-32C is checked. Not thread-safe; close when done.
 */
export class ChunkReader {
  readonly #dir: string;
  readonly #paths: string[];
  readonly #segments: (Segment | undefined)[];
  /** Bytes of segment `#winSeq` from file offset `#winStart`, `#winLen` of them valid. */
  #win = Buffer.allocUnsafe(MIN_WINDOW);
  #winSeq = -1;
  #winStart = 0;
  #winLen = 0;
  #winSize = MIN_WINDOW;
  #lastEnd = -1;

  constructor(blockDir: string) {
    this.#dir = join(blockDir, CHUNKS_DIRNAME);
    const names = existsSync(this.#dir) ? readdirSync(this.#dir).filter((n) => /^\d+$/.test(n)) : [];
    names.sort((a, b) => Number(a) - Number(b));
    names.forEach((n, i) => {
      if (Number(n) !== i + 1) throw new BlockCorruptionError(join(this.#dir, n), 'chunk segment sequence has a gap');
    });
    this.#paths = names.map((n) => join(this.#dir, n));
    this.#segments = new Array(names.length);
  }

  /** Sum of the segment files' sizes in bytes. */
  size(): number {
    let total = 0;
    for (let i = 0; i < this.#paths.length; i++) total += this.#segment(i).size;
    return total;
  }

  #segment(seq: number): Segment {
    const existing = this.#segments[seq];
    if (existing) return existing;
    const path = this.#paths[seq];
    if (path === undefined) throw new BlockCorruptionError(this.#dir, `no chunk segment ${seq + 1}`);
    const fd = openSync(path, 'r');
    const size = fstatSync(fd).size;
    const header = Buffer.alloc(SEGMENT_HEADER_SIZE);
    if (size < SEGMENT_HEADER_SIZE || readSync(fd, header, 0, SEGMENT_HEADER_SIZE, 0) !== SEGMENT_HEADER_SIZE) {
      closeSync(fd);
      throw new BlockCorruptionError(path, 'segment shorter than its header');
    }
    if (header.readUInt32BE(0) !== MAGIC_CHUNKS) {
      closeSync(fd);
      throw new BlockCorruptionError(path, `invalid magic number ${header.readUInt32BE(0).toString(16)}`);
    }
    if (header[4] !== CHUNKS_FORMAT_V1) {
      closeSync(fd);
      throw new BlockCorruptionError(path, `invalid chunk format version ${header[4]}`);
    }
    const seg = { path, fd, size };
    this.#segments[seq] = seg;
    return seg;
  }

  /**
   * The chunk at `ref`; the returned data is a fresh copy owned by the caller. Reads go
   * through a window that grows while access is sequential (a compaction, a select of
   * many series) and stays small for scattered reads.
   */
  chunk(ref: number): RawChunk {
    const seq = chunkRefSegment(ref);
    const seg = this.#segment(seq);
    const off = chunkRefOffset(ref);
    if (off < SEGMENT_HEADER_SIZE || off >= seg.size) {
      throw new BlockCorruptionError(seg.path, `chunk reference ${ref} out of bounds`);
    }
    // Enough for the length varint and the encoding byte.
    let p = this.#view(seq, seg, off, Math.min(6, seg.size - off));
    const buf = this.#win;
    const headEnd = this.#winLen;
    let len = 0;
    let mul = 1;
    for (let i = 0; ; i++) {
      if (p >= headEnd || i >= 5) throw new BlockCorruptionError(seg.path, `bad chunk length at offset ${off}`);
      const b = buf[p++]!;
      len += (b & 0x7f) * mul;
      if (b < 0x80) break;
      mul *= 128;
    }
    const headLen = p - (off - this.#winStart);
    const total = headLen + 1 + len + 4;
    if (off + total > seg.size) throw new BlockCorruptionError(seg.path, `chunk at offset ${off} runs past the end of the segment`);
    const start = this.#view(seq, seg, off, total);
    const w = this.#win;
    const enc = start + headLen;
    const want = w.readUInt32BE(enc + 1 + len);
    if (crc32c(w, 0, enc, enc + 1 + len) !== want) {
      throw new BlockCorruptionError(seg.path, `checksum mismatch for chunk at offset ${off}`);
    }
    const data = new Uint8Array(len);
    data.set(w.subarray(enc + 1, enc + 1 + len));
    this.#lastEnd = off + total;
    return { encoding: w[enc]!, data };
  }

  /** Makes `[off, off + n)` of the segment available in the window; returns its index there. */
  #view(seq: number, seg: Segment, off: number, n: number): number {
    if (seq === this.#winSeq && off >= this.#winStart && off + n <= this.#winStart + this.#winLen) return off - this.#winStart;
    const sequential = seq === this.#winSeq && off >= this.#lastEnd && off - this.#lastEnd <= SEQUENTIAL_GAP;
    this.#winSize = sequential ? Math.min(MAX_WINDOW, this.#winSize * 2) : MIN_WINDOW;
    const size = Math.min(Math.max(this.#winSize, n), seg.size - off);
    if (size > this.#win.length) this.#win = Buffer.allocUnsafe(size);
    const got = readSync(seg.fd, this.#win, 0, size, off);
    if (got < n) throw new BlockCorruptionError(seg.path, `short read at offset ${off}`);
    this.#winSeq = seq;
    this.#winStart = off;
    this.#winLen = got;
    return 0;
  }

  close(): void {
    for (const seg of this.#segments) if (seg) closeSync(seg.fd);
    this.#segments.fill(undefined);
    this.#winSeq = -1;
  }
}
