import { Labels, METRIC_NAME_LABEL, isValidLabelName } from '@argus/model';
import RE2 from 're2';
import type { Call, Expr, VectorSelector } from '../parser/ast.ts';
import { messages } from './annotations.ts';
import { EvaluationError } from './errors.ts';
import type { Evaluator, Value } from './evaluator.ts';
import { mayCollideWithoutName, mergeSameLabels } from './evaluator.ts';
import type { Grid } from './grid.ts';
import { evalInfo } from './info.ts';
import { anchoredFirst, extendedRate } from './extended-range.ts';
import { bucketFraction, bucketQuantile } from './quantile.ts';
import type { Bucket } from './quantile.ts';
import { NAME_KEEPING_RANGE_FUNCTIONS, RANGE_KERNELS } from './range-kernels.ts';
import type { RangeWindow } from './range-kernels.ts';
import { StepVector, compareLabels } from './step-vector.ts';

type Fn1 = (v: number) => number;

const MATH: ReadonlyMap<string, Fn1> = new Map<string, Fn1>([
  ['abs', Math.abs],
  ['ceil', Math.ceil],
  ['floor', Math.floor],
  ['exp', Math.exp],
  ['sqrt', Math.sqrt],
  ['ln', Math.log],
  ['log2', Math.log2],
  ['log10', Math.log10],
  ['sin', Math.sin],
  ['cos', Math.cos],
  ['tan', Math.tan],
  ['asin', Math.asin],
  ['acos', Math.acos],
  ['atan', Math.atan],
  ['sinh', Math.sinh],
  ['cosh', Math.cosh],
  ['tanh', Math.tanh],
  ['asinh', Math.asinh],
  ['acosh', Math.acosh],
  ['atanh', Math.atanh],
  ['rad', (v) => (v * Math.PI) / 180],
  ['deg', (v) => (v * 180) / Math.PI],
  ['sgn', (v) => (v < 0 ? -1 : v > 0 ? 1 : v)],
]);

const DATE: ReadonlyMap<string, (d: Date) => number> = new Map<string, (d: Date) => number>([
  ['year', (d) => d.getUTCFullYear()],
  ['month', (d) => d.getUTCMonth() + 1],
  ['day_of_month', (d) => d.getUTCDate()],
  ['day_of_week', (d) => d.getUTCDay()],
  ['hour', (d) => d.getUTCHours()],
  ['minute', (d) => d.getUTCMinutes()],
  [
    'day_of_year',
    (d) =>
      Math.floor(
        (Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()) - Date.UTC(d.getUTCFullYear(), 0, 1)) /
          86400000,
      ) + 1,
  ],
  ['days_in_month', (d) => new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0)).getUTCDate()],
]);

const ANCHORED_SAFE = ['changes', 'delta', 'increase', 'rate', 'resets'];
/** Range functions that read start times under `use-start-timestamps`. */
const START_TIMESTAMP_FUNCTIONS = new Set(['rate', 'increase', 'irate', 'resets']);
const SMOOTHED_SAFE = ['delta', 'increase', 'rate'];

function unwrap(e: Expr): Expr {
  while (e.kind === 'ParenExpr') e = e.expr;
  return e;
}

function stringArg(e: Expr): string {
  const u = unwrap(e);
  if (u.kind !== 'StringLiteral') throw new EvaluationError('expected string literal');
  return u.value;
}

/** Evaluates a function call over the grid. */
export async function evalCall(ev: Evaluator, e: Expr, g: Grid): Promise<Value> {
  const call = e as Call;
  const name = call.func.name;
  const args = call.args;

  const rangeIdx = args.findIndex((a) => {
    const u = unwrap(a);
    return u.kind === 'MatrixSelector' || u.kind === 'SubqueryExpr';
  });
  if (rangeIdx >= 0) return { kind: 'vector', vec: await evalRangeCall(ev, call, rangeIdx, g) };

  switch (name) {
    case 'info':
      return { kind: 'vector', vec: await evalInfo(ev, call, g) };
    case 'min_of':
    case 'max_of': {
      const a = await ev.evalScalar(args[0]!, g);
      const b = await ev.evalScalar(args[1]!, g);
      const f = name === 'min_of' ? Math.min : Math.max;
      return { kind: 'scalar', values: a.map((x, k) => f(x, b[k]!)) };
    }
    case 'time':
      return { kind: 'scalar', values: g.times.map((t) => t / 1000) };
    case 'pi':
      return { kind: 'scalar', values: new Float64Array(g.steps).fill(Math.PI) };
    case 'start':
      return { kind: 'scalar', values: new Float64Array(g.steps).fill(ev.opts.queryStartMs / 1000) };
    case 'end':
      return { kind: 'scalar', values: new Float64Array(g.steps).fill(ev.opts.queryEndMs / 1000) };
    case 'range':
      return {
        kind: 'scalar',
        values: new Float64Array(g.steps).fill((ev.opts.queryEndMs - ev.opts.queryStartMs) / 1000),
      };
    case 'step':
      return { kind: 'scalar', values: new Float64Array(g.steps).fill(ev.opts.queryStepMs / 1000) };
    case 'scalar': {
      const vec = await ev.evalVector(args[0]!, g);
      const out = new Float64Array(g.steps);
      for (let k = 0; k < g.steps; k++) {
        let found = -1;
        for (let i = 0; i < vec.length; i++) {
          if (!vec.present[i]![k]) continue;
          found = found === -1 ? i : -2;
          if (found === -2) break;
        }
        out[k] = found >= 0 ? vec.values[found]![k]! : NaN;
      }
      return { kind: 'scalar', values: out };
    }
    case 'vector': {
      const s = await ev.evalScalar(args[0]!, g);
      const out = new StepVector(g.steps);
      out.adopt(Labels.EMPTY, false, s, new Uint8Array(g.steps).fill(1));
      return { kind: 'vector', vec: out };
    }
    case 'absent': {
      const vec = await ev.evalVector(args[0]!, g);
      const out = new StepVector(g.steps);
      const present = new Uint8Array(g.steps);
      for (let k = 0; k < g.steps; k++) {
        let any = false;
        for (let i = 0; i < vec.length && !any; i++) any = vec.present[i]![k] === 1;
        present[k] = any ? 0 : 1;
      }
      out.adopt(absentLabels(args[0]!), false, new Float64Array(g.steps).fill(1), present);
      return { kind: 'vector', vec: out.compact() };
    }
    case 'timestamp': {
      const arg = unwrap(args[0]!);
      if (arg.kind === 'VectorSelector') {
        const vec = await ev.vectorSelector(arg, g, 'timestamp');
        return { kind: 'vector', vec: mapSeries(ev, vec, true, (v) => v) };
      }
      const vec = await ev.evalVector(arg, g);
      const out = new StepVector(g.steps);
      for (let i = 0; i < vec.length; i++)
        out.adopt(
          ev.derivedLabels(vec.labels[i]!),
          true,
          g.times.map((t) => t / 1000),
          vec.present[i]!,
        );
      return { kind: 'vector', vec: finish(ev, out) };
    }
    case 'start_timestamp': {
      // Only a plain selector carries start times, and only when the feature is on;
      // anything else (an expression, the feature off) gives an empty result, as upstream.
      const arg = unwrap(args[0]!);
      if (arg.kind === 'VectorSelector' && ev.opts.useStartTimestamps) {
        const vec = await ev.vectorSelector(arg, g, 'startTimestamp');
        return { kind: 'vector', vec: mapSeries(ev, vec, true, (v) => v) };
      }
      await ev.evalVector(arg, g);
      return { kind: 'vector', vec: new StepVector(g.steps) };
    }
    case 'label_replace':
      return { kind: 'vector', vec: await labelReplace(ev, call, g) };
    case 'label_join':
      return { kind: 'vector', vec: await labelJoin(ev, call, g) };
    case 'sort':
    case 'sort_desc':
    case 'sort_by_label':
    case 'sort_by_label_desc':
      return { kind: 'vector', vec: await sortCall(ev, call, g) };
    case 'clamp':
    case 'clamp_min':
    case 'clamp_max': {
      const vec = await ev.evalVector(args[0]!, g);
      const lo = name === 'clamp_max' ? undefined : await ev.evalScalar(args[1]!, g);
      const hi =
        name === 'clamp'
          ? await ev.evalScalar(args[2]!, g)
          : name === 'clamp_max'
            ? await ev.evalScalar(args[1]!, g)
            : undefined;
      return {
        kind: 'vector',
        vec: mapSeriesStep(ev, vec, (v, k) => {
          const min = lo ? lo[k]! : -Infinity;
          const max = hi ? hi[k]! : Infinity;
          if (max < min) return undefined;
          return Math.max(min, Math.min(max, v));
        }),
      };
    }
    case 'round': {
      const vec = await ev.evalVector(args[0]!, g);
      const to = args.length > 1 ? await ev.evalScalar(args[1]!, g) : new Float64Array(g.steps).fill(1);
      return {
        kind: 'vector',
        vec: mapSeriesStep(ev, vec, (v, k) => {
          const inv = 1 / to[k]!;
          return Math.floor(v * inv + 0.5) / inv;
        }),
      };
    }
    case 'histogram_quantile':
      return { kind: 'vector', vec: await histogramQuantile(ev, call, g) };
    case 'histogram_quantiles':
      return { kind: 'vector', vec: await histogramQuantiles(ev, call, g) };
    case 'histogram_fraction':
      return { kind: 'vector', vec: await histogramFraction(ev, call, g) };
    case 'histogram_count':
    case 'histogram_sum':
    case 'histogram_avg':
    case 'histogram_stddev':
    case 'histogram_stdvar': {
      // Native histograms only; float samples are ignored.
      await ev.evalVector(args[0]!, g);
      return { kind: 'vector', vec: new StepVector(g.steps) };
    }
  }

  const math = MATH.get(name);
  if (math) return { kind: 'vector', vec: mapSeries(ev, await ev.evalVector(args[0]!, g), true, math) };

  const date = DATE.get(name);
  if (date) {
    if (args.length === 0) {
      const out = new StepVector(g.steps);
      out.adopt(
        Labels.EMPTY,
        false,
        g.times.map((t) => date(new Date(Math.trunc(t / 1000) * 1000))),
        new Uint8Array(g.steps).fill(1),
      );
      return { kind: 'vector', vec: out };
    }
    return {
      kind: 'vector',
      vec: mapSeries(ev, await ev.evalVector(args[0]!, g), true, (v) => date(new Date(Math.trunc(v) * 1000))),
    };
  }

  throw new EvaluationError(`function ${JSON.stringify(name)} is not supported`);
}

/** Applies `f` to every present value; result series drop the metric name. */
function mapSeries(ev: Evaluator, vec: StepVector, dropName: boolean, f: (v: number) => number): StepVector {
  const out = new StepVector(vec.steps);
  for (let i = 0; i < vec.length; i++) {
    const src = vec.values[i]!;
    const p = vec.present[i]!;
    const dst = new Float64Array(vec.steps);
    for (let k = 0; k < vec.steps; k++) if (p[k]) dst[k] = f(src[k]!);
    out.adopt(
      dropName ? ev.derivedLabels(vec.labels[i]!) : vec.labels[i]!,
      dropName || vec.dropName[i]!,
      dst,
      p,
    );
  }
  return dropName && mayCollideWithoutName(vec.labels) ? finish(ev, out) : out;
}

function mapSeriesStep(
  ev: Evaluator,
  vec: StepVector,
  f: (v: number, k: number) => number | undefined,
): StepVector {
  const out = new StepVector(vec.steps);
  for (let i = 0; i < vec.length; i++) {
    const idx = out.add(ev.derivedLabels(vec.labels[i]!), true);
    const p = vec.present[i]!;
    for (let k = 0; k < vec.steps; k++) {
      if (!p[k]) continue;
      const r = f(vec.values[i]![k]!, k);
      if (r === undefined) continue;
      out.values[idx]![k] = r;
      out.present[idx]![k] = 1;
    }
  }
  return finish(ev, out);
}

/** Without delayed name removal, series that now share a label set must be merged (or fail). */
function finish(ev: Evaluator, vec: StepVector): StepVector {
  return ev.opts.delayedNameRemoval ? vec : mergeSameLabels(vec);
}

/** Labels for `absent`/`absent_over_time`: the equality matchers of the selector, a name repeated drops it. */
function absentLabels(arg: Expr): Labels {
  const e = unwrap(arg);
  let vs: VectorSelector | undefined;
  if (e.kind === 'VectorSelector') vs = e;
  else if (e.kind === 'MatrixSelector') vs = e.vectorSelector;
  if (!vs) return Labels.EMPTY;
  const set = new Map<string, string>();
  const has = new Set<string>();
  for (const m of vs.matchers) {
    if (m.name === METRIC_NAME_LABEL) continue;
    if (m.type === '=' && !has.has(m.name)) {
      set.set(m.name, m.value);
      has.add(m.name);
    } else {
      set.delete(m.name);
    }
  }
  return Labels.fromPairs(set);
}

const COUNTER_SUFFIXES = ['_total', '_sum', '_count', '_bucket'];

async function evalRangeCall(ev: Evaluator, call: Call, rangeIdx: number, g: Grid): Promise<StepVector> {
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
  for (const s of series) {
    ev.checkAbort();
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

/** Go's `regexp.Expand` template semantics: `$1`, `${1}`, `$name`, `${name}`, `$$`. */
function expandTemplate(
  template: string,
  groups: readonly (string | undefined)[],
  named: Record<string, string | undefined> | undefined,
): string {
  let out = '';
  for (let i = 0; i < template.length; i++) {
    const c = template[i]!;
    if (c !== '$') {
      out += c;
      continue;
    }
    if (template[i + 1] === '$') {
      out += '$';
      i++;
      continue;
    }
    let name = '';
    let end = i + 1;
    if (template[i + 1] === '{') {
      const close = template.indexOf('}', i + 2);
      const candidate = close < 0 ? '' : template.slice(i + 2, close);
      if (close < 0 || !/^[A-Za-z0-9_]+$/.test(candidate)) {
        out += '$';
        continue;
      }
      name = candidate;
      end = close + 1;
    } else {
      const m = /^[A-Za-z0-9_]+/.exec(template.slice(i + 1));
      if (!m) {
        out += '$';
        continue;
      }
      name = m[0];
      end = i + 1 + name.length;
    }
    if (/^[0-9]+$/.test(name)) {
      const n = Number(name);
      out += groups[n] ?? '';
    } else {
      out += named?.[name] ?? '';
    }
    i = end - 1;
  }
  return out;
}

async function labelReplace(ev: Evaluator, call: Call, g: Grid): Promise<StepVector> {
  const dst = stringArg(call.args[1]!);
  const repl = stringArg(call.args[2]!);
  const src = stringArg(call.args[3]!);
  const pattern = stringArg(call.args[4]!);
  let re: RE2;
  try {
    re = new RE2(`^(?s:${pattern})$`, 'u');
  } catch {
    throw new EvaluationError(`invalid regular expression in label_replace(): ${pattern}`);
  }
  if (!isValidLabelName(dst))
    throw new EvaluationError(`invalid destination label name in label_replace(): ${dst}`);
  const vec = await ev.evalVector(call.args[0]!, g);
  const out = new StepVector(g.steps);
  for (let i = 0; i < vec.length; i++) {
    const labels = vec.labels[i]!;
    const m = re.exec(labels.get(src));
    if (!m) {
      out.adopt(labels, vec.dropName[i]!, vec.values[i]!, vec.present[i]!);
      continue;
    }
    const value = expandTemplate(
      repl,
      Array.from(m),
      m.groups as Record<string, string | undefined> | undefined,
    );
    const next = labels.builder().set(dst, value).labels();
    out.adopt(next, dst === METRIC_NAME_LABEL ? false : vec.dropName[i]!, vec.values[i]!, vec.present[i]!);
  }
  return mergeSameLabels(out);
}

async function labelJoin(ev: Evaluator, call: Call, g: Grid): Promise<StepVector> {
  const dst = stringArg(call.args[1]!);
  const sep = stringArg(call.args[2]!);
  const srcs = call.args.slice(3).map(stringArg);
  for (const s of srcs)
    if (!isValidLabelName(s)) throw new EvaluationError(`invalid source label name in label_join(): ${s}`);
  if (!isValidLabelName(dst))
    throw new EvaluationError(`invalid destination label name in label_join(): ${dst}`);
  const vec = await ev.evalVector(call.args[0]!, g);
  const out = new StepVector(g.steps);
  for (let i = 0; i < vec.length; i++) {
    const labels = vec.labels[i]!;
    const value = srcs.map((s) => labels.get(s)).join(sep);
    out.adopt(
      labels.builder().set(dst, value).labels(),
      dst === METRIC_NAME_LABEL ? false : vec.dropName[i]!,
      vec.values[i]!,
      vec.present[i]!,
    );
  }
  return mergeSameLabels(out);
}

/** Natural order as github.com/facette/natsort: digit runs compare numerically. */
function natLess(a: string, b: string): boolean {
  const chunk = /(\d+|\D+)/g;
  const ca = a.match(chunk) ?? [];
  const cb = b.match(chunk) ?? [];
  for (let i = 0; i < ca.length && i < cb.length; i++) {
    const x = ca[i]!;
    const y = cb[i]!;
    if (x === y) continue;
    const xd = /^\d/.test(x);
    const yd = /^\d/.test(y);
    if (xd && yd) {
      const nx = Number(x);
      const ny = Number(y);
      if (nx !== ny) return nx < ny;
      return x < y;
    }
    return x < y;
  }
  return ca.length < cb.length;
}

async function sortCall(ev: Evaluator, call: Call, g: Grid): Promise<StepVector> {
  const name = call.func.name;
  const vec = await ev.evalVector(call.args[0]!, g);
  if (ev.opts.isRangeQuery) {
    ev.annotations.warn(messages.sortInRangeQuery(), call.pos);
    return vec;
  }
  const idx = Array.from({ length: vec.length }, (_, i) => i).filter((i) => vec.present[i]![0] === 1);
  const val = (i: number) => vec.values[i]![0]!;
  if (name === 'sort') {
    idx.sort((a, b) => {
      const x = val(a);
      const y = val(b);
      if (Number.isNaN(x)) return Number.isNaN(y) ? 0 : 1;
      if (Number.isNaN(y)) return -1;
      return x - y;
    });
  } else if (name === 'sort_desc') {
    idx.sort((a, b) => {
      const x = val(a);
      const y = val(b);
      if (Number.isNaN(x)) return Number.isNaN(y) ? 0 : 1;
      if (Number.isNaN(y)) return -1;
      return y - x;
    });
  } else {
    const names = call.args.slice(1).map(stringArg);
    const desc = name === 'sort_by_label_desc';
    idx.sort((a, b) => {
      const la = vec.labels[a]!;
      const lb = vec.labels[b]!;
      for (const n of names) {
        const x = la.get(n);
        const y = lb.get(n);
        if (x === y) continue;
        const r = natLess(x, y) ? -1 : 1;
        return desc ? -r : r;
      }
      const r = compareLabels(la, lb);
      return desc ? -r : r;
    });
  }
  const out = new StepVector(g.steps);
  for (const i of idx) out.adopt(vec.labels[i]!, vec.dropName[i]!, vec.values[i]!, vec.present[i]!);
  return out;
}

/** Go's strconv.ParseFloat for `le` values: decimal, exponent, Inf/Infinity/NaN with optional sign. */
export function parseGoFloat(s: string): number | undefined {
  if (/^[+-]?(inf|infinity)$/i.test(s)) return s.startsWith('-') ? -Infinity : Infinity;
  if (/^nan$/i.test(s)) return NaN;
  if (/^[+-]?(\d+(_\d+)*\.?(\d+(_\d+)*)?|\.\d+(_\d+)*)([eE][+-]?\d+)?$/.test(s)) {
    if (s.includes('_')) return undefined;
    return Number(s);
  }
  if (/^[+-]?0[xX]/.test(s)) {
    const n = Number(s.replace(/^[+-]/, ''));
    if (Number.isNaN(n)) return undefined;
    return s.startsWith('-') ? -n : n;
  }
  return undefined;
}

/** Groups the classic-histogram buckets of every step by series without `le`. */
async function bucketGroups(
  ev: Evaluator,
  arg: Expr,
  g: Grid,
): Promise<{ vec: StepVector; groupOf: Int32Array; bounds: Float64Array; groups: Labels[] }> {
  const vec = await ev.evalVector(arg, g);
  const groupOf = new Int32Array(vec.length).fill(-1);
  const bounds = new Float64Array(vec.length);
  const groups: Labels[] = [];
  const byKey = new Map<string, number>();
  for (let i = 0; i < vec.length; i++) {
    const labels = vec.labels[i]!;
    const le = labels.get('le');
    const bound = parseGoFloat(le);
    if (bound === undefined) {
      if (vec.present[i]!.includes(1))
        ev.annotations.warn(messages.badBucketLabel(labels.get(METRIC_NAME_LABEL), le), arg.pos);
      continue;
    }
    bounds[i] = bound;
    const key = labels.drop(['le']);
    const k = key.flat.join('\xff');
    let gi = byKey.get(k);
    if (gi === undefined) {
      gi = groups.length;
      byKey.set(k, gi);
      groups.push(key);
    }
    groupOf[i] = gi;
  }
  return { vec, groupOf, bounds, groups };
}

async function histogramQuantile(ev: Evaluator, call: Call, g: Grid): Promise<StepVector> {
  const qs = await ev.evalScalar(call.args[0]!, g);
  for (let k = 0; k < g.steps; k++) {
    const q = qs[k]!;
    if (Number.isNaN(q) || q < 0 || q > 1)
      ev.annotations.warn(messages.invalidQuantile(q), call.args[0]!.pos);
  }
  const { vec, groupOf, bounds, groups } = await bucketGroups(ev, call.args[1]!, g);
  const out = new StepVector(g.steps);
  for (const labels of groups) out.add(ev.derivedLabels(labels), true);
  const perGroup: Bucket[][] = groups.map(() => []);
  for (let k = 0; k < g.steps; k++) {
    for (const b of perGroup) b.length = 0;
    for (let i = 0; i < vec.length; i++) {
      const gi = groupOf[i]!;
      if (gi < 0 || !vec.present[i]![k]) continue;
      perGroup[gi]!.push({ upperBound: bounds[i]!, count: vec.values[i]![k]! });
    }
    for (let gi = 0; gi < groups.length; gi++) {
      const buckets = perGroup[gi]!;
      if (buckets.length === 0) continue;
      const r = bucketQuantile(qs[k]!, buckets);
      if (r.forcedMonotonicity) {
        const metric = ev.opts.delayedNameRemoval ? groups[gi]!.get(METRIC_NAME_LABEL) : '';
        ev.annotations.info(messages.forcedMonotonicity(metric), call.args[1]!.pos);
      }
      out.values[gi]![k] = r.value;
      out.present[gi]![k] = 1;
    }
  }
  return finish(ev, out.compact());
}

async function histogramFraction(ev: Evaluator, call: Call, g: Grid): Promise<StepVector> {
  const lower = await ev.evalScalar(call.args[0]!, g);
  const upper = await ev.evalScalar(call.args[1]!, g);
  const { vec, groupOf, bounds, groups } = await bucketGroups(ev, call.args[2]!, g);
  const out = new StepVector(g.steps);
  for (const labels of groups) out.add(ev.derivedLabels(labels), true);
  const perGroup: Bucket[][] = groups.map(() => []);
  for (let k = 0; k < g.steps; k++) {
    for (const b of perGroup) b.length = 0;
    for (let i = 0; i < vec.length; i++) {
      const gi = groupOf[i]!;
      if (gi < 0 || !vec.present[i]![k]) continue;
      perGroup[gi]!.push({ upperBound: bounds[i]!, count: vec.values[i]![k]! });
    }
    for (let gi = 0; gi < groups.length; gi++) {
      const buckets = perGroup[gi]!;
      if (buckets.length === 0) continue;
      out.values[gi]![k] = bucketFraction(lower[k]!, upper[k]!, buckets);
      out.present[gi]![k] = 1;
    }
  }
  return finish(ev, out.compact());
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

/** Go's `labels.FormatOpenMetricsFloat`: shortest `%g` digits, `.0` added to integral values. */
function formatOpenMetricsFloat(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  const exp = v === 0 ? 0 : Math.floor(Math.log10(Math.abs(v)));
  let s: string;
  if (exp < -4 || exp >= 21) {
    s = v.toExponential().replace(/e([+-])(\d)$/, 'e$10$2');
  } else s = String(v);
  return /[.eE]/.test(s) ? s : `${s}.0`;
}

async function histogramQuantiles(ev: Evaluator, call: Call, g: Grid): Promise<StepVector> {
  const label = stringArg(call.args[1]!);
  const qArgs: Float64Array[] = [];
  for (let i = 2; i < call.args.length; i++) {
    const qs = await ev.evalScalar(call.args[i]!, g);
    for (const q of qs)
      if (Number.isNaN(q) || q < 0 || q > 1)
        ev.annotations.warn(messages.invalidQuantile(q), call.args[i]!.pos);
    qArgs.push(qs);
  }
  const { vec, groupOf, bounds, groups } = await bucketGroups(ev, call.args[0]!, g);
  const out = new StepVector(g.steps);
  const index = new Map<string, number>();
  const perGroup: Bucket[][] = groups.map(() => []);
  for (let k = 0; k < g.steps; k++) {
    for (const b of perGroup) b.length = 0;
    for (let i = 0; i < vec.length; i++) {
      const gi = groupOf[i]!;
      if (gi < 0 || !vec.present[i]![k]) continue;
      perGroup[gi]!.push({ upperBound: bounds[i]!, count: vec.values[i]![k]! });
    }
    for (const qs of qArgs) {
      const q = qs[k]!;
      for (let gi = 0; gi < groups.length; gi++) {
        const buckets = perGroup[gi]!;
        if (buckets.length === 0) continue;
        const r = bucketQuantile(
          q,
          buckets.map((b) => ({ ...b })),
        );
        if (r.forcedMonotonicity) {
          const metric = ev.opts.delayedNameRemoval ? groups[gi]!.get(METRIC_NAME_LABEL) : '';
          ev.annotations.info(messages.forcedMonotonicity(metric), call.args[0]!.pos);
        }
        const labels = ev.derivedLabels(groups[gi]!).builder().set(label, formatOpenMetricsFloat(q)).labels();
        const key = labels.flat.join('\xff');
        let o = index.get(key);
        if (o === undefined) {
          o = out.add(labels, true);
          index.set(key, o);
        }
        if (out.present[o]![k])
          throw new EvaluationError('vector cannot contain metrics with the same labelset');
        out.values[o]![k] = r.value;
        out.present[o]![k] = 1;
      }
    }
  }
  return finish(ev, out);
}
