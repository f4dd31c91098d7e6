import { readFileSync } from 'node:fs';
import { crc32c } from './crc32c.ts';
import { DecBuf } from './dec-buf.ts';
import { BlockCorruptionError } from './errors.ts';
import { compareBytes } from './string-order.ts';
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

/**
 * Reads an index file in format v2 (what Prometheus 2.x writes). The whole file is
 * read into memory at open; the symbol table and postings offset table are decoded
 * eagerly, series and postings lists on demand, each with its CRC-32C checked.
 */
export class IndexReader {
  readonly #b: Buffer;
  readonly #path: string;
  readonly toc: IndexToc;
  readonly #symbols: string[];
  readonly #names = new Map<string, NameEntry>();
  #allPostingsOffset = -1;

  constructor(path: string, bytes?: Buffer) {
    this.#path = path;
    const b = bytes ?? readFileSync(path);
    this.#b = b;
    if (b.length < INDEX_HEADER_SIZE + INDEX_TOC_SIZE) throw this.#corrupt('index file too small');
    if (b.readUInt32BE(0) !== MAGIC_INDEX) throw this.#corrupt(`invalid magic number ${b.readUInt32BE(0).toString(16)}`);
    if (b[4] !== INDEX_FORMAT_V2) throw this.#corrupt(`unsupported index format version ${b[4]}`);
    this.toc = this.#readToc();
    this.#symbols = this.#readSymbols();
    this.#readPostingsTable();
  }

  #corrupt(message: string): BlockCorruptionError {
    return new BlockCorruptionError(this.#path, message);
  }

  /** Size of the index file in bytes. */
  get size(): number {
    return this.#b.length;
  }

  #readToc(): IndexToc {
    const b = this.#b;
    const start = b.length - INDEX_TOC_SIZE;
    if (crc32c(b, 0, start, b.length - 4) !== b.readUInt32BE(b.length - 4)) throw this.#corrupt('TOC checksum mismatch');
    const d = new DecBuf(b, this.#path, start);
    return {
      symbols: d.be64(),
      series: d.be64(),
      labelIndices: d.be64(),
      labelIndicesTable: d.be64(),
      postings: d.be64(),
      postingsTable: d.be64(),
    };
  }

  /** A section at `offset` framed as `len <4b> | body | crc <4b>`; returns a decoder over the body. */
  #section(offset: number, what: string): DecBuf {
    const b = this.#b;
    if (offset + 4 > b.length) throw this.#corrupt(`${what} offset ${offset} out of bounds`);
    const len = b.readUInt32BE(offset);
    const start = offset + 4;
    const end = start + len;
    if (end + 4 > b.length) throw this.#corrupt(`${what} at ${offset} runs past the end`);
    if (crc32c(b, 0, start, end) !== b.readUInt32BE(end)) throw this.#corrupt(`${what} checksum mismatch at ${offset}`);
    return new DecBuf(b, this.#path, start, end);
  }

  #readSymbols(): string[] {
    if (this.toc.symbols === 0) return [];
    const d = this.#section(this.toc.symbols, 'symbol table');
    const n = d.be32();
    const out = new Array<string>(n);
    for (let i = 0; i < n; i++) out[i] = d.uvarintStr();
    return out;
  }

  #readPostingsTable(): void {
    if (this.toc.postingsTable === 0) return;
    const d = this.#section(this.toc.postingsTable, 'postings offset table');
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

  /** Postings of every value of `name` accepted by `accept`, one list per value. */
  postingsForValues(name: string, accept: (value: string) => boolean): Uint32Array[] {
    const e = this.#names.get(name);
    if (!e) return [];
    const out: Uint32Array[] = [];
    for (let i = 0; i < e.values.length; i++) if (accept(e.values[i]!)) out.push(this.#readPostings(e.offsets[i]!));
    return out;
  }

  /** Every series reference of the block, ascending. */
  allPostings(): Uint32Array {
    return this.#allPostingsOffset < 0 ? EMPTY_POSTINGS : this.#readPostings(this.#allPostingsOffset);
  }

  #readPostings(offset: number): Uint32Array {
    const d = this.#section(offset, 'postings list');
    const n = d.be32();
    if (d.remaining !== n * 4) throw this.#corrupt(`postings list at ${offset} has a wrong length`);
    const out = new Uint32Array(n);
    const b = this.#b;
    let p = d.pos;
    for (let i = 0; i < n; i++, p += 4) out[i] = b.readUInt32BE(p);
    return out;
  }

  /** The series at reference `ref` (offset / 16). */
  series(ref: number): IndexSeries {
    const b = this.#b;
    const offset = ref * SERIES_ALIGNMENT;
    if (offset >= b.length) throw this.#corrupt(`series reference ${ref} out of bounds`);
    const head = new DecBuf(b, this.#path, offset);
    const len = head.uvarint();
    const start = head.pos;
    const end = start + len;
    if (end + 4 > b.length) throw this.#corrupt(`series ${ref} runs past the end`);
    if (crc32c(b, 0, start, end) !== b.readUInt32BE(end)) throw this.#corrupt(`series ${ref} checksum mismatch`);
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
