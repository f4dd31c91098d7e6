import { Labels, matchesAll } from '@argus/model';
import type { Matcher } from '@argus/model';
import type { Appendable, Appender, SeriesRef } from './appender.ts';
import { DuplicateSampleError, OutOfOrderSampleError, StorageError } from './errors.ts';
import type { Querier, Queryable, SampleBlock, SelectHints, Series } from './queryable.ts';

/** One stored series: its labels and growable, time-ordered sample columns. */
class MemSeries {
  timestamps = new Float64Array(8);
  values = new Float64Array(8);
  /** Start times, allocated with the first sample that has one; 0 where unknown. */
  startTimestamps: Float64Array | undefined;
  length = 0;

  constructor(
    readonly ref: SeriesRef,
    readonly labels: Labels,
  ) {}

  get maxTime(): number {
    return this.length === 0 ? -Infinity : this.timestamps[this.length - 1]!;
  }

  get lastValue(): number {
    return this.values[this.length - 1]!;
  }

  push(t: number, v: number, st: number): void {
    if (this.length === this.timestamps.length) {
      const ts = new Float64Array(this.length * 2);
      ts.set(this.timestamps);
      const vs = new Float64Array(this.length * 2);
      vs.set(this.values);
      this.timestamps = ts;
      this.values = vs;
      if (this.startTimestamps) {
        const sts = new Float64Array(this.length * 2);
        sts.set(this.startTimestamps);
        this.startTimestamps = sts;
      }
    }
    if (st !== 0) this.startTimestamps ??= new Float64Array(this.timestamps.length);
    if (this.startTimestamps) this.startTimestamps[this.length] = st;
    this.timestamps[this.length] = t;
    this.values[this.length] = v;
    this.length++;
  }

  /** Index of the first sample with timestamp >= t. */
  lowerBound(t: number): number {
    let lo = 0;
    let hi = this.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.timestamps[mid]! < t) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

/** An empty label set or a label set with an empty name; upstream: "empty labelset" / "label name is empty". */
export class InvalidSeriesLabelsError extends StorageError {
  constructor(message: string) {
    super('invalid_series_labels', message);
  }
}

const bitsA = new Float64Array(1);
const bitsB = new Float64Array(1);
const wordsA = new Uint32Array(bitsA.buffer);
const wordsB = new Uint32Array(bitsB.buffer);

/** Bit-for-bit float equality, so StaleNaN and NaN differ and NaN equals itself (upstream compares `math.Float64bits`). */
function sameBits(a: number, b: number): boolean {
  bitsA[0] = a;
  bitsB[0] = b;
  return wordsA[0] === wordsB[0] && wordsA[1] === wordsB[1];
}

interface Pending {
  series: MemSeries | undefined;
  labels: Labels;
  t: number;
  v: number;
  st: number;
}

/**
 * The reference storage: every sample in memory, no retention, no out-of-order window.
 * Appends follow the head's rules: a sample older than its series' newest is
 * {@link OutOfOrderSampleError}; the same timestamp with different value bits is
 * {@link DuplicateSampleError}; the same timestamp and bits is accepted and ignored.
 * StaleNaN is stored as written, and so are start timestamps (0 = unknown), which
 * {@link SampleBlock.startTimestamps} hands back. Small and obviously correct rather than fast.
 */
export class InMemoryStorage implements Appendable, Queryable {
  readonly #byHash = new Map<number, MemSeries[]>();
  readonly #byRef: MemSeries[] = [];

  appender(): Appender {
    return new InMemoryAppender(this);
  }

  async querier(minT: number, maxT: number): Promise<Querier> {
    return new InMemoryQuerier([...this.#byRef], minT, maxT);
  }

  /** Number of series stored. */
  get seriesCount(): number {
    return this.#byRef.length;
  }

  /** The stored series with exactly these labels, if any. */
  lookup(labels: Labels): MemSeries | undefined {
    return this.#byHash.get(labels.hash())?.find((s) => s.labels.equals(labels));
  }

  byRef(ref: SeriesRef): MemSeries | undefined {
    return ref > 0 ? this.#byRef[ref - 1] : undefined;
  }

  getOrCreate(labels: Labels): MemSeries {
    const existing = this.lookup(labels);
    if (existing) return existing;
    const series = new MemSeries(this.#byRef.length + 1, labels);
    this.#byRef.push(series);
    const bucket = this.#byHash.get(labels.hash());
    if (bucket) bucket.push(series);
    else this.#byHash.set(labels.hash(), [series]);
    return series;
  }
}

class InMemoryAppender implements Appender {
  readonly #storage: InMemoryStorage;
  #pending: Pending[] = [];
  /** Newest pending (t, v) per series key, so appends within one batch are checked against each other. */
  readonly #latest = new Map<string, { t: number; v: number }>();
  #done = false;

  constructor(storage: InMemoryStorage) {
    this.#storage = storage;
  }

  append(
    ref: SeriesRef,
    labels: Labels,
    timestampMs: number,
    value: number,
    startTimestampMs = 0,
  ): SeriesRef {
    if (this.#done) throw new StorageError('appender_closed', 'appender already committed or rolled back');
    let series = this.#storage.byRef(ref);
    if (series && !series.labels.equals(labels)) series = undefined;
    series ??= this.#storage.lookup(labels);
    if (!series) validate(labels);
    const key = series ? `#${series.ref}` : labels.flat.join('\xff');
    const latest =
      this.#latest.get(key) ??
      (series && series.length > 0 ? { t: series.maxTime, v: series.lastValue } : undefined);
    if (latest) {
      if (timestampMs < latest.t) throw new OutOfOrderSampleError();
      if (timestampMs === latest.t) {
        if (!sameBits(value, latest.v)) throw new DuplicateSampleError();
        return series?.ref ?? 0;
      }
    }
    this.#latest.set(key, { t: timestampMs, v: value });
    this.#pending.push({ series, labels, t: timestampMs, v: value, st: startTimestampMs });
    return series?.ref ?? 0;
  }

  async commit(): Promise<void> {
    this.#close();
    for (const p of this.#pending) {
      const series = p.series ?? this.#storage.getOrCreate(p.labels);
      series.push(p.t, p.v, p.st);
    }
    this.#pending = [];
  }

  async rollback(): Promise<void> {
    this.#close();
    this.#pending = [];
  }

  #close(): void {
    if (this.#done) throw new StorageError('appender_closed', 'appender already committed or rolled back');
    this.#done = true;
  }
}

function validate(labels: Labels): void {
  if (labels.size === 0) throw new InvalidSeriesLabelsError('empty labelset');
  labels.forEach((name) => {
    if (name === '') throw new InvalidSeriesLabelsError('label name is empty');
  });
}

class InMemoryQuerier implements Querier {
  constructor(
    readonly series: readonly MemSeries[],
    readonly minT: number,
    readonly maxT: number,
  ) {}

  async select(matchers: readonly Matcher[], _hints?: SelectHints, sortSeries?: boolean): Promise<Series[]> {
    const out: Series[] = [];
    for (const s of this.#matching(matchers)) {
      const lo = s.lowerBound(this.minT);
      if (lo >= s.length || s.timestamps[lo]! > this.maxT) continue;
      out.push(new MemSeriesView(s, this.minT, this.maxT, s.length));
    }
    if (sortSeries) out.sort((a, b) => Labels.compare(a.labels, b.labels));
    return out;
  }

  async labelNames(matchers: readonly Matcher[] = []): Promise<string[]> {
    const names = new Set<string>();
    for (const s of this.#matching(matchers)) if (this.#hasSamples(s)) s.labels.forEach((n) => names.add(n));
    return [...names].sort(compareBytes);
  }

  async labelValues(name: string, matchers: readonly Matcher[] = []): Promise<string[]> {
    const values = new Set<string>();
    for (const s of this.#matching(matchers)) {
      const v = s.labels.get(name);
      if (v !== '' && this.#hasSamples(s)) values.add(v);
    }
    return [...values].sort(compareBytes);
  }

  async close(): Promise<void> {}

  #hasSamples(s: MemSeries): boolean {
    const lo = s.lowerBound(this.minT);
    return lo < s.length && s.timestamps[lo]! <= this.maxT;
  }

  *#matching(matchers: readonly Matcher[]): Iterable<MemSeries> {
    for (const s of this.series) if (matchesAll(matchers, (n) => s.labels.get(n))) yield s;
  }
}

/** A series as one querier sees it: samples visible at select time, clamped to the querier's range. */
class MemSeriesView implements Series {
  constructor(
    readonly series: MemSeries,
    readonly minT: number,
    readonly maxT: number,
    readonly visibleLength: number,
  ) {}

  get labels(): Labels {
    return this.series.labels;
  }

  samples(minT: number, maxT: number): SampleBlock {
    const s = this.series;
    const lo = s.lowerBound(Math.max(minT, this.minT));
    let hi = s.lowerBound(Math.min(maxT, this.maxT) + 1);
    if (hi > this.visibleLength) hi = this.visibleLength;
    const length = Math.max(0, hi - lo);
    const block = {
      length,
      timestamps: s.timestamps.subarray(lo, lo + length),
      values: s.values.subarray(lo, lo + length),
    };
    return s.startTimestamps
      ? { ...block, startTimestamps: s.startTimestamps.subarray(lo, lo + length) }
      : block;
  }
}

/** Go string order: UTF-8 byte order, which is code-point order (not UTF-16 order). */
function compareBytes(a: string, b: string): number {
  if (a === b) return 0;
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}
