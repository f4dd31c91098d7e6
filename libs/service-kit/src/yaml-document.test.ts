import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, ConfigReadError } from './errors.ts';
import { loadYamlFile, parseYaml } from './yaml-document.ts';
import type { YamlNode } from './yaml-document.ts';

function at(node: YamlNode | undefined): string {
  return node ? `${node.line}:${node.column}` : 'none';
}

function entry(node: YamlNode | undefined, key: string) {
  return node?.entries?.find((e) => e.key === key);
}

describe('parseYaml', () => {
  it('gives every key and value its position', () => {
    const text = [
      'groups:',
      '  - name: a   # comment',
      '    rules:',
      '      - alert: X',
      '        expr: up == 0',
      '        labels: {sev: "page", n: 1}',
      '',
    ].join('\n');
    const doc = parseYaml(text, 'r.yml');
    const groups = entry(doc.root, 'groups')!;
    expect(at(groups.keyNode)).toBe('1:1');
    expect(at(groups.valueNode)).toBe('2:3');
    const group = groups.valueNode.items![0]!;
    expect(at(group)).toBe('2:5');
    expect(at(entry(group, 'name')!.valueNode)).toBe('2:11');
    const rule = entry(group, 'rules')!.valueNode.items![0]!;
    expect(at(entry(rule, 'expr')!.keyNode)).toBe('5:9');
    expect(at(entry(rule, 'expr')!.valueNode)).toBe('5:15');
    const labels = entry(rule, 'labels')!.valueNode;
    expect(at(entry(labels, 'sev')!.valueNode)).toBe('6:23');
    expect(at(entry(labels, 'n')!.keyNode)).toBe('6:31');
    expect(doc.value).toEqual({
      groups: [{ name: 'a', rules: [{ alert: 'X', expr: 'up == 0', labels: { sev: 'page', n: 1 } }] }],
    });
  });

  it('keeps positions through nulls, tags, anchors, aliases and merge keys', () => {
    const text = [
      'a:',
      'b: !!str &x 5',
      'c: *x',
      'base: &base {p: 1}',
      'd:',
      '  <<: *base',
      '  q: 2',
      'e: [1, null, x]',
      '',
    ].join('\n');
    const doc = parseYaml(text, 'x.yml');
    expect(doc.value).toEqual({
      a: null,
      b: '5',
      c: '5',
      base: { p: 1 },
      d: { p: 1, q: 2 },
      e: [1, null, 'x'],
    });
    expect(at(entry(doc.root, 'b')!.valueNode)).toBe('2:4');
    expect(at(entry(doc.root, 'c')!.keyNode)).toBe('3:1');
    const d = entry(doc.root, 'd')!.valueNode;
    expect(at(entry(d, 'q')!.keyNode)).toBe('7:3');
    expect(entry(d, 'p')).toBeDefined();
    const items = entry(doc.root, 'e')!.valueNode.items!;
    expect(items.map(at)).toEqual(['8:5', '8:8', '8:14']);
  });

  it('takes plain values as strings, numbers, booleans (YAML 1.2 core, no timestamps)', () => {
    expect(parseYaml('a: 2024-01-01\nb: 0x10\nc: yes\nd: .inf\n', 'v.yml').value).toEqual({
      a: '2024-01-01',
      b: 16,
      c: 'yes',
      d: Infinity,
    });
  });

  it('treats an empty document as no root', () => {
    expect(parseYaml('# nothing\n', 'e.yml')).toEqual({ file: 'e.yml', value: null, root: undefined });
  });

  it('ignores a byte order mark when counting columns', () => {
    const doc = parseYaml('\ufeffa: 1\n', 'bom.yml');
    expect(at(entry(doc.root, 'a')!.keyNode)).toBe('1:1');
  });

  it.each([
    { name: 'duplicate key', text: 'a: 1\na: 2\n', want: 'd.yml:2:1: duplicated mapping key' },
    {
      name: 'bad indentation',
      text: 'a:\n  b: 1\n c: 2\n',
      want: 'd.yml:3:2: bad indentation of a mapping entry',
    },
    {
      name: 'unclosed flow',
      text: 'a: [1, 2\nb: 3\n',
      want: 'd.yml:2:1: missed comma between flow collection entries',
    },
    { name: 'tab indentation', text: 'a:\n\tb: 1\n', want: /^d\.yml:2:\d+: / },
  ])('reports $name as file:line:col without a stack', ({ text, want }) => {
    let error: unknown;
    try {
      parseYaml(text, 'd.yml');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as ConfigError).message;
    if (typeof want === 'string') expect(message).toBe(want);
    else expect(message).toMatch(want);
    expect(message).not.toContain('\n');
    expect(message).not.toMatch(/\s+at /);
  });
});

describe('loadYamlFile', () => {
  const dir = mkdtempSync(join(tmpdir(), 'service-kit-yaml-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reads a file and names it in errors', async () => {
    const file = join(dir, 'bad.yml');
    writeFileSync(file, 'a: 1\n  b: 2\n');
    await expect(loadYamlFile(file)).rejects.toThrow(new RegExp(`^${file}:2:\\d+: `));
  });

  it('reports a missing file as ConfigReadError', async () => {
    const missing = join(dir, 'missing.yml');
    await expect(loadYamlFile(missing)).rejects.toBeInstanceOf(ConfigReadError);
    await expect(loadYamlFile(missing)).rejects.toThrow(`${missing}: cannot read config file: ENOENT`);
  });
});
