import { Labels } from '@argus/model';
import { describe, expect, it } from 'vitest';
import { parseRelabelConfig } from './relabel-config.ts';
import type { RelabelConfigInput } from './relabel-config.ts';
import { relabel } from './relabel.ts';

interface Case {
  readonly name: string;
  readonly input: Record<string, string>;
  readonly rules: readonly RelabelConfigInput[];
  /** undefined: the label set is dropped. */
  readonly want: Record<string, string> | undefined;
}

// Behaviour of Prometheus 2.42's model/relabel, as documented in configuration.md#relabel_config.
const cases: Case[] = [
  {
    name: 'replace with a capture group',
    input: { a: 'foo', b: 'bar', c: 'baz' },
    rules: [{ source_labels: ['a'], regex: 'f(.*)', target_label: 'd', replacement: 'ch${1}-ch${1}' }],
    want: { a: 'foo', b: 'bar', c: 'baz', d: 'choo-choo' },
  },
  {
    name: 'chained replaces see earlier results',
    input: { a: 'foo', b: 'bar', c: 'baz' },
    rules: [
      { source_labels: ['a', 'b'], regex: 'f(.*);(.*)r', target_label: 'a', replacement: 'b${1}${2}m' },
      { source_labels: ['c', 'a'], regex: '(b).*b(.*)ba(.*)', target_label: 'd', replacement: '$1$2$2$3' },
    ],
    want: { a: 'boobam', b: 'bar', c: 'baz', d: 'boooom' },
  },
  {
    name: 'regex is anchored: a partial match does nothing',
    input: { a: 'foo' },
    rules: [{ source_labels: ['a'], regex: 'o', target_label: 'b', replacement: 'x' }],
    want: { a: 'foo' },
  },
  {
    name: 'defaults copy the joined source values',
    input: { a: 'foo', b: 'bar' },
    rules: [{ source_labels: ['a', 'b'], target_label: 'c' }],
    want: { a: 'foo', b: 'bar', c: 'foo;bar' },
  },
  {
    name: 'missing source labels join as empty strings',
    input: { a: 'foo' },
    rules: [{ source_labels: ['a', 'missing'], separator: '-', target_label: 'c' }],
    want: { a: 'foo', c: 'foo-' },
  },
  {
    name: 'empty replacement deletes the target',
    input: { a: 'foo', b: 'bar' },
    rules: [{ source_labels: ['a'], regex: '.*', target_label: 'b', replacement: '' }],
    want: { a: 'foo' },
  },
  {
    name: 'replacement without match leaves the set alone',
    input: { a: 'foo' },
    rules: [{ source_labels: ['a'], regex: 'bar', target_label: 'b', replacement: 'x' }],
    want: { a: 'foo' },
  },
  {
    name: 'target label built from a group',
    input: { a: 'some-name-value' },
    rules: [
      { source_labels: ['a'], regex: 'some-([^-]+)-([^,]+)', target_label: '${1}', replacement: '${2}' },
    ],
    want: { a: 'some-name-value', name: 'value' },
  },
  {
    name: 'target label expanding to an invalid name is skipped',
    input: { a: 'some-1-value' },
    rules: [
      { source_labels: ['a'], regex: 'some-([^-]+)-([^,]+)', target_label: '${1}', replacement: '${2}' },
    ],
    want: { a: 'some-1-value' },
  },
  {
    name: 'named groups',
    input: { __address__: 'host:9100' },
    rules: [
      {
        source_labels: ['__address__'],
        regex: '(?P<host>[^:]+):(?P<port>\\d+)',
        target_label: 'host',
        replacement: '${host}/$port',
      },
    ],
    want: { __address__: 'host:9100', host: 'host/9100' },
  },
  {
    name: '$1x is the group named 1x (empty), ${1}x is group 1 then x',
    input: { a: 'foo' },
    rules: [
      { source_labels: ['a'], regex: '(f)oo', target_label: 'b', replacement: '$1x|' },
      { source_labels: ['a'], regex: '(f)oo', target_label: 'c', replacement: '${1}x' },
    ],
    want: { a: 'foo', b: '|', c: 'fx' },
  },
  {
    name: '$$ is a literal dollar; a lone $ stays',
    input: { a: 'foo' },
    rules: [{ source_labels: ['a'], target_label: 'b', replacement: '$$1 $ ${' }],
    want: { a: 'foo', b: '$1 $ ${' },
  },
  {
    name: 'dot does not match a newline (no s flag, as 2.42)',
    input: { a: 'foo\nbar' },
    rules: [{ source_labels: ['a'], regex: 'foo.bar', action: 'drop' }],
    want: { a: 'foo\nbar' },
  },
  {
    name: 'drop on match',
    input: { a: 'foo', b: 'bar' },
    rules: [{ source_labels: ['a'], regex: 'f.*', action: 'drop' }],
    want: undefined,
  },
  {
    name: 'drop needs a whole match',
    input: { a: 'foo' },
    rules: [{ source_labels: ['a'], regex: 'f', action: 'drop' }],
    want: { a: 'foo' },
  },
  {
    name: 'keep on match',
    input: { a: 'foo' },
    rules: [{ source_labels: ['a'], regex: 'f.*', action: 'keep' }],
    want: { a: 'foo' },
  },
  {
    name: 'keep drops a non-match',
    input: { a: 'foo' },
    rules: [{ source_labels: ['a'], regex: 'b.*', action: 'KEEP' }],
    want: undefined,
  },
  {
    name: 'keep with an absent label matching empty',
    input: { a: 'foo' },
    rules: [{ source_labels: ['b'], regex: '', action: 'keep' }],
    want: { a: 'foo' },
  },
  {
    name: 'keepequal keeps equal',
    input: { a: 'foo', b: 'foo' },
    rules: [{ source_labels: ['a'], target_label: 'b', action: 'keepequal' }],
    want: { a: 'foo', b: 'foo' },
  },
  {
    name: 'keepequal drops unequal',
    input: { a: 'foo', b: 'bar' },
    rules: [{ source_labels: ['a'], target_label: 'b', action: 'keepequal' }],
    want: undefined,
  },
  {
    name: 'dropequal drops equal',
    input: { a: 'foo', b: 'foo' },
    rules: [{ source_labels: ['a'], target_label: 'b', action: 'dropequal' }],
    want: undefined,
  },
  {
    name: 'dropequal keeps unequal',
    input: { a: 'foo', b: 'bar' },
    rules: [{ source_labels: ['a'], target_label: 'b', action: 'dropequal' }],
    want: { a: 'foo', b: 'bar' },
  },
  {
    name: 'hashmod as upstream (md5, last 8 bytes big-endian)',
    input: { a: 'foo', b: 'bar', c: 'baz' },
    rules: [{ source_labels: ['c'], target_label: 'd', action: 'hashmod', modulus: 1000 }],
    want: { a: 'foo', b: 'bar', c: 'baz', d: '976' },
  },
  {
    name: 'hashmod over a value with a newline',
    input: { a: 'foo\nbar' },
    rules: [{ source_labels: ['a'], target_label: 'b', action: 'hashmod', modulus: 1000 }],
    want: { a: 'foo\nbar', b: '734' },
  },
  {
    name: 'labelmap copies matching names',
    input: { a: 'foo', b1: 'bar', b2: 'baz' },
    rules: [{ regex: '(b.*)', replacement: 'bar_${1}', action: 'labelmap' }],
    want: { a: 'foo', b1: 'bar', b2: 'baz', bar_b1: 'bar', bar_b2: 'baz' },
  },
  {
    name: 'labelmap of __meta labels',
    input: { __meta_kubernetes_pod_label_app: 'web', __meta_other: 'x', job: 'j' },
    rules: [{ regex: '__meta_kubernetes_pod_label_(.+)', action: 'labelmap' }],
    want: { __meta_kubernetes_pod_label_app: 'web', __meta_other: 'x', app: 'web', job: 'j' },
  },
  {
    name: 'labelmap onto an existing name overwrites it',
    input: { __tmp_job: 'new', job: 'old' },
    rules: [{ regex: '__tmp_(.+)', action: 'labelmap' }],
    want: { __tmp_job: 'new', job: 'new' },
  },
  {
    name: 'labeldrop',
    input: { a: 'foo', b1: 'bar', b2: 'baz' },
    rules: [{ regex: 'b.*', action: 'labeldrop' }],
    want: { a: 'foo' },
  },
  {
    name: 'labeldrop is anchored',
    input: { a: 'foo', ab: 'bar' },
    rules: [{ regex: 'b', action: 'labeldrop' }],
    want: { a: 'foo', ab: 'bar' },
  },
  {
    name: 'labelkeep',
    input: { a: 'foo', b1: 'bar', b2: 'baz' },
    rules: [{ regex: 'b.*', action: 'labelkeep' }],
    want: { b1: 'bar', b2: 'baz' },
  },
  {
    name: 'lowercase',
    input: { foo: 'bAr123Foo' },
    rules: [{ source_labels: ['foo'], target_label: 'foo_lower', action: 'lowercase' }],
    want: { foo: 'bAr123Foo', foo_lower: 'bar123foo' },
  },
  {
    name: 'uppercase of two sources',
    input: { foo: 'bAr123Foo', bar: 'x' },
    rules: [{ source_labels: ['foo', 'bar'], target_label: 'up', action: 'uppercase' }],
    want: { foo: 'bAr123Foo', bar: 'x', up: 'BAR123FOO;X' },
  },
  {
    name: 'action names are case-insensitive',
    input: { a: 'foo' },
    rules: [{ source_labels: ['a'], target_label: 'b', action: 'Replace' }],
    want: { a: 'foo', b: 'foo' },
  },
];

describe('relabel', () => {
  it.each(cases)('$name', ({ input, rules, want }) => {
    const got = relabel(Labels.fromRecord(input), rules.map(parseRelabelConfig));
    expect(got?.toRecord()).toEqual(want);
  });

  it('returns the same object when nothing changed', () => {
    const labels = Labels.of('a', 'foo');
    expect(
      relabel(labels, [parseRelabelConfig({ source_labels: ['a'], regex: 'x', target_label: 'b' })]),
    ).toBe(labels);
    expect(relabel(labels, [])).toBe(labels);
  });

  it('does not backtrack catastrophically (RE2)', () => {
    const rule = parseRelabelConfig({ source_labels: ['a'], regex: '(a+)+b', action: 'drop' });
    expect(relabel(Labels.of('a', 'a'.repeat(5000) + 'c'), [rule])?.get('a')).toHaveLength(5001);
  });
});
