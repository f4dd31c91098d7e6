import { crc32c } from '../wal/crc32c.ts';
import { EncBuf } from './enc-buf.ts';
import { BlockWriteError } from './errors.ts';
import { FileWriter } from './file-writer.ts';
import {
  INDEX_FORMAT_V2,
  INDEX_HEADER_SIZE,
  MAGIC_INDEX,
  SERIES_ALIGNMENT,
  type ChunkMeta,
  type IndexToc,
} from './index-format.ts';
import { compareBytes, compareLabelFlats } from './string-order.ts';

const MAX_UINT32 = 0xffffffff;

/**
 * Writes a block's `index` file in format v2, section by section as upstream's
 * `index.Writer` lays it out: header, symbol table, 16-byte-aligned series, one
 * label index per label name (4-byte aligned), postings lists (the all-series list
 * under the empty label pair first, then by name and value, 4-byte aligned), the
 * label offset table, the postings offset table and the TOC.
 *
 * Call {@link addSymbols} once with every label name and value in Go byte order,
 * then {@link addSeries} in label order, then {@link close}.
 */
export class IndexWriter {
  readonly #file: FileWriter;
  readonly #buf = new EncBuf(1024);
  readonly #lenBuf = new EncBuf(16);
  readonly #sum = Buffer.allocUnsafe(4);
  readonly #toc: IndexToc = {
    symbols: 0,
    series: 0,
    labelIndices: 0,
    labelIndicesTable: 0,
    postings: 0,
    postingsTable: 0,
  };
  #symbols = new Map<string, number>();
  #symbolsWritten = false;
  #lastSeries: readonly string[] | undefined;
  /** label name → label value → series references, in insertion (= ascending) order. */
  readonly #postings = new Map<string, Map<string, number[]>>();
  readonly #allRefs: number[] = [];
  #closed = false;

  constructor(path: string) {
    this.#file = new FileWriter(path);
    const header = Buffer.alloc(INDEX_HEADER_SIZE);
    header.writeUInt32BE(MAGIC_INDEX, 0);
    header[4] = INDEX_FORMAT_V2;
    this.#file.write(header);
  }

  /** Number of series added so far. */
  get seriesCount(): number {
    return this.#allRefs.length;
  }

  /** Writes the symbol table. `symbols` must be unique and sorted in Go byte order. */
  addSymbols(symbols: readonly string[]): void {
    if (this.#symbolsWritten) throw new BlockWriteError('symbols already written');
    const buf = this.#buf;
    buf.reset();
    buf.putBE32(0); // length, patched below
    buf.putBE32(symbols.length);
    for (let i = 0; i < symbols.length; i++) {
      const s = symbols[i]!;
      if (i > 0 && compareBytes(symbols[i - 1]!, s) >= 0) {
        throw new BlockWriteError(`symbols not sorted or not unique at ${JSON.stringify(s)}`);
      }
      buf.putUvarintStr(s);
      this.#symbols.set(s, i);
    }
    const len = buf.length - 4;
    if (len > MAX_UINT32) throw new BlockWriteError('symbol table exceeds 4 GiB');
    buf.setBE32(0, len);
    buf.putCrc32c(4);
    this.#toc.symbols = this.#file.pos;
    this.#file.write(buf.get());
    this.#symbolsWritten = true;
    this.#toc.series = this.#file.pos;
  }

  /**
   * Adds a series: its labels as a flat `[name, value, …]` array sorted by name, and
   * its chunks in time order. Series must come in strictly ascending label order.
   * Returns the series reference (offset / 16).
   */
  addSeries(labels: readonly string[], chunks: readonly ChunkMeta[]): number {
    if (!this.#symbolsWritten) this.addSymbols([]);
    if (this.#lastSeries !== undefined && compareLabelFlats(this.#lastSeries, labels) >= 0) {
      throw new BlockWriteError(`series out of order or duplicated: ${labels.join(',')}`);
    }
    this.#lastSeries = labels;
    const file = this.#file;
    file.addPadding(SERIES_ALIGNMENT);
    const ref = file.pos / SERIES_ALIGNMENT;
    if (ref > MAX_UINT32) throw new BlockWriteError('series offset exceeds 4 bytes');

    const body = this.#buf;
    body.reset();
    body.putUvarint(labels.length / 2);
    for (let i = 0; i < labels.length; i += 2) {
      const name = labels[i]!;
      const value = labels[i + 1]!;
      const n = this.#symbols.get(name);
      const v = this.#symbols.get(value);
      if (n === undefined || v === undefined) {
        throw new BlockWriteError(`symbol missing for label ${name}=${JSON.stringify(value)}`);
      }
      body.putUvarint(n);
      body.putUvarint(v);
      let values = this.#postings.get(name);
      if (!values) this.#postings.set(name, (values = new Map()));
      const refs = values.get(value);
      if (refs) refs.push(ref);
      else values.set(value, [ref]);
    }
    this.#allRefs.push(ref);
    body.putUvarint(chunks.length);
    let prevMaxT = 0;
    let prevRef = 0;
    for (let i = 0; i < chunks.length; i++) {
      const c = chunks[i]!;
      if (i === 0) {
        body.putVarint(c.minTime);
        body.putUvarint(c.maxTime - c.minTime);
        body.putUvarint(c.ref);
      } else {
        if (c.minTime <= prevMaxT)
          throw new BlockWriteError(`chunks of series ${labels.join(',')} overlap or are unordered`);
        body.putUvarint(c.minTime - prevMaxT);
        body.putUvarint(c.maxTime - c.minTime);
        body.putVarint(c.ref - prevRef);
      }
      prevMaxT = c.maxTime;
      prevRef = c.ref;
    }
    const content = body.get();
    const lenBuf = this.#lenBuf;
    lenBuf.reset();
    lenBuf.putUvarint(content.length);
    file.write(lenBuf.get());
    file.write(content);
    this.#sum.writeUInt32BE(crc32c(content));
    file.write(this.#sum);
    return ref;
  }

  /** Writes label indices, postings, both offset tables and the TOC, then syncs and closes the file. */
  close(): void {
    if (this.#closed) return;
    if (!this.#symbolsWritten) this.addSymbols([]);
    const file = this.#file;
    const names = [...this.#postings.keys()].sort(compareBytes);
    const sortedValues = new Map<string, string[]>();
    for (const name of names)
      sortedValues.set(name, [...this.#postings.get(name)!.keys()].sort(compareBytes));

    // Label indices, one per name, as upstream still writes them for older readers.
    this.#toc.labelIndices = file.pos;
    const labelIndexOffsets: number[] = [];
    for (const name of names) {
      file.addPadding(4);
      labelIndexOffsets.push(file.pos);
      const values = sortedValues.get(name)!;
      const buf = this.#buf;
      buf.reset();
      buf.putBE32(4 + 4 + 4 * values.length);
      buf.putBE32(1);
      buf.putBE32(values.length);
      for (const v of values) buf.putBE32(this.#symbols.get(v)!);
      buf.putCrc32c(4);
      file.write(buf.get());
    }

    // Postings lists: all series under ("", ""), then every label pair.
    this.#toc.postings = file.pos;
    const postingsOffsets: { name: string; value: string; offset: number }[] = [];
    const writePostings = (name: string, value: string, refs: readonly number[]): void => {
      file.addPadding(4);
      postingsOffsets.push({ name, value, offset: file.pos });
      const buf = this.#buf;
      buf.reset();
      buf.putBE32(4 + 4 * refs.length);
      buf.putBE32(refs.length);
      for (const r of refs) buf.putBE32(r);
      buf.putCrc32c(4);
      file.write(buf.get());
    };
    writePostings('', '', this.#allRefs);
    for (const name of names) {
      const values = this.#postings.get(name)!;
      for (const value of sortedValues.get(name)!) writePostings(name, value, values.get(value)!);
    }

    // Label offset table.
    this.#toc.labelIndicesTable = file.pos;
    {
      const buf = this.#buf;
      buf.reset();
      buf.putBE32(0);
      buf.putBE32(names.length);
      names.forEach((name, i) => {
        buf.putUvarint(1);
        buf.putUvarintStr(name);
        buf.putUvarint(labelIndexOffsets[i]!);
      });
      buf.setBE32(0, buf.length - 4);
      buf.putCrc32c(4);
      file.write(buf.get());
    }

    // Postings offset table.
    this.#toc.postingsTable = file.pos;
    {
      const buf = this.#buf;
      buf.reset();
      buf.putBE32(0);
      buf.putBE32(postingsOffsets.length);
      for (const e of postingsOffsets) {
        buf.putUvarint(2);
        buf.putUvarintStr(e.name);
        buf.putUvarintStr(e.value);
        buf.putUvarint(e.offset);
      }
      if (buf.length - 4 > MAX_UINT32) throw new BlockWriteError('postings offset table exceeds 4 GiB');
      buf.setBE32(0, buf.length - 4);
      buf.putCrc32c(4);
      file.write(buf.get());
    }

    // TOC.
    {
      const buf = this.#buf;
      buf.reset();
      const t = this.#toc;
      for (const v of [t.symbols, t.series, t.labelIndices, t.labelIndicesTable, t.postings, t.postingsTable])
        buf.putBE64(v);
      buf.putCrc32c(0);
      file.write(buf.get());
    }
    file.close();
    this.#closed = true;
  }

  abort(): void {
    this.#closed = true;
    this.#file.abort();
  }
}
