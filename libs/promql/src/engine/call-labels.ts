// Label functions (`label_replace`, `label_join`) and the sort functions.
import { METRIC_NAME_LABEL, isValidLabelName } from '@argus/model';
import RE2 from 're2';
import type { Call } from '../parser/ast.ts';
import { messages } from './annotations.ts';
import { EvaluationError } from './errors.ts';
import type { Evaluator } from './evaluator.ts';
import { mergeSameLabels } from './label-collisions.ts';
import type { Grid } from './grid.ts';
import { StepVector, compareLabels } from './step-vector.ts';
import { stringArg } from './call-util.ts';

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

export async function labelReplace(ev: Evaluator, call: Call, g: Grid): Promise<StepVector> {
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

export async function labelJoin(ev: Evaluator, call: Call, g: Grid): Promise<StepVector> {
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

export async function sortCall(ev: Evaluator, call: Call, g: Grid): Promise<StepVector> {
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
