// Classic-histogram functions over `le` buckets: histogram_quantile(s), histogram_fraction.
import { METRIC_NAME_LABEL } from '@argus/model';
import type { Labels } from '@argus/model';
import type { Call, Expr } from '../parser/ast.ts';
import { messages } from './annotations.ts';
import { EvaluationError } from './errors.ts';
import type { Evaluator } from './evaluator.ts';
import type { Grid } from './grid.ts';
import { bucketFraction, bucketQuantile } from './quantile.ts';
import type { Bucket } from './quantile.ts';
import { StepVector } from './step-vector.ts';
import { finish, stringArg } from './call-util.ts';

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

export async function histogramQuantile(ev: Evaluator, call: Call, g: Grid): Promise<StepVector> {
  const qs = await ev.evalScalar(call.args[0]!, g);
  for (let k = 0; k < g.steps; k++) {
    const q = qs[k]!;
    if (Number.isNaN(q) || q < 0 || q > 1)
      ev.annotations.warn(messages.invalidQuantile(q), call.args[0]!.pos);
  }
  const out = await perGroupBuckets(ev, call.args[1]!, g, (group, k, buckets) => {
    const r = bucketQuantile(qs[k]!, buckets);
    if (r.forcedMonotonicity) {
      const metric = ev.opts.delayedNameRemoval ? group.get(METRIC_NAME_LABEL) : '';
      ev.annotations.info(messages.forcedMonotonicity(metric), call.args[1]!.pos);
    }
    return r.value;
  });
  return finish(ev, out.compact());
}

export async function histogramFraction(ev: Evaluator, call: Call, g: Grid): Promise<StepVector> {
  const lower = await ev.evalScalar(call.args[0]!, g);
  const upper = await ev.evalScalar(call.args[1]!, g);
  const out = await perGroupBuckets(ev, call.args[2]!, g, (_group, k, buckets) =>
    bucketFraction(lower[k]!, upper[k]!, buckets),
  );
  return finish(ev, out.compact());
}

/**
 * Evaluates the bucket series of `arg`, gathers each group's buckets at every step and
 * stores `value(group labels, step, buckets)` in one output series per group (steps without
 * buckets stay absent).
 */
async function perGroupBuckets(
  ev: Evaluator,
  arg: Expr,
  g: Grid,
  value: (group: BucketGroupLabels, k: number, buckets: Bucket[]) => number,
): Promise<StepVector> {
  const { vec, groupOf, bounds, groups } = await bucketGroups(ev, arg, g);
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
      out.values[gi]![k] = value(groups[gi]!, k, buckets);
      out.present[gi]![k] = 1;
    }
  }
  return out;
}

type BucketGroupLabels = Awaited<ReturnType<typeof bucketGroups>>['groups'][number];

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

export async function histogramQuantiles(ev: Evaluator, call: Call, g: Grid): Promise<StepVector> {
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
