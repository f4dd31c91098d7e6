import { inspect } from 'node:util';
import { join } from 'node:path';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { decodeYaml, schema as s } from './config-decoder.ts';
import { ConfigError } from './errors.ts';
import { loadYamlFile, parseYaml } from './yaml-document.ts';

const rule = s.object({
  alert: s.optional(s.string()),
  record: s.optional(s.string()),
  expr: s.string(),
  for: s.optional(s.duration(), 0),
  labels: s.optional(s.record(s.string())),
});
const ruleFile = s.object({
  groups: s.list(s.object({ name: s.string(), interval: s.optional(s.duration()), rules: s.list(rule) })),
});

function problems(text: string, decoder: Parameters<typeof decodeYaml>[1]): string[] {
  try {
    decodeYaml(parseYaml(text, 'c.yml'), decoder);
  } catch (error) {
    if (error instanceof ConfigError) return error.message.split('\n');
    throw error;
  }
  return [];
}

describe('decodeYaml', () => {
  it('reports an unknown field at its key, as rules.yml:9:9', async () => {
    const file = join(import.meta.dirname, 'testdata', 'rules-unknown-field.yml');
    const doc = await loadYamlFile(file);
    expect(() => decodeYaml(doc, ruleFile)).toThrow(ConfigError);
    expect(() => decodeYaml(doc, ruleFile)).toThrow(
      `${file}:7:9: missing required field "expr"\n${file}:9:9: unknown field "exprr"`,
    );
  });

  it('decodes typed values with fallbacks', () => {
    const doc = parseYaml(
      'groups:\n- name: g\n  interval: 1m\n  rules:\n  - alert: A\n    expr: up == 0\n    labels: {severity: page, n: 1}\n',
      'r.yml',
    );
    const value = decodeYaml(doc, ruleFile);
    expect(value).toEqual({
      groups: [
        {
          name: 'g',
          interval: 60_000,
          rules: [{ alert: 'A', expr: 'up == 0', for: 0, labels: { severity: 'page', n: '1' } }],
        },
      ],
    });
    expectTypeOf(value.groups[0]!.rules[0]!.for).toEqualTypeOf<number>();
    expectTypeOf(value.groups[0]!.interval).toEqualTypeOf<number | undefined>();
  });

  it.each([
    {
      name: 'string where a mapping belongs',
      text: 'groups: nope\n',
      want: ['c.yml:1:9: expected list, got string "nope"'],
    },
    {
      name: 'mapping where a string belongs',
      text: 'groups:\n- name: {a: 1}\n  rules: []\n',
      want: ['c.yml:2:9: expected string, got mapping'],
    },
    {
      name: 'bad duration',
      text: 'groups:\n- name: g\n  interval: 5x\n  rules: []\n',
      want: ['c.yml:3:13: not a valid duration string: "5x"'],
    },
    {
      name: 'missing field',
      text: 'groups:\n- rules: []\n',
      want: ['c.yml:2:3: missing required field "name"'],
    },
    {
      name: 'several problems in document order',
      text: 'groups:\n- name: g\n  rules:\n  - expr: 1\n    foo: 2\n  - exprr: x\n',
      want: [
        'c.yml:5:5: unknown field "foo"',
        'c.yml:6:5: unknown field "exprr"',
        'c.yml:6:5: missing required field "expr"',
      ],
    },
    {
      name: 'null where a string belongs',
      text: 'groups:\n- name:\n  rules: []\n',
      want: ['c.yml:2:3: expected string, got null'],
    },
  ])('reports $name', ({ text, want }) => {
    expect(problems(text, ruleFile)).toEqual(want);
  });

  it.each([
    { decoder: s.int(), text: '1.5', want: ['c.yml:1:1: expected integer, got number'] },
    { decoder: s.bool(), text: '"true"', want: ['c.yml:1:1: expected boolean, got string "true"'] },
    { decoder: s.bool(), text: '"yes"', want: ['c.yml:1:1: expected boolean, got string "yes"'] },
    { decoder: s.bool(), text: 'maybe', want: ['c.yml:1:1: expected boolean, got string "maybe"'] },
    {
      decoder: s.oneOf('a', 'b'),
      text: 'c',
      want: ['c.yml:1:1: invalid value "c", expected one of "a", "b"'],
    },
    { decoder: s.number(), text: '.nan', want: [] },
    { decoder: s.list(s.int()), text: '[1, x]', want: ['c.yml:1:5: expected integer, got string "x"'] },
    {
      decoder: s.refine(s.int(), (n, fail) => (n > 0 ? n : fail('must be positive'))),
      text: '-1',
      want: ['c.yml:1:1: must be positive'],
    },
    { decoder: s.object({ a: s.int() }, { allowUnknown: true }), text: '{a: 1, b: 2}', want: [] },
    { decoder: s.object({ a: s.optional(s.int()) }), text: '', want: [] },
  ])('$text as $decoder.expected', ({ decoder, text, want }) => {
    expect(problems(text, decoder as Parameters<typeof decodeYaml>[1])).toEqual(want);
  });
});

describe('schema.secret', () => {
  it('keeps the value behind reveal() and prints <secret> everywhere else', () => {
    const doc = parseYaml('receivers:\n- name: team\n  password: hunter2\n', 's.yml');
    const value = decodeYaml(
      doc,
      s.object({ receivers: s.list(s.object({ name: s.string(), password: s.secret() })) }),
    );
    const password = value.receivers[0]!.password;
    expect(password.reveal()).toBe('hunter2');
    expect(JSON.stringify(value)).toBe('{"receivers":[{"name":"team","password":"<secret>"}]}');
    expect(`${password}`).toBe('<secret>');
    expect(inspect(value, { depth: 5 })).not.toContain('hunter2');
  });
});

describe('schema.bool', () => {
  it.each([
    { text: 'true', want: true },
    { text: 'False', want: false },
    { text: 'yes', want: true },
    { text: 'On', want: true },
    { text: 'NO', want: false },
    { text: 'n', want: false },
  ])('reads plain $text as $want, as Go yaml.v2 does', ({ text, want }) => {
    expect(
      decodeYaml(parseYaml(`send_resolved: ${text}\n`, 'b.yml'), s.object({ send_resolved: s.bool() })),
    ).toEqual({ send_resolved: want });
  });

  it('keeps quoted and block words as strings', () => {
    const doc = parseYaml("a: 'yes'\nb: yes\nc: |\n  yes\n", 'b.yml');
    const styles = doc.root!.entries!.map((e) => e.valueNode.style);
    expect(styles).toEqual(['quoted', 'plain', 'block']);
  });
});
