import { kahanPair } from './kahan.ts';
import { quantile } from './quantile.ts';
import { EvaluationError } from './errors.ts';

/**
 * The samples of one series inside one window: indices `lo` (inclusive) to `hi`
 * (exclusive) of `ts`/`vs`, for the left-open window `(start, end]` in ms.
 * `evalMs` is the evaluation time of the step (before offset), `params` the scalar
 * arguments of the call at this step. One object is reused for every window.
 * `sts` are the samples' start times (0 = unknown) when `use-start-timestamps` is on
 * and the argument is a plain range selector; a kernel sets `overlap` when it sees a
 * start time reaching back before the previous sample (upstream warns).
 */
export interface RangeWindow {
  ts: Float64Array;
  vs: Float64Array;
  sts: Float64Array | undefined;
  overlap: boolean;
  lo: number;
  hi: number;
  start: number;
  end: number;
  rangeMs: number;
  evalMs: number;
  params: number[];
}

/** A range-vector function over one window; `undefined` means no output sample. */
export type RangeKernel = (w: RangeWindow) => number | undefined;

/**
 * Whether a sample's start time marks a counter reset since the previous sample
 * (upstream's `isStartTimestampReset`): a start time after the previous sample, or
 * equal to it when the previous sample had a known, valid start time of its own
 * (a delta sample rather than a cumulative one with unknown start).
 */
export function isStartTimestampReset(prevSt: number, prevT: number, curSt: number, curT: number): boolean {
  if (curSt === 0 || curSt >= curT) return false;
  if (curSt < prevT) return false;
  if (curSt > prevT) return true;
  if (prevSt > prevT) return false;
  return prevSt !== 0 && prevSt !== prevT;
}

/**
 * rate/increase/delta with upstream's extrapolation (3.x rules: threshold before the
 * zero-point clamp). With start times, a reset they show counts like a value drop, and
 * a first sample whose start time lies inside the window is measured from a zero at that
 * start time instead of being extrapolated to the left (which also lets one sample do).
 */
function extrapolatedRate(w: RangeWindow, isCounter: boolean, isRate: boolean): number | undefined {
  const { ts, vs, lo, hi } = w;
  const sts = isCounter ? w.sts : undefined;
  const n = hi - lo;
  if (n < 2 && !sts) return undefined;
  const firstT = ts[lo]!;
  const lastT = ts[hi - 1]!;
  let result = vs[hi - 1]! - vs[lo]!;
  if (isCounter) {
    if (sts) {
      for (let i = lo + 1; i < hi; i++) {
        const prevSt = sts[i - 1]!;
        const st = sts[i]!;
        if (st !== 0 && st < ts[i - 1]! && st !== prevSt) w.overlap = true;
        if (vs[i]! < vs[i - 1]! || isStartTimestampReset(prevSt, ts[i - 1]!, st, ts[i]!))
          result += vs[i - 1]!;
      }
    } else {
      for (let i = lo + 1; i < hi; i++) if (vs[i]! < vs[i - 1]!) result += vs[i - 1]!;
    }
  }
  let durationToStart = (firstT - w.start) / 1000;
  let durationToEnd = (w.end - lastT) / 1000;
  let sampledInterval = (lastT - firstT) / 1000;
  const averageDurationBetweenSamples = n > 1 ? sampledInterval / (n - 1) : 0;
  const extrapolationThreshold = averageDurationBetweenSamples * 1.1;
  const st0 = sts ? sts[lo]! : 0;
  if (st0 !== 0 && st0 > w.start && st0 < firstT) {
    // A zero at the first sample's start time, inside the window: no left extrapolation.
    durationToStart = 0;
    sampledInterval = (lastT - st0) / 1000;
    result += vs[lo]!;
  } else if (n < 2) {
    return undefined;
  } else {
    if (durationToStart >= extrapolationThreshold) durationToStart = averageDurationBetweenSamples / 2;
    if (isCounter) {
      let durationToZero = durationToStart;
      if (result > 0 && vs[lo]! >= 0) durationToZero = sampledInterval * (vs[lo]! / result);
      if (durationToZero < durationToStart) durationToStart = durationToZero;
    }
  }
  if (durationToEnd >= extrapolationThreshold) durationToEnd = averageDurationBetweenSamples / 2;
  let factor =
    sampledInterval !== 0 ? (sampledInterval + durationToStart + durationToEnd) / sampledInterval : 1;
  if (isRate) factor /= w.rangeMs / 1000;
  return result * factor;
}

function instantValue(w: RangeWindow, isRate: boolean): number | undefined {
  const { ts, vs, hi } = w;
  if (hi - w.lo < 2) return undefined;
  const t1 = ts[hi - 1]!;
  const t0 = ts[hi - 2]!;
  const sampledInterval = t1 - t0;
  if (sampledInterval === 0) return undefined;
  const sts = w.sts;
  const reset =
    vs[hi - 1]! < vs[hi - 2]! ||
    (sts !== undefined && isStartTimestampReset(sts[hi - 2]!, t0, sts[hi - 1]!, t1));
  let result = vs[hi - 1]!;
  if (!isRate || !reset) result = vs[hi - 1]! - vs[hi - 2]!;
  if (isRate) result /= sampledInterval / 1000;
  return result;
}

/** Least-squares slope and intercept at `interceptMs`, Kahan-summed, as upstream's `linearRegression`. */
export function linearRegression(w: RangeWindow, interceptMs: number): [number, number] {
  const { ts, vs, lo, hi } = w;
  let n = 0;
  let sumX = 0,
    cX = 0,
    sumY = 0,
    cY = 0,
    sumXY = 0,
    cXY = 0,
    sumX2 = 0,
    cX2 = 0;
  const initY = vs[lo]!;
  let constY = true;
  for (let i = lo; i < hi; i++) {
    const y = vs[i]!;
    if (constY && i > lo && y !== initY) constY = false;
    n += 1;
    const x = (ts[i]! - interceptMs) / 1000;
    [sumX, cX] = kahanPair(x, sumX, cX);
    [sumY, cY] = kahanPair(y, sumY, cY);
    [sumXY, cXY] = kahanPair(x * y, sumXY, cXY);
    [sumX2, cX2] = kahanPair(x * x, sumX2, cX2);
  }
  if (constY) {
    if (!Number.isFinite(initY) && !Number.isNaN(initY)) return [NaN, NaN];
    return [0, initY];
  }
  sumX += cX;
  sumY += cY;
  sumXY += cXY;
  sumX2 += cX2;
  const covXY = sumXY - (sumX * sumY) / n;
  const varX = sumX2 - (sumX * sumX) / n;
  const slope = covXY / varX;
  return [slope, sumY / n - (slope * sumX) / n];
}

function avgOverTime(w: RangeWindow): number {
  const { vs, lo, hi } = w;
  let sum = vs[lo]!;
  let count = 1;
  let mean = 0;
  let c = 0;
  let incremental = false;
  for (let i = lo + 1; i < hi; i++) {
    const f = vs[i]!;
    count = i - lo + 1;
    if (!incremental) {
      const [newSum, newC] = kahanPair(f, sum, c);
      if (newSum !== Infinity && newSum !== -Infinity) {
        sum = newSum;
        c = newC;
        continue;
      }
      incremental = true;
      mean = sum / (count - 1);
      c /= count - 1;
    }
    const q = (count - 1) / count;
    [mean, c] = kahanPair(f / count, q * mean, q * c);
  }
  if (incremental) return mean + c;
  return sum / count + c / count;
}

function variance(w: RangeWindow): number {
  const { vs, lo, hi } = w;
  let count = 0;
  let mean = 0,
    cMean = 0,
    aux = 0,
    cAux = 0;
  for (let i = lo; i < hi; i++) {
    const f = vs[i]!;
    count++;
    const delta = f - (mean + cMean);
    [mean, cMean] = kahanPair(delta / count, mean, cMean);
    [aux, cAux] = kahanPair(delta * (f - (mean + cMean)), aux, cAux);
  }
  return (aux + cAux) / count;
}

function compareOverTime(
  w: RangeWindow,
  better: (cur: number, best: number) => boolean,
  timestamp: boolean,
): number {
  const { ts, vs, lo, hi } = w;
  let best = vs[lo]!;
  let bestT = ts[lo]!;
  for (let i = lo; i < hi; i++) {
    if (better(vs[i]!, best)) {
      best = vs[i]!;
      bestT = ts[i]!;
    }
  }
  return timestamp ? bestT / 1000 : best;
}

function goFloatF(v: number): string {
  return Number.isFinite(v) ? v.toFixed(6) : Number.isNaN(v) ? 'NaN' : v > 0 ? '+Inf' : '-Inf';
}

function doubleExponentialSmoothing(w: RangeWindow): number | undefined {
  const [sf, tf] = w.params as [number, number];
  if (!(sf > 0 && sf < 1))
    throw new EvaluationError(`invalid smoothing factor. Expected: 0 < sf < 1, got: ${goFloatF(sf)}`);
  if (!(tf > 0 && tf < 1))
    throw new EvaluationError(`invalid trend factor. Expected: 0 < tf < 1, got: ${goFloatF(tf)}`);
  const { vs, lo, hi } = w;
  const l = hi - lo;
  if (l < 2) return undefined;
  let s0 = 0;
  let s1 = vs[lo]!;
  let b = vs[lo + 1]! - vs[lo]!;
  for (let i = 1; i < l; i++) {
    const x = sf * vs[lo + i]!;
    if (i - 1 !== 0) b = tf * (s1 - s0) + (1 - tf) * b;
    const y = (1 - sf) * (s1 + b);
    s0 = s1;
    s1 = x + y;
  }
  return s1;
}

function sumOverTime(w: RangeWindow): number {
  let sum = 0;
  let c = 0;
  for (let i = w.lo; i < w.hi; i++) [sum, c] = kahanPair(w.vs[i]!, sum, c);
  return sum === Infinity || sum === -Infinity ? sum : sum + c;
}

function changes(w: RangeWindow): number {
  let n = 0;
  for (let i = w.lo + 1; i < w.hi; i++) {
    const cur = w.vs[i]!;
    const prev = w.vs[i - 1]!;
    if (cur !== prev && !(Number.isNaN(cur) && Number.isNaN(prev))) n++;
  }
  return n;
}

function resets(w: RangeWindow): number {
  let n = 0;
  const { ts, vs, sts } = w;
  for (let i = w.lo + 1; i < w.hi; i++) {
    if (
      vs[i]! < vs[i - 1]! ||
      (sts !== undefined && isStartTimestampReset(sts[i - 1]!, ts[i - 1]!, sts[i]!, ts[i]!))
    )
      n++;
  }
  return n;
}

function windowValues(w: RangeWindow): Float64Array {
  return w.vs.slice(w.lo, w.hi);
}

/** Every range-vector function on float samples, by name. Windows passed in are never empty. */
export const RANGE_KERNELS: ReadonlyMap<string, RangeKernel> = new Map<string, RangeKernel>([
  ['rate', (w) => extrapolatedRate(w, true, true)],
  ['increase', (w) => extrapolatedRate(w, true, false)],
  ['delta', (w) => extrapolatedRate(w, false, false)],
  ['irate', (w) => instantValue(w, true)],
  ['idelta', (w) => instantValue(w, false)],
  ['deriv', (w) => (w.hi - w.lo < 2 ? undefined : linearRegression(w, w.ts[w.lo]!)[0])],
  [
    'predict_linear',
    (w) => {
      if (w.hi - w.lo < 2) return undefined;
      const [slope, intercept] = linearRegression(w, w.evalMs);
      return slope * w.params[0]! + intercept;
    },
  ],
  ['avg_over_time', avgOverTime],
  ['sum_over_time', sumOverTime],
  ['count_over_time', (w) => w.hi - w.lo],
  ['present_over_time', () => 1],
  ['last_over_time', (w) => w.vs[w.hi - 1]!],
  ['first_over_time', (w) => w.vs[w.lo]!],
  ['ts_of_last_over_time', (w) => w.ts[w.hi - 1]! / 1000],
  ['ts_of_first_over_time', (w) => w.ts[w.lo]! / 1000],
  ['max_over_time', (w) => compareOverTime(w, (c, b) => c > b || Number.isNaN(b), false)],
  ['min_over_time', (w) => compareOverTime(w, (c, b) => c < b || Number.isNaN(b), false)],
  ['ts_of_max_over_time', (w) => compareOverTime(w, (c, b) => c >= b || Number.isNaN(b), true)],
  ['ts_of_min_over_time', (w) => compareOverTime(w, (c, b) => c <= b || Number.isNaN(b), true)],
  ['stdvar_over_time', variance],
  ['stddev_over_time', (w) => Math.sqrt(variance(w))],
  ['quantile_over_time', (w) => quantile(w.params[0]!, windowValues(w))],
  [
    'mad_over_time',
    (w) => {
      // A NaN makes the median, and so the deviation, undefined: NaN rather than dropping it.
      for (let i = w.lo; i < w.hi; i++) if (Number.isNaN(w.vs[i]!)) return NaN;
      const values = windowValues(w);
      const median = quantile(0.5, values);
      for (let i = 0; i < values.length; i++) values[i] = Math.abs(values[i]! - median);
      return quantile(0.5, values);
    },
  ],
  ['changes', changes],
  ['resets', resets],
  ['double_exponential_smoothing', doubleExponentialSmoothing],
  ['absent_over_time', () => 1],
]);

/** Range functions that keep `__name__` (they act like an offset). */
export const NAME_KEEPING_RANGE_FUNCTIONS: ReadonlySet<string> = new Set([
  'last_over_time',
  'first_over_time',
]);
