import type { Labels } from '@argus/model';
import type { SeriesRef } from '@argus/storage';
import type { Encoding } from './chunkenc/xor-chunk.ts';

/**
 * One encoded chunk of a series, as a block writer needs it.
 * `bytes` is the chunk's encoded data exactly as it goes into a chunk segment file
 * (for XOR: the 2-byte sample count header and the bit stream). Every sample in it
 * lies within [minTimeMs, maxTimeMs] (both inclusive, as in the index's chunk meta).
 */
export interface SourceChunk {
  readonly minTimeMs: number;
  readonly maxTimeMs: number;
  readonly encoding: Encoding;
  readonly bytes: Uint8Array;
}

/** A series read from a {@link BlockSource}: its labels and its chunks in the requested range. */
export interface SourceSeries {
  /** The series' ref inside the source (the head's `SeriesRef`); not a block index ref. */
  readonly ref: SeriesRef;
  readonly labels: Labels;
  /**
   * Chunks in time order, not overlapping, every sample inside the requested range
   * (chunks straddling the range edges, out-of-order data and deleted samples are
   * already re-encoded away). Never empty. Owned by the caller.
   */
  readonly chunks: readonly SourceChunk[];
}

/**
 * What a block writer reads to cut a block out of the head (upstream's `RangeHead`
 * handed to `LeveledCompactor.Write`).
 *
 * `series(minT, maxT)` returns every series with at least one sample in
 * [minT, maxT] (both inclusive, ms; for a block covering [mint, maxt) pass
 * maxt - 1), sorted by labels (`Labels.compare`), each with its samples in that
 * range as chunks of at most 120 samples (fewer only at chunk cuts). Samples are
 * read at call time: appends committed later are not included. Deleted ranges and
 * out-of-order samples are merged in, so the block holds exactly what a query of
 * the range would return.
 */
export interface BlockSource {
  /** Smallest and largest sample timestamp held, ms; `minTimeMs > maxTimeMs` when empty. */
  readonly minTimeMs: number;
  readonly maxTimeMs: number;
  series(minT: number, maxT: number): SourceSeries[];
}
