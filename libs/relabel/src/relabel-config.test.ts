import { describe, expect, it } from 'vitest';
import { InvalidRelabelConfigError } from './errors.ts';
import { parseRelabelConfig } from './relabel-config.ts';
import type { RelabelConfigInput } from './relabel-config.ts';

// Refusals and messages of Prometheus 2.42's relabel.Config validation.
const refused: { name: string; input: RelabelConfigInput; want: string }[] = [
  { name: 'empty action', input: { action: '' }, want: 'relabel action cannot be empty' },
  { name: 'unknown action', input: { action: 'explode' }, want: 'unknown relabel action "explode"' },
  {
    name: 'hashmod without modulus',
    input: { action: 'hashmod', target_label: 'x', source_labels: ['a'] },
    want: 'relabel configuration for hashmod requires non-zero modulus',
  },
  {
    name: 'replace without target',
    input: { source_labels: ['a'] },
    want: "relabel configuration for replace action requires 'target_label' value",
  },
  {
    name: 'replace with a bad target',
    input: { source_labels: ['a'], target_label: '0abc' },
    want: `"0abc" is invalid 'target_label' for replace action`,
  },
  {
    name: 'lowercase with a template target',
    input: { source_labels: ['a'], target_label: '${1}', action: 'lowercase' },
    want: `"\${1}" is invalid 'target_label' for lowercase action`,
  },
  {
    name: 'uppercase with a replacement',
    input: { source_labels: ['a'], target_label: 'b', action: 'uppercase', replacement: 'x' },
    want: "'replacement' can not be set for uppercase action",
  },
  {
    name: 'labelmap with a bad replacement',
    input: { action: 'labelmap', replacement: '-x' },
    want: `"-x" is invalid 'replacement' for labelmap action`,
  },
  {
    name: 'hashmod with a template target',
    input: { action: 'hashmod', modulus: 2, target_label: '$1', source_labels: ['a'] },
    want: `"$1" is invalid 'target_label' for hashmod action`,
  },
  {
    name: 'keepequal with a regex',
    input: { action: 'keepequal', source_labels: ['a'], target_label: 'b', regex: 'x' },
    want: "keepequal action requires only 'source_labels' and `target_label`, and no other fields",
  },
  {
    name: 'labeldrop with source labels',
    input: { action: 'labeldrop', source_labels: ['a'], regex: 'x' },
    want: "labeldrop action requires only 'regex', and no other fields",
  },
  {
    name: 'labelkeep with a separator',
    input: { action: 'labelkeep', separator: ',', regex: 'x' },
    want: "labelkeep action requires only 'regex', and no other fields",
  },
  {
    name: 'bad source label',
    input: { source_labels: ['a-b'], target_label: 'c' },
    want: '"a-b" is not a valid label name',
  },
  {
    name: 'bad regex',
    input: { source_labels: ['a'], target_label: 'c', regex: '(' },
    want: 'error parsing regexp',
  },
];

describe('parseRelabelConfig', () => {
  it.each(refused)('refuses $name', ({ input, want }) => {
    let error: unknown;
    try {
      parseRelabelConfig(input);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InvalidRelabelConfigError);
    expect((error as Error).message).toContain(want);
  });

  it('fills upstream defaults', () => {
    const config = parseRelabelConfig({ source_labels: ['a'], target_label: 'b' });
    expect(config).toMatchObject({ action: 'replace', separator: ';', replacement: '$1', modulus: 0 });
    expect(config.regex.source).toBe('(.*)');
  });

  it.each([
    { action: 'labeldrop', regex: 'x' },
    { action: 'keepequal', source_labels: ['a'], target_label: 'b' },
    { action: 'replace', source_labels: ['a'], target_label: '${1}_x' },
    { action: 'hashmod', source_labels: ['a'], target_label: '__tmp_hash', modulus: 3 },
    { action: 'drop', source_labels: ['a'] },
  ])('accepts %o', (input) => {
    expect(() => parseRelabelConfig(input)).not.toThrow();
  });
});
