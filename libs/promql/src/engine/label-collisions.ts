// Series whose label sets become equal once the metric name is dropped: detecting that
// cheaply, and merging them (or failing as upstream does when two share a step).
import type { Labels } from '@argus/model';
import { EvaluationError } from './errors.ts';
import { StepVector } from './step-vector.ts';

/** Whether dropping `__name__`/`__type__`/`__unit__` from these label sets can make two of them equal. */
export function mayCollideWithoutName(labels: readonly Labels[]): boolean {
  if (labels.length < 2) return false;
  const first = labels[0]!;
  const name = first.get('__name__');
  const type = first.get('__type__');
  const unit = first.get('__unit__');
  for (let i = 1; i < labels.length; i++) {
    const l = labels[i]!;
    if (l.get('__name__') !== name || l.get('__type__') !== type || l.get('__unit__') !== unit) return true;
  }
  return false;
}

/**
 * Merges series with equal label sets into one; two of them present at the same step
 * is upstream's "vector cannot contain metrics with the same labelset".
 */
export function mergeSameLabels(vec: StepVector): StepVector {
  if (vec.length < 2) return vec;
  const first = new Map<number, number>();
  let dup = false;
  for (let i = 0; i < vec.length; i++) {
    const h = vec.labels[i]!.hash();
    if (first.has(h)) {
      dup = true;
      break;
    }
    first.set(h, i);
  }
  if (!dup) return vec;
  const byKey = new Map<number, number[]>();
  for (let i = 0; i < vec.length; i++) {
    const h = vec.labels[i]!.hash();
    const list = byKey.get(h);
    if (list) list.push(i);
    else byKey.set(h, [i]);
  }
  if (!dup) return vec;
  const out = new StepVector(vec.steps);
  const taken = new Uint8Array(vec.length);
  for (let i = 0; i < vec.length; i++) {
    if (taken[i]) continue;
    const same = byKey
      .get(vec.labels[i]!.hash())!
      .filter((j) => j >= i && vec.labels[j]!.equals(vec.labels[i]!));
    if (same.length === 1) {
      out.adopt(vec.labels[i]!, vec.dropName[i]!, vec.values[i]!, vec.present[i]!);
      continue;
    }
    const values = new Float64Array(vec.steps);
    const present = new Uint8Array(vec.steps);
    let dropName = false;
    for (const j of same) {
      taken[j] = 1;
      dropName ||= vec.dropName[j]!;
      const p = vec.present[j]!;
      for (let k = 0; k < vec.steps; k++) {
        if (!p[k]) continue;
        if (present[k]) throw new EvaluationError('vector cannot contain metrics with the same labelset');
        present[k] = 1;
        values[k] = vec.values[j]![k]!;
      }
    }
    out.adopt(vec.labels[i]!, dropName, values, present);
  }
  return out;
}
