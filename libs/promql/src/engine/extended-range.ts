import type { RangeWindow } from './range-kernels.ts';
import type { RangeSeries } from './step-vector.ts';

/**
 * The `anchored` and `smoothed` range modifiers (feature `promql-extended-range-selectors`).
 * Windows handed to these functions also contain the samples up to one lookback delta
 * before the range start (and, for `smoothed`, after its end); `w.start`/`w.end` are
 * the range itself.
 */

/** Index of the first i in [lo, hi) with pred(i), or hi (Go's sort.Search over a sub-slice). */
function search(lo: number, hi: number, pred: (i: number) => boolean): number {
  let a = lo;
  let b = hi;
  while (a < b) {
    const m = (a + b) >>> 1;
    if (pred(m)) b = m;
    else a = m + 1;
  }
  return a;
}

function interpolate(t1: number, v1: number, t2: number, v2: number, t: number, isCounter: boolean): number {
  const y1 = isCounter && v2 < v1 ? 0 : v1;
  return y1 + ((v2 - y1) * (t - t1)) / (t2 - t1);
}

/** rate/increase/delta over an anchored or smoothed window, as upstream's `extendedRate`. */
export function extendedRate(
  w: RangeWindow,
  smoothed: boolean,
  isCounter: boolean,
  isRate: boolean,
): number | undefined {
  const { ts, vs, lo, hi } = w;
  if (hi <= lo) return undefined;
  let last = hi - 1;
  let first = Math.max(lo, search(lo, last, (i) => ts[i]! > w.start) - 1);
  if (smoothed) last = search(lo, last, (i) => ts[i]! >= w.end);
  if (ts[last]! <= w.start) return undefined;
  // Smoothed: no estimate when every sample lies after the range.
  if (smoothed && ts[first]! > w.end) return undefined;
  const left =
    smoothed && ts[first]! < w.start && first + 1 < hi
      ? interpolate(ts[first]!, vs[first]!, ts[first + 1]!, vs[first + 1]!, w.start, isCounter)
      : vs[first]!;
  const right =
    smoothed && last > lo && ts[last]! > w.end
      ? interpolate(ts[last - 1]!, vs[last - 1]!, ts[last]!, vs[last]!, w.end, isCounter)
      : vs[last]!;
  let result = right - left;
  if (isCounter) {
    if (ts[first]! <= w.start) first++;
    if (ts[last]! >= w.end) last--;
    let correction = 0;
    let prev = left;
    for (let i = first; i <= last; i++) {
      if (vs[i]! < prev) correction += prev;
      prev = vs[i]!;
    }
    if (right < prev) correction += prev;
    result += correction;
  }
  if (isRate) result /= w.rangeMs / 1000;
  return result;
}

/** First sample index for `changes`/`resets` over an anchored window: the last sample at or before the range start. */
export function anchoredFirst(w: RangeWindow): number | undefined {
  const { ts, lo, hi } = w;
  if (hi <= lo || ts[hi - 1]! <= w.start) return undefined;
  return Math.max(lo, search(lo, hi - 1, (i) => ts[i]! > w.start) - 1);
}

/**
 * A smoothed instant selector at `ref`: the sample at `ref`, else the linear
 * interpolation between its neighbours, else the previous sample; `undefined` when
 * no sample precedes `ref`. `lo`/`hi` bound the samples within one lookback delta.
 */
export function smoothedValue(
  ts: Float64Array,
  vs: Float64Array,
  lo: number,
  hi: number,
  ref: number,
): number | undefined {
  const i = search(lo, hi, (j) => ts[j]! >= ref);
  if (i < hi && ts[i] === ref) return vs[i]!;
  if (i > lo && i < hi) return interpolate(ts[i - 1]!, vs[i - 1]!, ts[i]!, vs[i]!, ref, false);
  if (i > lo) return vs[i - 1]!;
  return undefined;
}

/**
 * A bare `x[r] anchored` / `x[r] smoothed` as a value, upstream's `extendFloats`: the
 * samples strictly inside `(mint, maxt)` between a point at `mint` (the sample at or
 * before it; for `smoothed` the interpolation across it) and one at `maxt` (the last
 * sample; for `smoothed` the interpolation across it). `undefined` when no sample lies
 * after `mint`. Interpolation treats the values as gauges, as upstream does.
 */
export function extendFloats(
  s: RangeSeries,
  mint: number,
  maxt: number,
  smoothed: boolean,
): RangeSeries | undefined {
  const { timestamps: ts, values: vs, length: n } = s;
  if (n === 0) return undefined;
  let last = n - 1;
  let first = Math.max(0, search(0, last, (i) => ts[i]! > mint) - 1);
  if (smoothed) last = search(0, last, (i) => ts[i]! >= maxt);
  if (ts[last]! <= mint) return undefined;
  const left =
    smoothed && ts[first]! < mint
      ? interpolate(ts[first]!, vs[first]!, ts[first + 1]!, vs[first + 1]!, mint, false)
      : vs[first]!;
  const right =
    smoothed && last > 0 && ts[last]! > maxt
      ? interpolate(ts[last - 1]!, vs[last - 1]!, ts[last]!, vs[last]!, maxt, false)
      : vs[last]!;
  if (ts[first]! <= mint) first++;
  if (ts[last]! >= maxt) last--;
  const inner = Math.max(last - first + 1, 0);
  const outT = new Float64Array(inner + 2);
  const outV = new Float64Array(inner + 2);
  outT[0] = mint;
  outV[0] = left;
  if (inner > 0) {
    outT.set(ts.subarray(first, last + 1), 1);
    outV.set(vs.subarray(first, last + 1), 1);
  }
  outT[inner + 1] = maxt;
  outV[inner + 1] = right;
  return { labels: s.labels, timestamps: outT, values: outV, length: inner + 2 };
}
