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

/** Bytes read speculatively per chunk: most XOR chunks of 120 samples fit. */
const READ_AHEAD = 512;

/**
 * Reads chunks of one block's `chunks/` directory by reference, lazily: a segment file
 * is opened on first use and only the bytes of the requested chunk are read. Every
 * chunk's CRC-32C is checked. Not thread-safe; close when done.
 */
export class ChunkReader {
  readonly #dir: string;
  readonly #paths: string[];
  readonly #segments: (Segment | undefined)[];
  #scratch = Buffer.allocUnsafe(READ_AHEAD);

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

  /** The chunk at `ref`; the returned data is a fresh copy owned by the caller. */
  chunk(ref: number): RawChunk {
    const seg = this.#segment(chunkRefSegment(ref));
    const off = chunkRefOffset(ref);
    if (off < SEGMENT_HEADER_SIZE || off >= seg.size) {
      throw new BlockCorruptionError(seg.path, `chunk reference ${ref} out of bounds`);
    }
    let buf = this.#scratch;
    let got = readSync(seg.fd, buf, 0, Math.min(READ_AHEAD, seg.size - off), off);
    let len = 0;
    let mul = 1;
    let p = 0;
    for (;;) {
      if (p >= got || p >= 5) throw new BlockCorruptionError(seg.path, `bad chunk length at offset ${off}`);
      const b = buf[p++]!;
      len += (b & 0x7f) * mul;
      if (b < 0x80) break;
      mul *= 128;
    }
    const total = p + 1 + len + 4;
    if (off + total > seg.size) throw new BlockCorruptionError(seg.path, `chunk at offset ${off} runs past the end of the segment`);
    if (total > got) {
      buf = Buffer.allocUnsafe(total);
      got = readSync(seg.fd, buf, 0, total, off);
      if (got !== total) throw new BlockCorruptionError(seg.path, `short read of chunk at offset ${off}`);
    }
    const want = buf.readUInt32BE(p + 1 + len);
    const have = crc32c(buf, 0, p, p + 1 + len);
    if (want !== have) throw new BlockCorruptionError(seg.path, `checksum mismatch for chunk at offset ${off}`);
    const data = new Uint8Array(len);
    data.set(buf.subarray(p + 1, p + 1 + len));
    return { encoding: buf[p]!, data };
  }

  close(): void {
    for (const seg of this.#segments) if (seg) closeSync(seg.fd);
    this.#segments.fill(undefined);
  }
}
