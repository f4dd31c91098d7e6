import type { Labels, Matcher } from '@argus/model';

/**
 * Samples of one series within a time range, in strictly increasing timestamp order,
 * as two parallel columns. `length` may be less than the arrays' capacity.
 * StaleNaN values are included as stored.
 */
export interface SampleBlock {
  readonly length: number;
  readonly timestamps: Float64Array;
  readonly values: Float64Array;
  /**
   * Start time (ms) of each sample, parallel to `timestamps`; 0 where unknown. Absent when
   * the storage keeps no start times for these samples (most storages): read it as all 0.
   */
  readonly startTimestamps?: Float64Array;
}

/** A series selected by a querier: its labels and its samples within the querier's range. */
export interface Series {
  readonly labels: Labels;
  /**
   * Decodes the samples with `minT <= t <= maxT` (both in ms, clamped to the querier's
   * range). Synchronous: whatever I/O was needed happened in {@link Querier.select}.
   */
  samples(minT: number, maxT: number): SampleBlock;
}

/**
 * Hints from the query engine that a storage may use to read less; a storage that
 * ignores them must still answer correctly.
 */
export interface SelectHints {
  /** Range the query needs, in ms, inclusive. */
  readonly startMs: number;
  readonly endMs: number;
  /** Range query step, 0 for instant queries. */
  readonly stepMs?: number;
  /** Range of the range-vector selector around this select (e.g. 5m for `rate(x[5m])`), 0 otherwise. */
  readonly rangeMs?: number;
  /** The function wrapping the selector, e.g. `rate`, or `series` for metadata-only selects. */
  readonly func?: string;
  /** Grouping labels of an enclosing aggregation and whether they are `by` (true) or `without`. */
  readonly grouping?: readonly string[];
  readonly by?: boolean;
}

/** Reads series over a fixed time range [minT, maxT]. Close when done. */
export interface Querier {
  /**
   * The series matching all matchers with at least one sample in the querier's range,
   * sorted by labels when `sortSeries` is true. Merges every source (head, blocks)
   * so that a series appears once.
   */
  select(matchers: readonly Matcher[], hints?: SelectHints, sortSeries?: boolean): Promise<Series[]>;
  /** Sorted, unique label names of series matching the matchers (all series when none). */
  labelNames(matchers?: readonly Matcher[]): Promise<string[]>;
  /** Sorted, unique values of `name` across series matching the matchers. */
  labelValues(name: string, matchers?: readonly Matcher[]): Promise<string[]>;
  close(): Promise<void>;
}

/** Something that opens queriers: the tsdb, an in-memory storage, a remote-read client. */
export interface Queryable {
  querier(minT: number, maxT: number): Promise<Querier>;
}
