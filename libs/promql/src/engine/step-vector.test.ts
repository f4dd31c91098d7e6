import { Labels } from '@argus/model';
import { describe, expect, it } from 'vitest';
import { EvaluationError } from './errors.ts';
import { mergeSameLabels } from './label-collisions.ts';
import { StepVector, compareLabels, compareUtf8 } from './step-vector.ts';

describe('compareUtf8', () => {
  it.each([
    { a: 'a', b: 'b', want: -1 },
    { a: 'ab', b: 'a', want: 1 },
    { a: 'Z', b: 'a', want: -1 },
    // U+FF5E is after U+D83D (a surrogate) in UTF-16 but before U+1F600 in UTF-8.
    { a: '\uff5e', b: '😀', want: -1 },
    { a: 'é', b: 'z', want: 1 },
    { a: 'x', b: 'x', want: 0 },
  ])('$a vs $b', ({ a, b, want }) => {
    expect(Math.sign(compareUtf8(a, b))).toBe(want);
  });

  it('orders label sets name by name, shorter first', () => {
    const sets = [Labels.of('a', '2'), Labels.of('a', '1', 'b', '1'), Labels.of('a', '1')];
    expect(sets.sort(compareLabels).map(String)).toEqual(['{a="1"}', '{a="1", b="1"}', '{a="2"}']);
  });
});

function vec(rows: Array<[Labels, Array<number | undefined>]>): StepVector {
  const v = new StepVector(rows[0]![1].length);
  for (const [labels, values] of rows) {
    const i = v.add(labels, false);
    values.forEach((x, k) => {
      if (x === undefined) return;
      v.values[i]![k] = x;
      v.present[i]![k] = 1;
    });
  }
  return v;
}

describe('mergeSameLabels', () => {
  it('merges equal label sets present at different steps', () => {
    const out = mergeSameLabels(
      vec([
        [Labels.of('a', '1'), [1, undefined]],
        [Labels.of('a', '1'), [undefined, 2]],
        [Labels.of('a', '2'), [3, 3]],
      ]),
    );
    expect(out.length).toBe(2);
    expect(Array.from(out.values[0]!)).toEqual([1, 2]);
    expect(Array.from(out.present[0]!)).toEqual([1, 1]);
  });

  it('fails when equal label sets meet at one step', () => {
    expect(() =>
      mergeSameLabels(
        vec([
          [Labels.of('a', '1'), [1]],
          [Labels.of('a', '1'), [2]],
        ]),
      ),
    ).toThrow(EvaluationError);
  });

  it('returns the input when all label sets differ', () => {
    const input = vec([
      [Labels.of('a', '1'), [1]],
      [Labels.of('a', '2'), [2]],
    ]);
    expect(mergeSameLabels(input)).toBe(input);
  });
});
