import { describe, expect, it } from 'vitest';
import { almostEqual, bucketQuantile, quantile } from './quantile.ts';

const b = (pairs: Array<[number, number]>) => pairs.map(([upperBound, count]) => ({ upperBound, count }));

describe('bucketQuantile', () => {
  it.each([
    {
      name: 'median in second bucket',
      q: 0.5,
      buckets: b([
        [1, 1],
        [2, 3],
        [Infinity, 4],
      ]),
      want: 1.5,
      forced: false,
    },
    {
      name: 'lowest bucket starts at zero',
      q: 0.25,
      buckets: b([
        [4, 2],
        [Infinity, 2],
      ]),
      want: 1,
      forced: false,
    },
    {
      name: 'rank in +Inf bucket gives the highest finite bound',
      q: 0.99,
      buckets: b([
        [1, 1],
        [Infinity, 10],
      ]),
      want: 1,
      forced: false,
    },
    {
      name: 'no +Inf bucket',
      q: 0.5,
      buckets: b([
        [1, 1],
        [2, 2],
      ]),
      want: NaN,
      forced: false,
    },
    {
      name: 'no observations',
      q: 0.5,
      buckets: b([
        [1, 0],
        [Infinity, 0],
      ]),
      want: NaN,
      forced: false,
    },
    {
      name: 'q below 0',
      q: -1,
      buckets: b([
        [1, 1],
        [Infinity, 1],
      ]),
      want: -Infinity,
      forced: false,
    },
    {
      name: 'q above 1',
      q: 2,
      buckets: b([
        [1, 1],
        [Infinity, 1],
      ]),
      want: Infinity,
      forced: false,
    },
    {
      name: 'non-monotonic buckets are fixed',
      q: 0.5,
      buckets: b([
        [1, 2],
        [2, 1],
        [Infinity, 2],
      ]),
      want: 0.5,
      forced: true,
    },
    {
      name: 'float noise is flattened silently',
      q: 0.5,
      buckets: b([
        [1, 2],
        [2, 2 - 1e-15],
        [Infinity, 2],
      ]),
      want: 0.5,
      forced: false,
    },
  ])('$name', ({ q, buckets, want, forced }) => {
    const r = bucketQuantile(q, buckets);
    expect(r.value).toBe(want);
    expect(r.forcedMonotonicity).toBe(forced);
  });
});

describe('quantile', () => {
  it.each([
    { q: 0.5, values: [3, 1, 2], want: 2 },
    { q: 0.25, values: [1, 2, 3, 4, 5], want: 2 },
    { q: 0.9, values: [1, 2], want: 1.9 },
    { q: NaN, values: [1], want: NaN },
    { q: 0.5, values: [], want: NaN },
  ])('q=$q of $values is $want', ({ q, values, want }) => {
    const got = quantile(q, values);
    if (Number.isNaN(want)) expect(got).toBeNaN();
    else expect(got).toBeCloseTo(want);
  });
});

describe('almostEqual', () => {
  it.each([
    { a: 1, b: 1 + 1e-9, want: true },
    { a: 1, b: 1.001, want: false },
    { a: 0, b: 1e-17, want: false },
    { a: NaN, b: NaN, want: true },
    { a: Infinity, b: Infinity, want: true },
    { a: Infinity, b: 1e308, want: false },
  ])('$a vs $b', ({ a, b, want }) => {
    expect(almostEqual(a, b, 1e-6)).toBe(want);
  });
});
