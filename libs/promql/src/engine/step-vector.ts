import { isStaleNaN } from '@argus/model';
import type { Labels } from '@argus/model';

/**
 * An instant vector evaluated at every step of a query, stored by column: for series i,
 * `values[i][k]` is its value at step k when `present[i][k]` is 1. Series without any
 * present step may exist until {@link StepVector.compact}. `dropName[i]` marks series
 * whose `__name__` is removed at the end of the query (delayed name removal).
 * The order of series is the result order of instant queries.
 */
export class StepVector {
  readonly labels: Labels[] = [];
  readonly dropName: boolean[] = [];
  readonly values: Float64Array[] = [];
  readonly present: Uint8Array[] = [];

  constructor(readonly steps: number) {}

  get length(): number {
    return this.labels.length;
  }

  /** Appends an empty series and returns its index. */
  add(labels: Labels, dropName: boolean): number {
    this.labels.push(labels);
    this.dropName.push(dropName);
    this.values.push(new Float64Array(this.steps));
    this.present.push(new Uint8Array(this.steps));
    return this.labels.length - 1;
  }

  /** Appends a series sharing the given columns (no copy). */
  adopt(labels: Labels, dropName: boolean, values: Float64Array, present: Uint8Array): number {
    this.labels.push(labels);
    this.dropName.push(dropName);
    this.values.push(values);
    this.present.push(present);
    return this.labels.length - 1;
  }

  /** Number of present points over all series and steps. */
  pointCount(): number {
    let n = 0;
    for (const p of this.present) for (let k = 0; k < p.length; k++) n += p[k]!;
    return n;
  }

  /** A copy without the series that are present at no step. */
  compact(): StepVector {
    const out = new StepVector(this.steps);
    for (let i = 0; i < this.length; i++) {
      if (this.present[i]!.includes(1))
        out.adopt(this.labels[i]!, this.dropName[i]!, this.values[i]!, this.present[i]!);
    }
    return out;
  }
}

/**
 * Samples of one series as parallel columns, StaleNaN already removed; what range
 * functions consume. The columns may be longer than `length` (storage capacity):
 * only the first `length` entries are samples.
 */
export interface RangeSeries {
  readonly labels: Labels;
  readonly timestamps: Float64Array;
  readonly values: Float64Array;
  readonly length: number;
  /** Start time (ms, 0 = unknown) per sample, when the selector read them (`use-start-timestamps`). */
  readonly startTimestamps?: Float64Array;
}

/** A key for a label set, equal exactly when the label sets are equal. */
export function labelsKey(labels: Labels): string {
  return labels.flat.join('\xff');
}

const encoder = new TextEncoder();

/** Prometheus label-set order: name by name then value, byte-wise (UTF-8), shorter first. */
export function compareLabels(a: Labels, b: Labels): number {
  const x = a.flat;
  const y = b.flat;
  const n = Math.min(x.length, y.length);
  for (let i = 0; i < n; i++) {
    if (x[i] !== y[i]) return compareUtf8(x[i]!, y[i]!);
  }
  return x.length - y.length;
}

/** Compares strings by their UTF-8 bytes (Go string order). */
export function compareUtf8(a: string, b: string): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const ca = a.charCodeAt(i);
    const cb = b.charCodeAt(i);
    if (ca === cb) continue;
    // Surrogates (U+D800–DFFF) encode code points above U+FFFF, which sort after U+E000–FFFF in UTF-8.
    if (ca >= 0xd800 && cb >= 0xd800) {
      const ea = encoder.encode(a.slice(i));
      const eb = encoder.encode(b.slice(i));
      return Buffer.compare(ea, eb);
    }
    return ca - cb;
  }
  return a.length - b.length;
}

/** Copies samples (and start times, if given) without StaleNaN into fresh columns. */
export function withoutStale(
  labels: Labels,
  ts: Float64Array,
  vs: Float64Array,
  length: number,
  sts?: Float64Array,
): RangeSeries {
  let stale = 0;
  for (let i = 0; i < length; i++) {
    const v = vs[i]!;
    if (v !== v && isStaleNaN(v)) stale++;
  }
  if (stale === 0) {
    // The storage's columns as they are (possibly with spare capacity past `length`):
    // cutting views costs two objects per series and every reader bounds by `length`.
    if (!sts) return { labels, timestamps: ts, values: vs, length };
    return { labels, timestamps: ts, values: vs, length, startTimestamps: sts };
  }
  const n = length - stale;
  const t2 = new Float64Array(n);
  const v2 = new Float64Array(n);
  const st2 = sts ? new Float64Array(n) : undefined;
  let j = 0;
  for (let i = 0; i < length; i++) {
    const v = vs[i]!;
    if (v !== v && isStaleNaN(v)) continue;
    if (st2) st2[j] = sts![i]!;
    t2[j] = ts[i]!;
    v2[j++] = v;
  }
  return st2
    ? { labels, timestamps: t2, values: v2, length: n, startTimestamps: st2 }
    : { labels, timestamps: t2, values: v2, length: n };
}
