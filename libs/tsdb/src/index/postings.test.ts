import fc from 'fast-check';
import { Labels, Matcher, matchesAll } from '@argus/model';
import { describe, expect, it } from 'vitest';
import { MemPostings, compareBytes } from './mem-postings.ts';
import { postingsForMatchers } from './postings-for-matchers.ts';
import { gallop, intersectPostings, mergePostings, withoutPostings } from './postings.ts';

const sortedSet = fc
  .uniqueArray(fc.integer({ min: 1, max: 2000 }), { maxLength: 200 })
  .map((a) => Uint32Array.from(a.sort((x, y) => x - y)));

const list = (p: Uint32Array): number[] => Array.from(p);

describe('postings operations', () => {
  it('intersect equals set intersection (property)', () => {
    fc.assert(
      fc.property(fc.array(sortedSet, { minLength: 1, maxLength: 5 }), (lists) => {
        const want = list(lists[0]!).filter((v) => lists.every((l) => l.includes(v)));
        expect(list(intersectPostings(lists))).toEqual(want);
      }),
      { numRuns: 300, seed: 1 },
    );
  });

  it('merge equals sorted set union (property)', () => {
    fc.assert(
      fc.property(fc.array(sortedSet, { maxLength: 6 }), (lists) => {
        const want = [...new Set(lists.flatMap(list))].sort((a, b) => a - b);
        expect(list(mergePostings(lists))).toEqual(want);
      }),
      { numRuns: 300, seed: 2 },
    );
  });

  it('without equals set difference (property)', () => {
    fc.assert(
      fc.property(sortedSet, sortedSet, (a, b) => {
        expect(list(withoutPostings(a, b))).toEqual(list(a).filter((v) => !b.includes(v)));
      }),
      { numRuns: 300, seed: 3 },
    );
  });

  it('gallop finds the lower bound from any start', () => {
    const l = Uint32Array.from([1, 3, 5, 7, 9, 11, 13, 15, 17]);
    expect(gallop(l, 0, 0)).toBe(0);
    expect(gallop(l, 8, 0)).toBe(4);
    expect(gallop(l, 9, 2)).toBe(4);
    expect(gallop(l, 100, 0)).toBe(9);
    expect(gallop(l, 17, 8)).toBe(8);
  });
});

describe('MemPostings', () => {
  it('hands out snapshots that later adds and deletes leave unchanged', () => {
    const p = new MemPostings();
    p.add(1, ['job', 'a']);
    p.add(2, ['job', 'a']);
    const before = p.get('job', 'a');
    for (let r = 3; r < 50; r++) p.add(r, ['job', 'a']);
    p.delete(new Set([1]), [['job', 'a']]);
    expect(list(before)).toEqual([1, 2]);
    expect(p.get('job', 'a')[0]).toBe(2);
    expect(p.get('job', 'a').length).toBe(48);
  });

  it('drops emptied values and names', () => {
    const p = new MemPostings();
    p.add(1, ['a', 'x', 'b', 'y']);
    p.add(2, ['a', 'z']);
    p.delete(new Set([1]), [['a', 'x', 'b', 'y']]);
    expect(p.labelNames()).toEqual(['a']);
    expect(p.labelValues('a')).toEqual(['z']);
    expect(list(p.all())).toEqual([2]);
  });

  it('orders values by UTF-8 bytes', () => {
    expect(['\u{1F600}', '\uFFFD', 'b', 'a'].sort(compareBytes)).toEqual(['a', 'b', '\uFFFD', '\u{1F600}']);
  });
});

describe('postingsForMatchers', () => {
  const values = ['', 'a', 'b', 'ab', 'foo', 'foobar', 'bar'];
  const names = ['n', 'job', 'x'];
  const labelSet = fc
    .tuple(...names.map(() => fc.constantFrom(...values)))
    .map((vs) => Labels.fromPairs(names.map((n, i) => [n, vs[i]!] as [string, string])));
  const matcher = fc
    .tuple(
      fc.constantFrom<'=' | '!=' | '=~' | '!~'>('=', '!=', '=~', '!~'),
      fc.constantFrom(...names, 'absent'),
      fc.constantFrom('', 'a', 'foo', 'a|b', 'foo.*', '.*', '.+', 'a|', 'b.*r', '(a|ab)', 'f.o'),
    )
    .map(([type, name, value]) => Matcher.of(type, name, value));

  it('selects exactly the series a brute-force scan selects (property)', () => {
    fc.assert(
      fc.property(
        fc.array(labelSet, { maxLength: 40 }),
        fc.array(matcher, { minLength: 1, maxLength: 3 }),
        (sets, ms) => {
          const p = new MemPostings();
          sets.forEach((l, i) => p.add(i + 1, l.flat));
          const want = sets.flatMap((l, i) => (matchesAll(ms, (n) => l.get(n)) ? [i + 1] : []));
          expect(list(postingsForMatchers(p, ms))).toEqual(want);
        },
      ),
      { numRuns: 500, seed: 4 },
    );
  });

  it.each([
    { name: 'equal', ms: [Matcher.equal('job', 'a')], want: [1, 2] },
    { name: 'not equal includes series without the label', ms: [Matcher.notEqual('job', 'a')], want: [3, 4] },
    { name: 'label must be unset', ms: [Matcher.equal('job', '')], want: [4] },
    { name: 'label must be set', ms: [Matcher.notEqual('job', '')], want: [1, 2, 3] },
    { name: 'regex set', ms: [Matcher.regex('job', 'a|b')], want: [1, 2, 3] },
    { name: 'regex prefix', ms: [Matcher.regex('i', '1.*')], want: [1, 3] },
    { name: 'not regex', ms: [Matcher.notRegex('job', 'a')], want: [3, 4] },
    { name: 'intersection', ms: [Matcher.equal('job', 'a'), Matcher.regex('i', '2|3')], want: [2] },
  ])('$name', ({ ms, want }) => {
    const p = new MemPostings();
    p.add(1, ['i', '1', 'job', 'a']);
    p.add(2, ['i', '2', 'job', 'a']);
    p.add(3, ['i', '10', 'job', 'b']);
    p.add(4, ['i', '4']);
    expect(list(postingsForMatchers(p, ms))).toEqual(want);
  });
});
