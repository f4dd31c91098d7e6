import { describe, expect, it } from 'vitest';
import { Labels, LabelsBuilder, isValidLabelName, isValidMetricName, validateLabels } from './labels.ts';

describe('Labels', () => {
  it('sorts by name, drops empty values and keeps the last of a repeated name', () => {
    const l = Labels.fromPairs([
      ['job', 'node'],
      ['__name__', 'up'],
      ['empty', ''],
      ['job', 'api'],
    ]);
    expect(l.flat).toEqual(['__name__', 'up', 'job', 'api']);
    expect(l.size).toBe(2);
    expect(l.metricName).toBe('up');
    expect(l.get('empty')).toBe('');
    expect(l.has('empty')).toBe(false);
  });

  it.each([
    {
      name: 'equal sets',
      a: Labels.of('a', '1', 'b', '2'),
      b: Labels.fromRecord({ b: '2', a: '1' }),
      equal: true,
    },
    { name: 'different value', a: Labels.of('a', '1'), b: Labels.of('a', '2'), equal: false },
    { name: 'different size', a: Labels.of('a', '1'), b: Labels.of('a', '1', 'b', '2'), equal: false },
    { name: 'split ambiguity', a: Labels.of('ab', 'c'), b: Labels.of('a', 'bc'), equal: false },
  ])('equality and hash: $name', ({ a, b, equal }) => {
    expect(a.equals(b)).toBe(equal);
    expect(a.hash() === b.hash()).toBe(equal);
  });

  it('finds values by binary search in large sets', () => {
    const pairs = Array.from({ length: 40 }, (_, i) => [`l${String(i).padStart(2, '0')}`, `v${i}`] as const);
    const l = Labels.fromPairs(pairs);
    for (const [n, v] of pairs) expect(l.get(n)).toBe(v);
    expect(l.get('zz')).toBe('');
  });

  it.each([
    { a: Labels.of('a', '1'), b: Labels.of('a', '2'), want: -1 },
    { a: Labels.of('a', '1', 'b', '1'), b: Labels.of('a', '1'), want: 1 },
    { a: Labels.of('b', '1'), b: Labels.of('a', '1', 'c', '1'), want: 1 },
    { a: Labels.of('a', '1'), b: Labels.of('a', '1'), want: 0 },
  ])('compare($a, $b) has sign $want', ({ a, b, want }) => {
    expect(Math.sign(Labels.compare(a, b))).toBe(want);
  });

  it('hashes subsets for grouping', () => {
    const a = Labels.of('__name__', 'x', 'job', 'j', 'instance', 'i1');
    const b = Labels.of('__name__', 'y', 'job', 'j', 'instance', 'i2');
    expect(a.hashForNames(['job'])).toBe(b.hashForNames(['job']));
    expect(a.hashForNames(['instance', 'job'])).not.toBe(b.hashForNames(['instance', 'job']));
    expect(a.hashWithoutNames(['instance'])).toBe(b.hashWithoutNames(['instance']));
  });

  it('prints as Prometheus does, quoting non-legacy names', () => {
    expect(Labels.of('__name__', 'up', 'a.b', 'x"y').toString()).toBe('{__name__="up", "a.b"="x\\"y"}');
  });

  it('builds new sets without touching the base', () => {
    const base = Labels.of('a', '1', 'b', '2', 'c', '3');
    const next = new LabelsBuilder(base).set('d', '4').delete('a').set('b', '').labels();
    expect(next.toRecord()).toEqual({ c: '3', d: '4' });
    expect(base.toRecord()).toEqual({ a: '1', b: '2', c: '3' });
    expect(base.builder().keep('b').labels().toRecord()).toEqual({ b: '2' });
    expect(base.builder().labels()).toBe(base);
  });

  it('keeps, drops and removes the metric name', () => {
    const l = Labels.of('__name__', 'up', 'a', '1', 'b', '2');
    expect(l.keep(['a']).toRecord()).toEqual({ a: '1' });
    expect(l.drop(['a']).toRecord()).toEqual({ __name__: 'up', b: '2' });
    expect(l.withoutMetricName().has('__name__')).toBe(false);
  });
});

describe('name validity', () => {
  it.each([
    { name: 'job', utf8: true, legacy: true },
    { name: '_x9', utf8: true, legacy: true },
    { name: '9x', utf8: true, legacy: false },
    { name: 'a.b', utf8: true, legacy: false },
    { name: 'ä', utf8: true, legacy: false },
    { name: '', utf8: false, legacy: false },
    { name: '\ud800', utf8: false, legacy: false },
  ])('label name $name', ({ name, utf8, legacy }) => {
    expect(isValidLabelName(name, 'utf8')).toBe(utf8);
    expect(isValidLabelName(name, 'legacy')).toBe(legacy);
  });

  it.each([
    { name: 'a:b_c', legacy: true },
    { name: ':a', legacy: true },
    { name: 'a-b', legacy: false },
  ])('metric name $name', ({ name, legacy }) => {
    expect(isValidMetricName(name, 'legacy')).toBe(legacy);
    expect(isValidMetricName(name, 'utf8')).toBe(true);
  });

  it('names the first invalid label', () => {
    expect(() => validateLabels(Labels.of('__name__', 'a-b'), 'legacy')).toThrow('invalid metric name "a-b"');
    expect(() => validateLabels(Labels.of('a.b', 'x'), 'legacy')).toThrow('invalid label name "a.b"');
    expect(() => validateLabels(Labels.of('a.b', 'x'), 'utf8')).not.toThrow();
  });
});
