// Functions over range vectors (`rate`, `*_over_time`, …): one pass per series with two
// moving window bounds over a matrix selector or subquery, kernels from range-kernels.ts.
import { METRIC_NAME_LABEL } from '@argus/model';
import type { Call } from '../parser/ast.ts';
import { messages } from './annotations.ts';
import { EvaluationError } from './errors.ts';
import type { Evaluator } from './evaluator.ts';
import { mayCollideWithoutName, mergeSameLabels } from './label-collisions.ts';
import type { Grid } from './grid.ts';
import { anchoredFirst, extendedRate } from './extended-range.ts';
import { NAME_KEEPING_RANGE_FUNCTIONS, RANGE_KERNELS } from './range-kernels.ts';
import type { RangeWindow } from './range-kernels.ts';
import { StepVector } from './step-vector.ts';
import { absentLabels, unwrap } from './call-util.ts';

const ANCHORED_SAFE = ['changes', 'delta', 'increase', 'rate', 'resets'];

/** Range functions that read start times under `use-start-timestamps`. */
const START_TIMESTAMP_FUNCTIONS = new Set(['rate', 'increase', 'irate', 'resets']);

const SMOOTHED_SAFE = ['delta', 'increase', 'rate'];

const COUNTER_SUFFIXES = ['_total', '_sum', '_count', '_bucket'];

export async function evalRangeCall(
  ev: Evaluator,
  call: Call,
  rangeIdx: number,
  g: Grid,
): Promise<StepVector> {
  const name = call.func.name;
  const kernel = RANGE_KERNELS.get(name);
  if (!kernel) throw new EvaluationError(`function ${JSON.stringify(name)} is not supported`);
  const params: Float64Array[] = [];
  for (let i = 0; i < call.args.length; i++)
    if (i !== rangeIdx) params.push(await ev.evalScalar(call.args[i]!, g));

  const arg = unwrap(call.args[rangeIdx]!);
  const selector = arg.kind === 'MatrixSelector' ? arg.vectorSelector : undefined;
  if (selector?.anchored && !ANCHORED_SAFE.includes(name)) {
    throw new EvaluationError(
      `anchored modifier can only be used with: ${ANCHORED_SAFE.join(', ')} - not with ${name}`,
    );
  }
  if (selector?.smoothed && !SMOOTHED_SAFE.includes(name)) {
    throw new EvaluationError(
      `smoothed modifier can only be used with: ${SMOOTHED_SAFE.join(', ')} - not with ${name}`,
    );
  }
  if (name === 'quantile_over_time') {
    const qs = params[0]!;
    for (let k = 0; k < qs.length; k++) {
      const q = qs[k]!;
      if (Number.isNaN(q) || q < 0 || q > 1)
        ev.annotations.warn(messages.invalidQuantile(q), call.args[0]!.pos);
    }
  }

  const anchored = selector?.anchored === true;
  const smoothed = selector?.smoothed === true;
  const lookback = ev.opts.lookbackDeltaMs;
  const before = anchored || smoothed ? lookback : 0;
  const after = smoothed ? lookback : 0;
  const startTimestamps =
    ev.opts.useStartTimestamps && !anchored && !smoothed && START_TIMESTAMP_FUNCTIONS.has(name);
  const { series, rangeMs, refs } = await ev.rangeArgument(arg, g, before, after, startTimestamps);
  const extendedKernel = anchored || smoothed ? extendedKernelFor(name, smoothed) : undefined;
  const dropName = !NAME_KEEPING_RANGE_FUNCTIONS.has(name);
  const out = new StepVector(g.steps);
  const w: RangeWindow = {
    ts: new Float64Array(0),
    vs: new Float64Array(0),
    sts: undefined,
    overlap: false,
    lo: 0,
    hi: 0,
    start: 0,
    end: 0,
    rangeMs,
    evalMs: 0,
    params: new Array<number>(params.length),
  };
  const absentPresent = name === 'absent_over_time' ? new Uint8Array(g.steps) : undefined;
  let loaded = 0;
  let maxWindow = 0;
  const checkCounterName = name === 'rate' || name === 'increase';
  let lastMetric = '';
  for (const source of series) {
    ev.checkAbort();
    const s = source.load();
    w.ts = s.timestamps;
    w.vs = s.values;
    w.sts = s.startTimestamps;
    w.overlap = false;
    const values = new Float64Array(g.steps);
    const present = new Uint8Array(g.steps);
    let any = false;
    let lo = 0;
    let hi = 0;
    for (let k = 0; k < g.steps; k++) {
      const end = refs[k]!;
      const start = end - rangeMs;
      if (k > 0 && end < refs[k - 1]!) {
        lo = 0;
        hi = 0;
      }
      while (hi < s.length && s.timestamps[hi]! <= end + after) hi++;
      while (lo < hi && s.timestamps[lo]! <= start - before) lo++;
      if (hi === lo) continue;
      const size = hi - lo;
      loaded += size;
      if (size > maxWindow) maxWindow = size;
      if (absentPresent) {
        absentPresent[k] = 1;
        continue;
      }
      w.lo = lo;
      w.hi = hi;
      w.start = start;
      w.end = end;
      w.evalMs = g.times[k]!;
      for (let p = 0; p < params.length; p++) w.params[p] = params[p]![k]!;
      const r = extendedKernel ? extendedKernel(w) : kernel(w);
      if (r === undefined) continue;
      values[k] = r;
      present[k] = 1;
      any = true;
    }
    if (w.overlap) {
      ev.annotations.warn(
        messages.startTimeOverlap(s.labels.get(METRIC_NAME_LABEL)),
        call.args[rangeIdx]!.pos,
      );
    }
    if (!any) continue;
    out.adopt(dropName ? ev.derivedLabels(s.labels) : s.labels, dropName, values, present);
    if (checkCounterName) {
      // Series of one selector mostly share their name: check each name once in a row.
      const metric = s.labels.get(METRIC_NAME_LABEL);
      if (metric !== lastMetric) {
        lastMetric = metric;
        if (metric !== '' && !COUNTER_SUFFIXES.some((suffix) => metric.endsWith(suffix))) {
          ev.annotations.info(messages.possibleNonCounter(metric), call.args[rangeIdx]!.pos);
        }
      }
    }
  }
  ev.stats.totalQueryableSamples += loaded;
  // Like upstream: the largest window is in memory together with the output built so far.
  ev.hold(maxWindow);
  ev.release(maxWindow);
  ev.hold(out.pointCount());

  if (absentPresent) {
    const res = new StepVector(g.steps);
    const present = absentPresent.map((p) => 1 - p);
    res.adopt(absentLabels(call.args[rangeIdx]!), dropName, new Float64Array(g.steps).fill(1), present);
    return res.compact();
  }
  if (!ev.opts.delayedNameRemoval && dropName && mayCollideWithoutName(series.map((s) => s.labels)))
    return mergeSameLabels(out);
  return out;
}

/** The kernel of `name` for anchored or smoothed windows (which carry extra samples around the range). */
function extendedKernelFor(
  name: string,
  smoothed: boolean,
): ((w: RangeWindow) => number | undefined) | undefined {
  switch (name) {
    case 'rate':
      return (w) => extendedRate(w, smoothed, true, true);
    case 'increase':
      return (w) => extendedRate(w, smoothed, true, false);
    case 'delta':
      return (w) => extendedRate(w, smoothed, false, false);
    case 'changes':
    case 'resets': {
      const base = RANGE_KERNELS.get(name)!;
      return (w) => {
        const first = anchoredFirst(w);
        if (first === undefined) return undefined;
        const lo = w.lo;
        w.lo = first;
        const r = base(w);
        w.lo = lo;
        return r;
      };
    }
    default:
      return undefined;
  }
}
