import type { Labels } from '@argus/model';

/**
 * A reference to a series inside one storage, returned by {@link Appender.append} and
 * accepted by later appends to skip the label lookup. 0 means "unknown".
 */
export type SeriesRef = number;

/**
 * Buffers samples and makes them visible atomically on {@link commit}. One appender
 * serves one writer (a scrape, a remote-write request) and is not reused after
 * commit or rollback.
 *
 * `append` validates eagerly: it throws `OutOfOrderSampleError`, `DuplicateSampleError`,
 * `OutOfBoundsError` or `TooOldSampleError` for a sample the storage will refuse,
 * and the caller decides whether to go on with the rest.
 */
export interface Appender {
  /**
   * Adds one float sample. `ref` is a hint from an earlier append of the same series
   * (0 if none); the returned ref is valid for later appends to this storage.
   * `value` may be StaleNaN, which marks the series stale at `timestampMs`.
   * `startTimestampMs` is the sample's start time (OpenTelemetry/created timestamp), 0 or
   * omitted when unknown; a storage that keeps no start times ignores it.
   */
  append(
    ref: SeriesRef,
    labels: Labels,
    timestampMs: number,
    value: number,
    startTimestampMs?: number,
  ): SeriesRef;
  /** Makes every sample appended so far durable (per the storage's policy) and visible. */
  commit(): Promise<void>;
  /** Discards every sample appended so far. */
  rollback(): Promise<void>;
}

/** Something that hands out appenders: the head, a remote-write sender, a fan-out. */
export interface Appendable {
  appender(): Appender;
}
