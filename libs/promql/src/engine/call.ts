import { Labels } from '@argus/model';
import type { Call, Expr } from '../parser/ast.ts';
import { EvaluationError } from './errors.ts';
import type { Evaluator, Value } from './evaluator.ts';
import type { Grid } from './grid.ts';
import { evalInfo } from './info.ts';
import { StepVector } from './step-vector.ts';
import { histogramFraction, histogramQuantile, histogramQuantiles } from './call-histogram.ts';
import { labelJoin, labelReplace, sortCall } from './call-labels.ts';
import { evalRangeCall } from './call-range.ts';
import { absentLabels, finish, mapSeries, mapSeriesStep, unwrap } from './call-util.ts';

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
