import { Labels, METRIC_NAME_LABEL, isValidLabelName } from '@argus/model';
import type { AggregateExpr, Expr } from '../parser/ast.ts';
import { messages } from './annotations.ts';
import { EvaluationError } from './errors.ts';
import type { Evaluator, Value } from './evaluator.ts';
import type { Grid } from './grid.ts';
import { kahanPair } from './kahan.ts';
import { quantile } from './quantile.ts';
import { StepVector } from './step-vector.ts';
import { prometheusLabelsHash } from './xxhash64.ts';

/** Upstream's `generateGroupingLabels`: `by` keeps the listed labels, `without` drops them and the name. */
function groupingLabels(labels: Labels, grouping: readonly string[], without: boolean): Labels {
  if (without) return labels.drop([...grouping, METRIC_NAME_LABEL]);
  if (grouping.length === 0) return Labels.EMPTY;
  return labels.keep(grouping);
}

/** A string equal for two label sets exactly when their grouping labels are equal; builds no label set. */
function groupingKey(labels: Labels, grouping: readonly string[], without: boolean): string {
  if (!without) {
    if (grouping.length === 0) return '';
    let key = '';
    for (const name of grouping) key += `${labels.get(name)}\xff`;
    return key;
  }
  const flat = labels.flat;
  let key = '';
  for (let i = 0; i < flat.length; i += 2) {
    const name = flat[i]!;
    if (name === METRIC_NAME_LABEL || grouping.includes(name)) continue;
    key += `${name}\xfe${flat[i + 1]}\xff`;
  }
  return key;
}

/** Go `strconv.FormatFloat(v, 'f', -1, 64)`: shortest digits, never an exponent. */
export function formatFloatPlain(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  const s = String(v);
  if (!/e/i.test(s)) return s;
  const [mant, expStr] = s.split(/e/i) as [string, string];
  const exp = Number(expStr);
  const neg = mant.startsWith('-');
  const digits = mant.replace('-', '').replace('.', '');
  const pointPos =
    (mant.replace('-', '').indexOf('.') < 0
      ? mant.replace('-', '').length
      : mant.replace('-', '').indexOf('.')) + exp;
  let out: string;
  if (pointPos <= 0) out = `0.${'0'.repeat(-pointPos)}${digits}`;
  else if (pointPos >= digits.length) out = digits + '0'.repeat(pointPos - digits.length);
  else out = `${digits.slice(0, pointPos)}.${digits.slice(pointPos)}`;
  return neg ? `-${out}` : out;
}

/** Evaluates an aggregation over the grid. */
export async function evalAggregate(ev: Evaluator, e: Expr, g: Grid): Promise<Value> {
  const agg = e as AggregateExpr;
  const grouping = [...agg.grouping].sort();
  if (agg.op === 'count_values') return { kind: 'vector', vec: await countValues(ev, agg, grouping, g) };

  const param = agg.param === undefined ? undefined : await ev.evalScalar(agg.param, g);
  const vec = await ev.evalVector(agg.expr, g);

  if (agg.op === 'topk' || agg.op === 'bottomk' || agg.op === 'limitk' || agg.op === 'limit_ratio') {
    return { kind: 'vector', vec: aggregateK(ev, agg, grouping, param!, vec, g) };
  }
  if (agg.op === 'quantile') {
    let max = -Infinity;
    let min = Infinity;
    let nan = false;
    for (const q of param!) {
      if (Number.isNaN(q)) nan = true;
      else {
        max = Math.max(max, q);
        min = Math.min(min, q);
      }
    }
    if (nan) ev.annotations.warn(messages.invalidQuantile(NaN), agg.param!.pos);
    if (max > 1) ev.annotations.warn(messages.invalidQuantile(max), agg.param!.pos);
    if (min < 0) ev.annotations.warn(messages.invalidQuantile(min), agg.param!.pos);
  }

  // Map input series to groups once; labels do not change across steps.
  const groupOf = new Int32Array(vec.length);
  const groupIndex = new Map<string, number>();
  const out = new StepVector(g.steps);
  for (let i = 0; i < vec.length; i++) {
    const key = groupingKey(vec.labels[i]!, grouping, agg.without);
    let gi = groupIndex.get(key);
    if (gi === undefined) {
      gi = out.add(groupingLabels(vec.labels[i]!, grouping, agg.without), false);
      groupIndex.set(key, gi);
    }
    groupOf[i] = gi;
  }
  const n = out.length;
  const seen = new Uint8Array(n);
  const value = new Float64Array(n);
  const comp = new Float64Array(n);
  const mean = new Float64Array(n);
  const count = new Float64Array(n);
  const incremental = new Uint8Array(n);
  const lists: number[][] | undefined =
    agg.op === 'quantile' ? Array.from({ length: n }, () => []) : undefined;
  const op = agg.op;

  for (let k = 0; k < g.steps; k++) {
    seen.fill(0);
    for (let i = 0; i < vec.length; i++) {
      if (!vec.present[i]![k]) continue;
      const f = vec.values[i]![k]!;
      const gi = groupOf[i]!;
      if (vec.dropName[i]) out.dropName[gi] = true;
      if (!seen[gi]) {
        seen[gi] = 1;
        value[gi] = f;
        mean[gi] = f;
        comp[gi] = 0;
        count[gi] = 1;
        incremental[gi] = 0;
        if (op === 'stddev' || op === 'stdvar') value[gi] = Number.isFinite(f) ? 0 : NaN;
        else if (op === 'group') value[gi] = 1;
        else if (lists) {
          lists[gi]!.length = 0;
          lists[gi]!.push(f);
        }
        continue;
      }
      switch (op) {
        case 'sum': {
          const [s, c] = kahanPair(f, value[gi]!, comp[gi]!);
          value[gi] = s;
          comp[gi] = c;
          break;
        }
        case 'avg': {
          count[gi]! += 1;
          const cnt = count[gi]!;
          if (!incremental[gi]) {
            const [s, c] = kahanPair(f, value[gi]!, comp[gi]!);
            if (s !== Infinity && s !== -Infinity) {
              value[gi] = s;
              comp[gi] = c;
              break;
            }
            incremental[gi] = 1;
            mean[gi] = value[gi]! / (cnt - 1);
            comp[gi] = comp[gi]! / (cnt - 1);
          }
          const q = (cnt - 1) / cnt;
          const [m, c] = kahanPair(f / cnt, q * mean[gi]!, q * comp[gi]!);
          mean[gi] = m;
          comp[gi] = c;
          break;
        }
        case 'max':
          if (value[gi]! < f || Number.isNaN(value[gi]!)) value[gi] = f;
          break;
        case 'min':
          if (value[gi]! > f || Number.isNaN(value[gi]!)) value[gi] = f;
          break;
        case 'count':
          count[gi]! += 1;
          break;
        case 'stddev':
        case 'stdvar': {
          count[gi]! += 1;
          const delta = f - mean[gi]!;
          mean[gi]! += delta / count[gi]!;
          value[gi]! += delta * (f - mean[gi]!);
          break;
        }
        case 'quantile':
          lists![gi]!.push(f);
          break;
        case 'group':
          break;
        default:
          throw new EvaluationError(`expected aggregation operator but got ${JSON.stringify(op)}`);
      }
    }
    for (let gi = 0; gi < n; gi++) {
      if (!seen[gi]) continue;
      let r: number;
      switch (op) {
        case 'avg':
          r = incremental[gi] ? mean[gi]! + comp[gi]! : value[gi]! / count[gi]! + comp[gi]! / count[gi]!;
          break;
        case 'count':
          r = count[gi]!;
          break;
        case 'stdvar':
          r = value[gi]! / count[gi]!;
          break;
        case 'stddev':
          r = Math.sqrt(value[gi]! / count[gi]!);
          break;
        case 'quantile':
          r = quantile(param![k]!, lists![gi]!);
          break;
        case 'sum':
          r = value[gi]! + comp[gi]!;
          break;
        default:
          r = value[gi]!;
      }
      out.values[gi]![k] = r;
      out.present[gi]![k] = 1;
    }
  }
  return { kind: 'vector', vec: out.compact() };
}

function aggregateK(
  ev: Evaluator,
  agg: AggregateExpr,
  grouping: string[],
  param: Float64Array,
  vec: StepVector,
  g: Grid,
): StepVector {
  const op = agg.op;
  let max = -Infinity;
  let min = Infinity;
  let nan = false;
  for (const p of param) {
    if (Number.isNaN(p)) nan = true;
    max = Math.max(max, p);
    min = Math.min(min, p);
  }
  const empty = new StepVector(g.steps);
  if (op === 'limit_ratio') {
    if (max === 0 && min === 0) return empty;
    if (nan) throw new EvaluationError('Ratio value is NaN');
    if (max > 1) ev.annotations.warn(messages.invalidRatio(max, 1), agg.param!.pos);
    if (min < -1) ev.annotations.warn(messages.invalidRatio(min, -1), agg.param!.pos);
  } else {
    if (max < 1) return empty;
    if (nan) throw new EvaluationError('Parameter value is NaN');
    if (min <= -9223372036854775808) throw new EvaluationError(`Scalar value ${min} underflows int64`);
    if (max >= 9223372036854774784) throw new EvaluationError(`Scalar value ${max} overflows int64`);
  }

  const groupOf = new Int32Array(vec.length);
  const groupIndex = new Map<string, number>();
  for (let i = 0; i < vec.length; i++) {
    const key = groupingKey(vec.labels[i]!, grouping, agg.without);
    let gi = groupIndex.get(key);
    if (gi === undefined) {
      gi = groupIndex.size;
      groupIndex.set(key, gi);
    }
    groupOf[i] = gi;
  }
  const nGroups = groupIndex.size;
  const chosen: number[][] = Array.from({ length: nGroups }, () => []);
  // Output series i of the input, created on first selection; order of creation is the instant-query order.
  const outOf = new Int32Array(vec.length).fill(-1);
  const order: number[] = [];
  const values: Float64Array[] = [];
  const present: Uint8Array[] = [];
  const isTop = op === 'topk';
  // worse(a, b): a should be evicted before b.
  const worse = isTop
    ? (a: number, b: number) => a < b || (Number.isNaN(a) && !Number.isNaN(b))
    : (a: number, b: number) => a > b || (Number.isNaN(a) && !Number.isNaN(b));
  const ratioOffset = op === 'limit_ratio' ? vec.labels.map(ratioSampleOffset) : undefined;

  for (let k = 0; k < g.steps; k++) {
    for (const c of chosen) c.length = 0;
    const p = param[k]!;
    if (op === 'limit_ratio') {
      if (p === 0) continue;
    } else if (Math.trunc(p) < 1) continue;
    const kk = Math.min(Math.trunc(p), vec.length);
    const r = p < -1 ? -1 : p > 1 ? 1 : p;
    for (let i = 0; i < vec.length; i++) {
      if (!vec.present[i]![k]) continue;
      const c = chosen[groupOf[i]!]!;
      const f = vec.values[i]![k]!;
      if (op === 'limitk') {
        if (c.length < kk) c.push(i);
      } else if (op === 'limit_ratio') {
        const off = ratioOffset![i]!;
        if ((r >= 0 && off < r) || (r < 0 && off >= 1 + r)) c.push(i);
      } else if (c.length < kk) {
        c.push(i);
      } else {
        // Replace the worst kept element when f beats it (first of equals stays).
        let wi = 0;
        for (let j = 1; j < c.length; j++) if (worse(vec.values[c[j]!]![k]!, vec.values[c[wi]!]![k]!)) wi = j;
        if (worse(vec.values[c[wi]!]![k]!, f)) c[wi] = i;
      }
    }
    for (const c of chosen) {
      if (op === 'topk' || op === 'bottomk') {
        c.sort((a, b) => {
          const x = vec.values[a]![k]!;
          const y = vec.values[b]![k]!;
          if (Number.isNaN(x)) return Number.isNaN(y) ? 0 : 1;
          if (Number.isNaN(y)) return -1;
          return isTop ? y - x : x - y;
        });
      }
      for (const i of c) {
        let o = outOf[i]!;
        if (o < 0) {
          o = order.length;
          outOf[i] = o;
          order.push(i);
          values.push(new Float64Array(g.steps));
          present.push(new Uint8Array(g.steps));
        }
        values[o]![k] = vec.values[i]![k]!;
        present[o]![k] = 1;
      }
    }
  }
  const out = new StepVector(g.steps);
  for (let o = 0; o < order.length; o++)
    out.adopt(vec.labels[order[o]!]!, vec.dropName[order[o]!]!, values[o]!, present[o]!);
  return out;
}

/**
 * Where a series falls in [0, 1] for `limit_ratio`: upstream's label-set hash (XXH64 of
 * Prometheus's label encoding) over the largest uint64, so the same series are chosen.
 */
function ratioSampleOffset(labels: Labels): number {
  return Number(prometheusLabelsHash(labels.flat)) / 2 ** 64;
}

async function countValues(
  ev: Evaluator,
  agg: AggregateExpr,
  grouping: string[],
  g: Grid,
): Promise<StepVector> {
  const param = agg.param!;
  let p = param;
  while (p.kind === 'ParenExpr') p = p.expr;
  if (p.kind !== 'StringLiteral') throw new EvaluationError('count_values needs a string parameter');
  const valueLabel = p.value;
  if (!isValidLabelName(valueLabel)) throw new EvaluationError(`invalid label name ${goQuote(valueLabel)}`);
  const groupBy = agg.without ? grouping : [...grouping, valueLabel].sort();
  const vec = await ev.evalVector(agg.expr, g);
  const out = new StepVector(g.steps);
  const index = new Map<string, number>();
  for (let k = 0; k < g.steps; k++) {
    for (let i = 0; i < vec.length; i++) {
      if (!vec.present[i]![k]) continue;
      const metric = vec.labels[i]!.builder().set(valueLabel, formatFloatPlain(vec.values[i]![k]!)).labels();
      const labels = groupingLabels(metric, groupBy, agg.without);
      const key = labels.flat.join('\xff');
      let o = index.get(key);
      if (o === undefined) {
        o = out.add(labels, false);
        index.set(key, o);
      }
      out.values[o]![k]! += 1;
      out.present[o]![k] = 1;
    }
  }
  return out;
}

/** Go `%q` of a string whose invalid UTF-8 bytes arrive as lone surrogates U+DC80–U+DCFF. */
function goQuote(s: string): string {
  return JSON.stringify(s).replace(/\\udc([89a-f][0-9a-f])/g, '\\x$1');
}
