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
import { crc32c } from '../wal/crc32c.ts';
import { BlockCorruptionError } from './errors.ts';
import { WindowedFile } from './windowed-file.ts';

/** One chunk's bytes as stored: its encoding (1 = XOR) and its data. */
export interface RawChunk {
  encoding: number;
  data: Uint8Array;
}

interface Segment {
  path: string;
  fd: number;
  size: number;
  file: WindowedFile;
}

/**
 * Reads chunks of one block's `chunks/` directory by reference, lazily: a segment file
 * is opened on first use and only the bytes of the requested chunk are read. Every
 * chunk's CRC-32C is checked. Not thread-safe; close when done.
 */
export class ChunkReader {
  readonly #dir: string;
  readonly #paths: string[];
  readonly #segments: (Segment | undefined)[];
  constructor(blockDir: string) {
    this.#dir = join(blockDir, CHUNKS_DIRNAME);
    const names = existsSync(this.#dir) ? readdirSync(this.#dir).filter((n) => /^\d+$/.test(n)) : [];
    names.sort((a, b) => Number(a) - Number(b));
    names.forEach((n, i) => {
      if (Number(n) !== i + 1)
        throw new BlockCorruptionError(join(this.#dir, n), 'chunk segment sequence has a gap');
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
    if (
      size < SEGMENT_HEADER_SIZE ||
      readSync(fd, header, 0, SEGMENT_HEADER_SIZE, 0) !== SEGMENT_HEADER_SIZE
    ) {
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
    const seg = { path, fd, size, file: new WindowedFile(fd, size, path) };
    this.#segments[seq] = seg;
    return seg;
  }

  /**
   * The chunk at `ref`; the returned data is a fresh copy owned by the caller. Reads go
   * through a per-segment window that grows while access is sequential.
   */
  chunk(ref: number): RawChunk {
    const seg = this.#segment(chunkRefSegment(ref));
    const off = chunkRefOffset(ref);
    if (off < SEGMENT_HEADER_SIZE || off >= seg.size) {
      throw new BlockCorruptionError(seg.path, `chunk reference ${ref} out of bounds`);
    }
    const f = seg.file;
    // Enough for the length varint (at most 5 bytes) and the encoding byte.
    const headAt = f.view(off, Math.min(6, seg.size - off));
    let p = headAt;
    let len = 0;
    let mul = 1;
    for (let i = 0; ; i++) {
      if (i >= 5 || p >= f.length)
        throw new BlockCorruptionError(seg.path, `bad chunk length at offset ${off}`);
      const b = f.buf[p++]!;
      len += (b & 0x7f) * mul;
      if (b < 0x80) break;
      mul *= 128;
    }
    const headLen = p - headAt;
    const total = headLen + 1 + len + 4;
    if (off + total > seg.size)
      throw new BlockCorruptionError(seg.path, `chunk at offset ${off} runs past the end of the segment`);
    const enc = f.view(off, total) + headLen;
    const w = f.buf;
    if (crc32c(w, enc, enc + 1 + len) !== w.readUInt32BE(enc + 1 + len)) {
      throw new BlockCorruptionError(seg.path, `checksum mismatch for chunk at offset ${off}`);
    }
    const data = new Uint8Array(len);
    data.set(w.subarray(enc + 1, enc + 1 + len));
    return { encoding: w[enc]!, data };
  }

  close(): void {
    for (const seg of this.#segments) if (seg) closeSync(seg.fd);
    this.#segments.fill(undefined);
  }
}
