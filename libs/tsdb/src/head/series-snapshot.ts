import type { Labels } from '@argus/model';
import type { SampleBlock, Series } from '@argus/storage';
import { XorIterator } from '../chunkenc/xor-chunk.ts';
import type { ChunkView } from './mem-series.ts';

const EMPTY_BLOCK: SampleBlock = { length: 0, timestamps: new Float64Array(0), values: new Float64Array(0) };

/**
 * A series as a querier saw it at select time: the chunks and out-of-order samples
 * present then, limited to the querier's range. Decoding writes value words
 * directly, so StaleNaN keeps its bits. When an in-order and an out-of-order
 * sample share a timestamp, the in-order one is returned.
 */
export class SeriesSnapshot implements Series {
  constructor(
    readonly labels: Labels,
    readonly chunks: readonly ChunkView[],
    readonly oooTimestamps: Float64Array | undefined,
    readonly oooValues: Float64Array | undefined,
    readonly minT: number,
    readonly maxT: number,
  ) {}

  samples(minT: number, maxT: number): SampleBlock {
    const lo = Math.max(minT, this.minT);
    const hi = Math.min(maxT, this.maxT);
    if (lo > hi) return EMPTY_BLOCK;
    let capacity = 0;
    for (const c of this.chunks) if (c.minT <= hi && c.maxT >= lo) capacity += c.count;
    const inOrder = decodeChunks(this.chunks, lo, hi, capacity);
    const ots = this.oooTimestamps;
    if (!ots || ots.length === 0) return inOrder;
    return mergeOoo(inOrder, ots, this.oooValues!, lo, hi);
  }
}

/** Decodes the samples of the chunks within [lo, hi] into fresh columns. */
export function decodeChunks(
  chunks: readonly ChunkView[],
  lo: number,
  hi: number,
  capacity: number,
): SampleBlock {
  if (capacity === 0) return EMPTY_BLOCK;
  const timestamps = new Float64Array(capacity);
  const values = new Float64Array(capacity);
  const words = new Uint32Array(values.buffer);
  let n = 0;
  for (const c of chunks) {
    if (c.minT > hi || c.maxT < lo) continue;
    const it = new XorIterator(c.bytes);
    for (let k = 0; k < c.count && it.next(); k++) {
      const t = it.t;
      if (t < lo) continue;
      if (t > hi) break;
      timestamps[n] = t;
      words[2 * n] = it.lo;
      words[2 * n + 1] = it.hi;
      n++;
    }
  }
  return { length: n, timestamps, values };
}

function mergeOoo(a: SampleBlock, ots: Float64Array, ovs: Float64Array, lo: number, hi: number): SampleBlock {
  let start = 0;
  while (start < ots.length && ots[start]! < lo) start++;
  let end = start;
  while (end < ots.length && ots[end]! <= hi) end++;
  if (start === end) return a;
  const total = a.length + (end - start);
  const timestamps = new Float64Array(total);
  const values = new Float64Array(total);
  const out = new Uint32Array(values.buffer);
  const aw = new Uint32Array(a.values.buffer, a.values.byteOffset, a.values.length * 2);
  const ow = new Uint32Array(ovs.buffer, ovs.byteOffset, ovs.length * 2);
  let i = 0;
  let j = start;
  let n = 0;
  while (i < a.length || j < end) {
    const takeA = j >= end || (i < a.length && a.timestamps[i]! <= ots[j]!);
    if (takeA) {
      if (j < end && ots[j] === a.timestamps[i]) j++;
      timestamps[n] = a.timestamps[i]!;
      out[2 * n] = aw[2 * i]!;
      out[2 * n + 1] = aw[2 * i + 1]!;
      i++;
    } else {
      timestamps[n] = ots[j]!;
      out[2 * n] = ow[2 * j]!;
      out[2 * n + 1] = ow[2 * j + 1]!;
      j++;
    }
    n++;
  }
  return { length: n, timestamps, values };
}
