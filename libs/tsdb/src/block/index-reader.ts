import { closeSync, fstatSync, openSync } from 'node:fs';
import type { PostingsIndex } from '../index/postings-for-matchers.ts';
import { crc32c } from '../wal/crc32c.ts';
import { DecBuf } from './dec-buf.ts';
import { BlockCorruptionError } from './errors.ts';
import { compareBytes } from './string-order.ts';
import { WindowedFile } from './windowed-file.ts';
import {
  INDEX_FORMAT_V2,
  INDEX_HEADER_SIZE,
  INDEX_TOC_SIZE,
  MAGIC_INDEX,
  SERIES_ALIGNMENT,
  type ChunkMeta,
  type IndexToc,
} from './index-format.ts';

/** A series as the index holds it: flat `[name, value, …]` labels and its chunks' metadata. */
export interface IndexSeries {
  labels: string[];
  chunks: ChunkMeta[];
}

interface NameEntry {
  /** Values in ascending (Go byte) order. */
  values: string[];
  /** Offset of each value's postings list. */
  offsets: number[];
}

const EMPTY_POSTINGS = new Uint32Array(0);

/** Bytes of an index: a window over the open file, or a buffer already in memory. */
interface IndexBytes {
  buf: Buffer;
  readonly fileSize: number;
  /** Makes `[off, off + n)` available in `buf`, returns its index there; valid until the next call. */
  view(off: number, n: number): number;
}

class InMemoryBytes implements IndexBytes {
  constructor(readonly buf: Buffer) {}

  get fileSize(): number {
    return this.buf.length;
  }

  view(off: number, n: number): number {
    if (off < 0 || off + n > this.buf.length) throw new RangeError(`read past the end at ${off}`);
    return off;
  }
}

/**
 * Reads an index file in format v2 (what Prometheus 2.x writes). The symbol table and
 * the postings offset table are decoded into memory at open; series and postings lists
 * are read from the file on demand (through a read window that grows on sequential
 * access), each with its CRC-32C checked. Close it to release the file descriptor.
 */
export class IndexReader implements PostingsIndex {
  readonly #b: IndexBytes;
  readonly #fd: number | undefined;
  #open = true;
  readonly #path: string;
  readonly toc: IndexToc;
  readonly #symbols: string[];
  readonly #names = new Map<string, NameEntry>();
  #allPostingsOffset = -1;

  /** Opens the file at `path`, or reads `bytes` when given (then `path` only names it in errors). */
  constructor(path: string, bytes?: Buffer) {
    this.#path = path;
    if (bytes) {
      this.#b = new InMemoryBytes(bytes);
    } else {
      const fd = openSync(path, 'r');
      this.#fd = fd;
      this.#b = new WindowedFile(fd, fstatSync(fd).size, path);
    }
    try {
      const b = this.#b;
      if (b.fileSize < INDEX_HEADER_SIZE + INDEX_TOC_SIZE) throw this.#corrupt('index file too small');
      const h = b.view(0, INDEX_HEADER_SIZE);
      const magic = b.buf.readUInt32BE(h);
      if (magic !== MAGIC_INDEX) throw this.#corrupt(`invalid magic number ${magic.toString(16)}`);
      if (b.buf[h + 4] !== INDEX_FORMAT_V2)
        throw this.#corrupt(`unsupported index format version ${b.buf[h + 4]}`);
      this.toc = this.#readToc();
      this.#symbols = this.#readSymbols();
      this.#readPostingsTable();
    } catch (err) {
      this.close();
      throw err;
    }
  }

  /** Releases the file descriptor (a reader built from bytes has none). */
  close(): void {
    if (this.#fd !== undefined && this.#open) {
      this.#open = false;
      closeSync(this.#fd);
    }
  }

  #corrupt(message: string): BlockCorruptionError {
    return new BlockCorruptionError(this.#path, message);
  }

  /** Size of the index file in bytes. */
  get size(): number {
    return this.#b.fileSize;
  }

  #readToc(): IndexToc {
    const at = this.#b.view(this.#b.fileSize - INDEX_TOC_SIZE, INDEX_TOC_SIZE);
    const b = this.#b.buf;
    const end = at + INDEX_TOC_SIZE - 4;
    if (crc32c(b, at, end) !== b.readUInt32BE(end)) throw this.#corrupt('TOC checksum mismatch');
    const d = new DecBuf(b, this.#path, at, end);
    return {
      symbols: d.be64(),
      series: d.be64(),
      labelIndices: d.be64(),
      labelIndicesTable: d.be64(),
      postings: d.be64(),
      postingsTable: d.be64(),
    };
  }

  /**
   * A section at `offset` framed as `len <4b> | body | crc <4b>`; returns a decoder over
   * the body, valid until the next read (pass `copy` to keep it longer).
   */
  #section(offset: number, what: string, copy = false): DecBuf {
    const src = this.#b;
    if (offset + 8 > src.fileSize) throw this.#corrupt(`${what} offset ${offset} out of bounds`);
    const len = src.buf.readUInt32BE(src.view(offset, 4));
    if (offset + 8 + len > src.fileSize) throw this.#corrupt(`${what} at ${offset} runs past the end`);
    let at = src.view(offset, 8 + len);
    let b = src.buf;
    if (copy) {
      b = Buffer.from(b.subarray(at, at + 8 + len));
      at = 0;
    }
    const start = at + 4;
    const end = start + len;
    if (crc32c(b, start, end) !== b.readUInt32BE(end))
      throw this.#corrupt(`${what} checksum mismatch at ${offset}`);
    return new DecBuf(b, this.#path, start, end);
  }

  #readSymbols(): string[] {
    if (this.toc.symbols === 0) return [];
    const d = this.#section(this.toc.symbols, 'symbol table', true);
    const n = d.be32();
    const out = new Array<string>(n);
    for (let i = 0; i < n; i++) out[i] = d.uvarintStr();
    return out;
  }

  #readPostingsTable(): void {
    if (this.toc.postingsTable === 0) return;
    const d = this.#section(this.toc.postingsTable, 'postings offset table', true);
    const n = d.be32();
    let current: NameEntry | undefined;
    let currentName: string | undefined;
    for (let i = 0; i < n; i++) {
      if (d.uvarint() !== 2) throw this.#corrupt('unexpected key length in postings offset table');
      const name = d.uvarintStr();
      const value = d.uvarintStr();
      const off = d.uvarint();
      if (name === '' && value === '') {
        this.#allPostingsOffset = off;
        continue;
      }
      if (name !== currentName) {
        currentName = name;
        current = this.#names.get(name);
        if (!current) this.#names.set(name, (current = { values: [], offsets: [] }));
      }
      current!.values.push(value);
      current!.offsets.push(off);
    }
  }

  /** The string of symbol reference `ref`. */
  symbol(ref: number): string {
    const s = this.#symbols[ref];
    if (s === undefined) throw this.#corrupt(`unknown symbol reference ${ref}`);
    return s;
  }

  /** All symbols in order. */
  get symbols(): readonly string[] {
    return this.#symbols;
  }

  /** Label names of the block in ascending order. */
  labelNames(): string[] {
    return [...this.#names.keys()];
  }

  /** Values of a label name in ascending order (empty for an unknown name). */
  labelValues(name: string): readonly string[] {
    return this.#names.get(name)?.values ?? [];
  }

  /** Series references having `name` = `value`, ascending. */
  postings(name: string, value: string): Uint32Array {
    const e = this.#names.get(name);
    if (!e) return EMPTY_POSTINGS;
    const i = binarySearch(e.values, value);
    return i < 0 ? EMPTY_POSTINGS : this.#readPostings(e.offsets[i]!);
  }

  /** Every series reference of the block, ascending. */
  allPostings(): Uint32Array {
    return this.#allPostingsOffset < 0 ? EMPTY_POSTINGS : this.#readPostings(this.#allPostingsOffset);
  }

  /** {@link PostingsIndex}: matcher resolution reads a block index as it reads the head's. */
  get(name: string, value: string): Uint32Array {
    return this.postings(name, value);
  }

  all(): Uint32Array {
    return this.allPostings();
  }

  #readPostings(offset: number): Uint32Array {
    const d = this.#section(offset, 'postings list');
    const n = d.be32();
    if (d.remaining !== n * 4) throw this.#corrupt(`postings list at ${offset} has a wrong length`);
    const out = new Uint32Array(n);
    const b = d.bytes as Buffer;
    let p = d.pos;
    for (let i = 0; i < n; i++, p += 4) out[i] = b.readUInt32BE(p);
    return out;
  }

  /** The series at reference `ref` (offset / 16). */
  series(ref: number): IndexSeries {
    const src = this.#b;
    const offset = ref * SERIES_ALIGNMENT;
    if (offset >= src.fileSize) throw this.#corrupt(`series reference ${ref} out of bounds`);
    const headAt = src.view(offset, Math.min(10, src.fileSize - offset));
    const head = new DecBuf(src.buf, this.#path, headAt, headAt + Math.min(10, src.fileSize - offset));
    const len = head.uvarint();
    const lenBytes = head.pos - headAt;
    if (offset + lenBytes + len + 4 > src.fileSize) throw this.#corrupt(`series ${ref} runs past the end`);
    const start = src.view(offset, lenBytes + len + 4) + lenBytes;
    const b = src.buf;
    const end = start + len;
    if (crc32c(b, start, end) !== b.readUInt32BE(end)) throw this.#corrupt(`series ${ref} checksum mismatch`);
    const d = new DecBuf(b, this.#path, start, end);
    const nLabels = d.uvarint();
    const labels = new Array<string>(nLabels * 2);
    for (let i = 0; i < nLabels; i++) {
      labels[2 * i] = this.symbol(d.uvarint());
      labels[2 * i + 1] = this.symbol(d.uvarint());
    }
    const nChunks = d.uvarint();
    const chunks = new Array<ChunkMeta>(nChunks);
    let t0 = 0;
    let ref0 = 0;
    for (let i = 0; i < nChunks; i++) {
      let minTime: number;
      let maxTime: number;
      let cref: number;
      if (i === 0) {
        minTime = d.varint();
        maxTime = minTime + d.uvarint();
        cref = d.uvarint();
      } else {
        minTime = t0 + d.uvarint();
        maxTime = minTime + d.uvarint();
        cref = ref0 + d.varint();
      }
      chunks[i] = { minTime, maxTime, ref: cref };
      t0 = maxTime;
      ref0 = cref;
    }
    return { labels, chunks };
  }
}

function binarySearch(values: readonly string[], v: string): number {
  let lo = 0;
  let hi = values.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const x = values[mid]!;
    if (x === v) return mid;
    if (compareBytes(x, v) < 0) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}
