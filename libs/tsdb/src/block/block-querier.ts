import { Labels, type Matcher } from '@argus/model';
import type { Querier, SampleBlock, SelectHints, Series } from '@argus/storage';
import { Encoding, decodeXorInto } from '../chunkenc/xor-chunk.ts';
import type { Block } from './block.ts';
import { chunkSampleCount } from './block-writer.ts';
import type { ChunkMeta } from './index-format.ts';
import { intersectPostings } from '../index/postings.ts';
import { postingsForMatchers } from '../index/postings-for-matchers.ts';
import { compareBytes } from './string-order.ts';
import type { Interval } from './tombstones.ts';
import type { RawChunk } from './chunk-reader.ts';

const EMPTY_BLOCK: SampleBlock = { length: 0, timestamps: new Float64Array(0), values: new Float64Array(0) };

/**
 * Reads one block over [minT, maxT] (inclusive): series via the block's postings,
 * samples from its XOR chunks with tombstoned ranges removed. Chunk bytes are read
 * during {@link select}; decoding happens in `Series.samples`. Only float (XOR)
 * chunks are returned; native-histogram chunks are skipped.
 */
export class BlockQuerier implements Querier {
  constructor(
    readonly block: Block,
    readonly minT: number,
    readonly maxT: number,
  ) {}

  async select(matchers: readonly Matcher[], hints?: SelectHints, sortSeries = false): Promise<Series[]> {
    void sortSeries; // The index already yields series in label order.
    const { index, chunks: reader, tombstones } = this.block;
    if (!this.block.overlaps(this.minT, this.maxT)) return [];
    const refs = postingsForMatchers(index, matchers);
    const metadataOnly = hints?.func === 'series';
    const out: Series[] = [];
    for (const ref of refs) {
      const s = index.series(ref);
      const deleted = tombstones.get(ref);
      const metas: ChunkMeta[] = [];
      let someInside = false;
      for (const c of s.chunks) {
        if (c.maxTime < this.minT || c.minTime > this.maxT) continue;
        if (deleted && coveredBy(c.minTime, c.maxTime, deleted)) continue;
        metas.push(c);
        if (c.minTime >= this.minT && c.maxTime <= this.maxT) someInside = true;
      }
      if (metas.length === 0) continue;
      const labels = Labels.fromSortedFlat(s.labels);
      if (metadataOnly) {
        out.push(new BlockSeries(labels, [], this.minT, this.maxT, deleted));
        continue;
      }
      const raws: RawChunk[] = [];
      for (const c of metas) {
        const raw = reader.chunk(c.ref);
        if (raw.encoding === Encoding.XOR) raws.push(raw);
      }
      if (raws.length === 0) continue;
      const series = new BlockSeries(labels, raws, this.minT, this.maxT, deleted);
      // A chunk wholly inside the range holds samples in it unless some are deleted;
      // otherwise decode to be sure the series has a sample in the range.
      if ((!someInside || deleted) && series.samples(this.minT, this.maxT).length === 0) continue;
      out.push(series);
    }
    return out;
  }

  async labelNames(matchers?: readonly Matcher[]): Promise<string[]> {
    const { index } = this.block;
    if (!matchers || matchers.length === 0) return index.labelNames();
    const names = new Set<string>();
    for (const ref of postingsForMatchers(index, matchers)) {
      const flat = index.series(ref).labels;
      for (let i = 0; i < flat.length; i += 2) names.add(flat[i]!);
    }
    return [...names].sort(compareBytes);
  }

  async labelValues(name: string, matchers?: readonly Matcher[]): Promise<string[]> {
    const { index } = this.block;
    if (!matchers || matchers.length === 0) return [...index.labelValues(name)];
    const refs = postingsForMatchers(index, matchers);
    const all = index.labelValues(name);
    if (all.length <= refs.length) {
      // Fewer values than series: test each value's postings against the selection
      // (upstream `labelValuesWithMatchers`) instead of reading every series.
      return all.filter((v) => intersectPostings([refs, index.postings(name, v)]).length > 0);
    }
    const values = new Set<string>();
    for (const ref of refs) {
      const flat = index.series(ref).labels;
      for (let i = 0; i < flat.length; i += 2) if (flat[i] === name) values.add(flat[i + 1]!);
    }
    return [...values].sort(compareBytes);
  }

  async close(): Promise<void> {}
}

/** Whether [minT, maxT] lies entirely within one deleted interval. */
function coveredBy(minT: number, maxT: number, intervals: readonly Interval[]): boolean {
  for (const iv of intervals) if (iv.minT <= minT && maxT <= iv.maxT) return true;
  return false;
}

/** A series of a block: decodes its chunks on each {@link samples} call, caching the last full-range result. */
class BlockSeries implements Series {
  #full: SampleBlock | undefined;

  constructor(
    readonly labels: Labels,
    readonly chunks: readonly RawChunk[],
    readonly minT: number,
    readonly maxT: number,
    readonly deleted: readonly Interval[] | undefined,
  ) {}

  samples(minT: number, maxT: number): SampleBlock {
    const lo = Math.max(minT, this.minT);
    const hi = Math.min(maxT, this.maxT);
    const full = lo === this.minT && hi === this.maxT;
    if (full && this.#full) return this.#full;
    if (lo > hi || this.chunks.length === 0) return EMPTY_BLOCK;
    let capacity = 0;
    for (const c of this.chunks) capacity += chunkSampleCount(c.data);
    const timestamps = new Float64Array(capacity);
    const values = new Float64Array(capacity);
    let n = 0;
    for (const c of this.chunks) n += decodeXorInto(c.data, lo, hi, timestamps, values, n);
    if (this.deleted) n = dropDeleted(timestamps, values, n, this.deleted);
    const block: SampleBlock = { length: n, timestamps, values };
    if (full) this.#full = block;
    return block;
  }
}

/** Compacts the columns in place, dropping samples in deleted intervals; returns the new length. */
function dropDeleted(ts: Float64Array, vs: Float64Array, n: number, deleted: readonly Interval[]): number {
  const words = new Uint32Array(vs.buffer, vs.byteOffset, vs.length * 2);
  let k = 0;
  let j = 0;
  for (let i = 0; i < n; i++) {
    const t = ts[i]!;
    while (j < deleted.length && deleted[j]!.maxT < t) j++;
    if (j < deleted.length && deleted[j]!.minT <= t) continue;
    ts[k] = t;
    // Copy the value bits, not the number, so NaN payloads (StaleNaN) survive.
    words[2 * k] = words[2 * i]!;
    words[2 * k + 1] = words[2 * i + 1]!;
    k++;
  }
  return k;
}
