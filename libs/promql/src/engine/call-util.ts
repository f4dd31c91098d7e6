// Helpers shared by the function evaluators: argument unwrapping, per-sample mapping
// with name removal, and the labels `absent()` invents.
import { Labels, METRIC_NAME_LABEL } from '@argus/model';
import type { Expr, VectorSelector } from '../parser/ast.ts';
import { EvaluationError } from './errors.ts';
import type { Evaluator } from './evaluator.ts';
import { mayCollideWithoutName, mergeSameLabels } from './label-collisions.ts';
import { StepVector } from './step-vector.ts';

export function unwrap(e: Expr): Expr {
  while (e.kind === 'ParenExpr') e = e.expr;
  return e;
}

export function stringArg(e: Expr): string {
  const u = unwrap(e);
  if (u.kind !== 'StringLiteral') throw new EvaluationError('expected string literal');
  return u.value;
}

/** Applies `f` to every present value; result series drop the metric name. */
export function mapSeries(
  ev: Evaluator,
  vec: StepVector,
  dropName: boolean,
  f: (v: number) => number,
): StepVector {
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

export function mapSeriesStep(
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
export function finish(ev: Evaluator, vec: StepVector): StepVector {
  return ev.opts.delayedNameRemoval ? vec : mergeSameLabels(vec);
}

/** Labels for `absent`/`absent_over_time`: the equality matchers of the selector, a name repeated drops it. */
export function absentLabels(arg: Expr): Labels {
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
