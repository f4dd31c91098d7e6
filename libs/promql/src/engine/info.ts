import type { Labels } from '@argus/model';
import { METRIC_NAME_LABEL, Matcher } from '@argus/model';
import type { Call, Expr } from '../parser/ast.ts';
import { EvaluationError } from './errors.ts';
import type { Evaluator } from './evaluator.ts';
import type { Grid } from './grid.ts';
import { StepVector } from './step-vector.ts';

const TARGET_INFO = 'target_info';
/** Labels that tie a series to its info series (hard-coded upstream too). */
const IDENTIFYING = ['instance', 'job'];

function quoteMeta(s: string): string {
  return s.replace(/[\\.+*?()|[\]{}^$]/g, '\\$&');
}

function unwrap(e: Expr): Expr {
  while (e.kind === 'ParenExpr') e = e.expr;
  return e;
}

/**
 * `info(v [, {data selector}])`: adds the data labels of matching info series
 * (`target_info` unless the selector names others) to every series of `v`, matched
 * on `instance` and `job`. Upstream's experimental `info` function.
 */
export async function evalInfo(ev: Evaluator, call: Call, g: Grid): Promise<StepVector> {
  const base = await ev.evalVector(call.args[0]!, g);
  const dataMatchers = new Map<string, Matcher[]>();
  let nameMatchers: Matcher[] = [];
  const refs = referenceTimes(ev, call.args[0]!, g);
  if (call.args.length > 1) {
    const sel = unwrap(call.args[1]!);
    if (sel.kind !== 'VectorSelector')
      throw new EvaluationError('info: second argument must be a label selector');
    for (const m of sel.matchers) {
      dataMatchers.set(m.name, [...(dataMatchers.get(m.name) ?? []), m]);
      if (m.name === METRIC_NAME_LABEL) nameMatchers.push(m);
    }
  } else {
    nameMatchers = [Matcher.equal(METRIC_NAME_LABEL, TARGET_INFO)];
  }

  // Only negative name matchers: info metrics are still only the `*_info` ones.
  if (nameMatchers.length > 0 && nameMatchers.every((m) => m.type === '!=' || m.type === '!~')) {
    const implicit = Matcher.regex(METRIC_NAME_LABEL, '.+_info');
    nameMatchers.push(implicit);
    dataMatchers.set(METRIC_NAME_LABEL, [...(dataMatchers.get(METRIC_NAME_LABEL) ?? []), implicit]);
  }

  // Info series in the input are passed through unchanged.
  const ignore = base.labels.map((l) => {
    const name = l.get(METRIC_NAME_LABEL);
    return nameMatchers.length > 0 && nameMatchers.every((m) => m.matches(name));
  });

  const idValues = new Map<string, Set<string>>();
  for (let i = 0; i < base.length; i++) {
    if (ignore[i]) continue;
    for (const l of IDENTIFYING) {
      const v = base.labels[i]!.get(l);
      if (v === '') continue;
      if (!idValues.has(l)) idValues.set(l, new Set());
      idValues.get(l)!.add(v);
    }
  }
  const selectMatchers: Matcher[] = [];
  let hasName = false;
  for (const [l, values] of idValues)
    selectMatchers.push(Matcher.regex(l, [...values].map(quoteMeta).join('|')));
  for (const ms of dataMatchers.values()) {
    for (const m of ms) {
      if (m.name === METRIC_NAME_LABEL) hasName = true;
      selectMatchers.push(m);
    }
  }
  dataMatchers.delete(METRIC_NAME_LABEL);
  if (!hasName) selectMatchers.unshift(Matcher.equal(METRIC_NAME_LABEL, TARGET_INFO));

  // Info series at each step: the newest sample within the lookback window, its timestamp kept.
  const infoLabels: Labels[] = [];
  const infoT: Float64Array[] = [];
  const infoPresent: Uint8Array[] = [];
  if (idValues.size > 0) {
    const lookback = ev.opts.lookbackDeltaMs;
    let min = Infinity;
    let max = -Infinity;
    for (const r of refs) {
      min = Math.min(min, r);
      max = Math.max(max, r);
    }
    const series = await ev.select(selectMatchers, min - lookback + 1, max, 'info');
    for (const s of series) {
      const block = s.samples(min - lookback + 1, max);
      const ts = new Float64Array(g.steps);
      const present = new Uint8Array(g.steps);
      let any = false;
      for (let k = 0; k < g.steps; k++) {
        const ref = refs[k]!;
        let j = 0;
        while (j < block.length && block.timestamps[j]! <= ref) j++;
        const idx = j - 1;
        if (idx < 0 || block.timestamps[idx]! <= ref - lookback) continue;
        const v = block.values[idx]!;
        if (v !== v) continue;
        ts[k] = block.timestamps[idx]!;
        present[k] = 1;
        any = true;
      }
      if (!any) continue;
      infoLabels.push(s.labels);
      infoT.push(ts);
      infoPresent.push(present);
    }
  }

  const sigOf = (name: string, labels: Labels): string => {
    let s = name;
    for (const l of IDENTIFYING) s += `\xff${l}=${labels.get(l)}`;
    return s;
  };
  const infoNames = [...new Set(infoLabels.map((l) => l.get(METRIC_NAME_LABEL)))];
  const infoSig = infoLabels.map((l) => sigOf(l.get(METRIC_NAME_LABEL), l));
  const baseSigs = base.labels.map((l) => infoNames.map((n) => [n, sigOf(n, l)] as const));
  const allMatchEmpty = [...dataMatchers.values()].every((ms) => ms.every((m) => m.matches('')));

  const out = new StepVector(g.steps);
  const outIndex = new Map<string, number>();
  for (let k = 0; k < g.steps; k++) {
    ev.checkAbort();
    const bySig = new Map<string, number>();
    for (let i = 0; i < infoLabels.length; i++) {
      if (!infoPresent[i]![k]) continue;
      const sig = infoSig[i]!;
      const existing = bySig.get(sig);
      if (existing === undefined) {
        bySig.set(sig, i);
        continue;
      }
      const et = infoT[existing]![k]!;
      const nt = infoT[i]![k]!;
      if (et < nt) bySig.set(sig, i);
      else if (et === nt) {
        throw new EvaluationError(
          `found duplicate series for info metric: existing ${infoLabels[existing]!.toString()} @ ${et}, new ${infoLabels[i]!.toString()} @ ${nt}`,
        );
      }
    }
    for (let i = 0; i < base.length; i++) {
      if (!base.present[i]![k]) continue;
      let labels = base.labels[i]!;
      if (!ignore[i]) {
        const add = new Map<string, string>();
        let seen = 0;
        for (const [, sig] of baseSigs[i]!) {
          const ii = bySig.get(sig);
          if (ii === undefined) continue;
          infoLabels[ii]!.forEach((name, value) => {
            if (name === METRIC_NAME_LABEL) return;
            if (dataMatchers.size > 0 && !dataMatchers.has(name)) return;
            const cur = add.get(name);
            if (cur !== undefined && cur !== value) throw new EvaluationError(`conflicting label: ${name}`);
            if (labels.has(name)) return;
            add.set(name, value);
          });
          seen++;
        }
        if (seen === 0 && !allMatchEmpty) continue;
        if (add.size > 0) {
          const b = labels.builder();
          for (const [n, v] of add) b.set(n, v);
          labels = b.labels();
        }
      }
      const key = labels.flat.join('\xff');
      let o = outIndex.get(key);
      if (o === undefined) {
        o = out.add(labels, base.dropName[i]!);
        outIndex.set(key, o);
      }
      if (out.present[o]![k])
        throw new EvaluationError('vector cannot contain metrics with the same labelset');
      out.values[o]![k] = base.values[i]![k]!;
      out.present[o]![k] = 1;
    }
  }
  return out;
}

/**
 * The time at which info series are looked up for each step: the evaluation time moved
 * by the `@` and `offset` of the first selector (and the subqueries above it) in `arg`.
 */
function referenceTimes(ev: Evaluator, arg: Expr, g: Grid): Float64Array {
  const refs = Float64Array.from(g.times);
  let e: Expr | undefined = arg;
  while (e) {
    switch (e.kind) {
      case 'SubqueryExpr': {
        const at = ev.atMs(e.at);
        const off = ev.offsetMs(e);
        for (let k = 0; k < refs.length; k++) refs[k] = (at ?? refs[k]!) - off;
        e = e.expr;
        break;
      }
      case 'MatrixSelector':
        e = e.vectorSelector;
        break;
      case 'VectorSelector': {
        const at = ev.atMs(e.at);
        const off = ev.offsetMs(e);
        for (let k = 0; k < refs.length; k++) refs[k] = (at ?? refs[k]!) - off;
        return refs;
      }
      case 'ParenExpr':
      case 'UnaryExpr':
        e = e.expr;
        break;
      case 'BinaryExpr':
        e = e.lhs;
        break;
      case 'AggregateExpr':
        e = e.expr;
        break;
      case 'Call':
        e = e.args.find((a) => a.kind !== 'NumberLiteral' && a.kind !== 'StringLiteral');
        break;
      default:
        e = undefined;
    }
  }
  return refs;
}
