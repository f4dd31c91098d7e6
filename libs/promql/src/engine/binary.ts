import type { Labels } from '@argus/model';
import { METRIC_NAME_LABEL } from '@argus/model';
import type { BinaryExpr, BinaryOp, Expr, VectorMatching } from '../parser/ast.ts';
import { EvaluationError } from './errors.ts';
import type { Evaluator, Value } from './evaluator.ts';
import { mergeSameLabels } from './label-collisions.ts';
import type { Grid } from './grid.ts';
import { dropMetadata } from './labels-util.ts';
import { StepVector, compareLabels } from './step-vector.ts';

const ARITHMETIC = new Set<BinaryOp>(['+', '-', '*', '/', '%', '^', 'atan2']);
const COMPARISON = new Set<BinaryOp>(['==', '!=', '>', '<', '>=', '<=']);

/** Go's math.Mod: result has the sign of the dividend; NaN for x=±Inf or y=0. */
function goMod(x: number, y: number): number {
  return x % y;
}

/** Value of `l op r` for arithmetic operators. */
export function arithmetic(op: BinaryOp, l: number, r: number): number {
  switch (op) {
    case '+':
      return l + r;
    case '-':
      return l - r;
    case '*':
      return l * r;
    case '/':
      return l / r;
    case '%':
      return goMod(l, r);
    case '^':
      return Math.pow(l, r);
    case 'atan2':
      return Math.atan2(l, r);
    default:
      throw new EvaluationError(`operator ${JSON.stringify(op)} not allowed for arithmetic`);
  }
}

/** Whether `l op r` holds for comparison operators. */
export function compare(op: BinaryOp, l: number, r: number): boolean {
  switch (op) {
    case '==':
      return l === r;
    case '!=':
      return l !== r;
    case '>':
      return l > r;
    case '<':
      return l < r;
    case '>=':
      return l >= r;
    case '<=':
      return l <= r;
    default:
      throw new EvaluationError(`operator ${JSON.stringify(op)} is not a comparison`);
  }
}

/** Evaluates a binary expression over the grid. */
export async function evalBinary(ev: Evaluator, e: Expr, g: Grid): Promise<Value> {
  const b = e as BinaryExpr;
  const lhs = await ev.eval(b.lhs, g);
  const rhs = await ev.eval(b.rhs, g);
  if (b.op === '</' || b.op === '>/') {
    // Histogram trim operators only act on native histograms; floats yield nothing.
    return { kind: 'vector', vec: new StepVector(g.steps) };
  }
  if (lhs.kind === 'scalar' && rhs.kind === 'scalar') {
    const out = new Float64Array(g.steps);
    for (let k = 0; k < g.steps; k++) {
      const l = lhs.values[k]!;
      const r = rhs.values[k]!;
      out[k] = COMPARISON.has(b.op) ? (compare(b.op, l, r) ? 1 : 0) : arithmetic(b.op, l, r);
    }
    return { kind: 'scalar', values: out };
  }
  if (lhs.kind === 'vector' && rhs.kind === 'scalar')
    return { kind: 'vector', vec: vectorScalar(ev, b, lhs.vec, rhs.values, false) };
  if (lhs.kind === 'scalar' && rhs.kind === 'vector')
    return { kind: 'vector', vec: vectorScalar(ev, b, rhs.vec, lhs.values, true) };
  if (lhs.kind === 'vector' && rhs.kind === 'vector') {
    const matching = b.matching ?? {
      card: 'one-to-one',
      on: false,
      labels: [],
      include: [],
      fill: { lhs: undefined, rhs: undefined },
    };
    if (b.op === 'and' || b.op === 'or' || b.op === 'unless')
      return { kind: 'vector', vec: setOperation(b.op, lhs.vec, rhs.vec, matching, g) };
    return { kind: 'vector', vec: vectorVector(ev, b, lhs.vec, rhs.vec, matching, g) };
  }
  throw new EvaluationError(`binary operator ${b.op} not allowed between ${lhs.kind} and ${rhs.kind}`);
}

function vectorScalar(
  ev: Evaluator,
  b: BinaryExpr,
  vec: StepVector,
  scalar: Float64Array,
  swap: boolean,
): StepVector {
  const isCmp = COMPARISON.has(b.op);
  const changesSchema = ARITHMETIC.has(b.op);
  const out = new StepVector(vec.steps);
  for (let i = 0; i < vec.length; i++) {
    const dropName = changesSchema || b.returnBool;
    const labels = dropName ? ev.derivedLabels(vec.labels[i]!) : vec.labels[i]!;
    const o = out.add(labels, dropName || vec.dropName[i]!);
    const src = vec.values[i]!;
    const p = vec.present[i]!;
    const dst = out.values[o]!;
    const dp = out.present[o]!;
    for (let k = 0; k < vec.steps; k++) {
      if (!p[k]) continue;
      const v = src[k]!;
      const s = scalar[k]!;
      const l = swap ? s : v;
      const r = swap ? v : s;
      if (isCmp) {
        const keep = compare(b.op, l, r);
        if (b.returnBool) {
          dst[k] = keep ? 1 : 0;
          dp[k] = 1;
        } else if (keep) {
          dst[k] = v;
          dp[k] = 1;
        }
      } else {
        dst[k] = arithmetic(b.op, l, r);
        dp[k] = 1;
      }
    }
  }
  const res = out.compact();
  return ev.opts.delayedNameRemoval ? res : mergeSameLabels(res);
}

/** The match signature of a label set under `on(…)`/`ignoring(…)`. */
function signature(labels: Labels, m: VectorMatching): string {
  const l = m.on ? labels.keep(m.labels) : labels.drop([...m.labels, METRIC_NAME_LABEL]);
  return l.flat.join('\xff');
}

function matchedLabels(labels: Labels, m: VectorMatching): Labels {
  return m.on ? labels.keep(m.labels) : labels.drop([...m.labels, METRIC_NAME_LABEL]);
}

function sigIds(vec: StepVector, m: VectorMatching, ids: Map<string, number>): Int32Array {
  const out = new Int32Array(vec.length);
  for (let i = 0; i < vec.length; i++) {
    const s = signature(vec.labels[i]!, m);
    let id = ids.get(s);
    if (id === undefined) {
      id = ids.size;
      ids.set(s, id);
    }
    out[i] = id;
  }
  return out;
}

function setOperation(
  op: 'and' | 'or' | 'unless',
  lhs: StepVector,
  rhs: StepVector,
  m: VectorMatching,
  g: Grid,
): StepVector {
  const ids = new Map<string, number>();
  const ls = sigIds(lhs, m, ids);
  const rs = sigIds(rhs, m, ids);
  const stamp = new Int32Array(ids.size).fill(-1);
  const out = new StepVector(g.steps);
  const lOut = lhs.labels.map((l, i) => out.add(l, lhs.dropName[i]!));
  const rOut = op === 'or' ? rhs.labels.map((l, i) => out.add(l, rhs.dropName[i]!)) : [];
  for (let k = 0; k < g.steps; k++) {
    if (op === 'or') {
      for (let i = 0; i < lhs.length; i++) {
        if (!lhs.present[i]![k]) continue;
        stamp[ls[i]!] = k;
        out.values[lOut[i]!]![k] = lhs.values[i]![k]!;
        out.present[lOut[i]!]![k] = 1;
      }
      for (let j = 0; j < rhs.length; j++) {
        if (!rhs.present[j]![k] || stamp[rs[j]!] === k) continue;
        out.values[rOut[j]!]![k] = rhs.values[j]![k]!;
        out.present[rOut[j]!]![k] = 1;
      }
      continue;
    }
    for (let j = 0; j < rhs.length; j++) if (rhs.present[j]![k]) stamp[rs[j]!] = k;
    for (let i = 0; i < lhs.length; i++) {
      if (!lhs.present[i]![k]) continue;
      const matched = stamp[ls[i]!] === k;
      if (matched === (op === 'and')) {
        out.values[lOut[i]!]![k] = lhs.values[i]![k]!;
        out.present[lOut[i]!]![k] = 1;
      }
    }
  }
  return mergeSameLabels(out.compact());
}

/** Labels of a vector-vector arithmetic/comparison result, as upstream's `resultMetric`. */
function resultLabels(l: Labels, r: Labels, b: BinaryExpr, m: VectorMatching): Labels {
  let labels = ARITHMETIC.has(b.op) ? dropMetadata(l) : l;
  if (m.card === 'one-to-one') labels = m.on ? labels.keep(m.labels) : labels.drop(m.labels);
  if (m.include.length > 0) {
    const builder = labels.builder();
    for (const name of m.include) {
      const v = r.get(name);
      if (v !== '') builder.set(name, v);
      else builder.delete(name);
    }
    labels = builder.labels();
  }
  return labels;
}

function vectorVector(
  ev: Evaluator,
  b: BinaryExpr,
  lhsIn: StepVector,
  rhsIn: StepVector,
  m: VectorMatching,
  g: Grid,
): StepVector {
  const swapped = m.card === 'one-to-many';
  const lhs = swapped ? rhsIn : lhsIn;
  const rhs = swapped ? lhsIn : rhsIn;
  const isCmp = COMPARISON.has(b.op);
  const ids = new Map<string, number>();
  const ls = sigIds(lhs, m, ids);
  const rs = sigIds(rhs, m, ids);
  const nSigs = ids.size;
  const rightStamp = new Int32Array(nSigs).fill(-1);
  const rightAt = new Int32Array(nSigs);
  const matchedStamp = new Int32Array(nSigs).fill(-1);
  const fill = m.fill;
  const out = new StepVector(g.steps);
  const outByKey = new Map<string, number>();
  const pairOut = new Map<number, number>();
  const nR = rhs.length + 1;

  const outFor = (li: number, ri: number, lLabels: Labels, rLabels: Labels): number => {
    const pk = li * nR + (ri + 1);
    let o = pairOut.get(pk);
    if (o !== undefined) return o;
    const base = resultLabels(lLabels, rLabels, b, m);
    const labels = b.returnBool ? ev.derivedLabels(base) : base;
    const key = labels.flat.join('\xff');
    o = outByKey.get(key);
    if (o === undefined) {
      o = out.add(labels, b.returnBool);
      outByKey.set(key, o);
    }
    pairOut.set(pk, o);
    return o;
  };

  for (let k = 0; k < g.steps; k++) {
    ev.checkAbort();
    for (let j = 0; j < rhs.length; j++) {
      if (!rhs.present[j]![k]) continue;
      const s = rs[j]!;
      if (rightStamp[s] === k) {
        const a = rhs.labels[j]!;
        const c = rhs.labels[rightAt[s]!]!;
        const [first, second] = compareLabels(a, c) <= 0 ? [a, c] : [c, a];
        throw new EvaluationError(
          `found duplicate series for the match group ${matchedLabels(a, m).toString()} on the ${swapped ? 'left' : 'right'} hand-side of the operation: [${first.toString()}, ${second.toString()}];many-to-many matching not allowed: matching labels must be unique on one side`,
        );
      }
      rightStamp[s] = k;
      rightAt[s] = j;
    }
    const groupSeen = m.card === 'one-to-one' ? undefined : new Set<string>();
    const apply = (
      li: number,
      ri: number,
      lLabels: Labels,
      rLabels: Labels,
      fl0: number,
      fr0: number,
      s: number,
    ) => {
      const fl = swapped ? fr0 : fl0;
      const fr = swapped ? fl0 : fr0;
      let value: number;
      let keep = true;
      if (isCmp) {
        keep = compare(b.op, fl, fr);
        value = fl;
      } else value = arithmetic(b.op, fl, fr);
      if (b.returnBool) {
        value = keep ? 1 : 0;
        keep = true;
      }
      const o = outFor(li, ri, lLabels, rLabels);
      if (m.card === 'one-to-one') {
        if (matchedStamp[s] === k)
          throw new EvaluationError(
            'multiple matches for labels: many-to-one matching must be explicit (group_left/group_right)',
          );
        matchedStamp[s] = k;
      } else {
        matchedStamp[s] = k;
        const key = `${s}:${o}`;
        if (groupSeen!.has(key))
          throw new EvaluationError(
            'multiple matches for labels: grouping labels must ensure unique matches',
          );
        groupSeen!.add(key);
      }
      if (!keep) return;
      if (out.present[o]![k])
        throw new EvaluationError('vector cannot contain metrics with the same labelset');
      out.values[o]![k] = value;
      out.present[o]![k] = 1;
    };
    for (let i = 0; i < lhs.length; i++) {
      if (!lhs.present[i]![k]) continue;
      const s = ls[i]!;
      if (rightStamp[s] !== k) {
        if (fill.rhs === undefined) continue;
        const lLabels = lhs.labels[i]!;
        apply(i, -1, lLabels, matchedLabels(lLabels, m), lhs.values[i]![k]!, fill.rhs, s);
        continue;
      }
      const j = rightAt[s]!;
      apply(i, j, lhs.labels[i]!, rhs.labels[j]!, lhs.values[i]![k]!, rhs.values[j]![k]!, s);
    }
    if (fill.lhs !== undefined) {
      for (let j = 0; j < rhs.length; j++) {
        if (!rhs.present[j]![k]) continue;
        const s = rs[j]!;
        if (matchedStamp[s] === k) continue;
        const rLabels = rhs.labels[j]!;
        apply(lhs.length + j, j, matchedLabels(rLabels, m), rLabels, fill.lhs, rhs.values[j]![k]!, s);
      }
    }
  }
  const res = out.compact();
  return ev.opts.delayedNameRemoval ? res : mergeSameLabels(res);
}
