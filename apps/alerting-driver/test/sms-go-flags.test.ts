// sachet's Go `flag` command line, and Go's filepath.Glob for `templates:`.
import { mkdirSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defineFlags, parseFlags } from '@argus/service-kit';
import { makeTempDir } from '@argus/testkit';
import type { TempDir } from '@argus/testkit';
import { goFlagsToLong } from '../src/sms/go-flags.ts';
import { goGlob } from '../src/sms/go-glob.ts';

const specs = defineFlags({
  'listen-address': { type: 'string', default: ':9876', help: '' },
  config: { type: 'string', default: 'config.yaml', help: '' },
  'compat.send-failure-4xx': { type: 'bool', default: false, help: '' },
});

describe('Go flag syntax', () => {
  it.each([
    { argv: ['-config', '/etc/sachet/config.yaml'], want: { config: '/etc/sachet/config.yaml' } },
    {
      argv: ['-config=/c.yaml', '--listen-address', ':1'],
      want: { config: '/c.yaml', 'listen-address': ':1' },
    },
    { argv: ['--config=/c.yaml', '-listen-address=127.0.0.1:9'], want: { 'listen-address': '127.0.0.1:9' } },
    { argv: ['-compat.send-failure-4xx'], want: { 'compat.send-failure-4xx': true } },
    {
      argv: ['-compat.send-failure-4xx=false', '-config', 'x'],
      want: { 'compat.send-failure-4xx': false, config: 'x' },
    },
    { argv: ['-config', '-odd-name.yaml'], want: { config: '-odd-name.yaml' } },
    { argv: ['-config', 'a', 'positional', '-config', 'b'], want: { config: 'a' } },
    { argv: ['-config', 'a', '--', '-config', 'b'], want: { config: 'a' } },
    { argv: ['-compat.send-failure-4xx=1'], want: { 'compat.send-failure-4xx': true } },
    { argv: ['-compat.send-failure-4xx=F'], want: { 'compat.send-failure-4xx': false } },
    { argv: [], want: { config: 'config.yaml', 'listen-address': ':9876' } },
  ])('$argv', ({ argv, want }) => {
    const parsed = parseFlags(specs, goFlagsToLong(argv, specs));
    expect(parsed.kind).toBe('run');
    expect(parsed.kind === 'run' ? parsed.flags : undefined).toMatchObject(want);
  });

  it('-h and -help ask for help; an unknown flag is reported by name', () => {
    expect(parseFlags(specs, goFlagsToLong(['-h'], specs)).kind).toBe('help');
    expect(parseFlags(specs, goFlagsToLong(['-help'], specs)).kind).toBe('help');
    expect(() => parseFlags(specs, goFlagsToLong(['-nope'], specs))).toThrow(/nope/);
    expect(() => parseFlags(specs, goFlagsToLong(['-compat.send-failure-4xx=maybe'], specs))).toThrow(
      /maybe/,
    );
    expect(() => parseFlags(specs, goFlagsToLong(['-config'], specs))).toThrow(
      /expected argument for flag '--config'/,
    );
  });
});

describe('Go glob', () => {
  let dir: TempDir;
  beforeAll(async () => {
    dir = await makeTempDir('sms-glob');
    mkdirSync(dir.join('a', 'x'), { recursive: true });
    mkdirSync(dir.join('b'), { recursive: true });
    for (const f of [
      'a/z.tmpl',
      'a/m.tmpl',
      'a/.hidden.tmpl',
      'a/notes.txt',
      'a/x/deep.tmpl',
      'b/k.tmpl',
      'b/k1.tmpl',
    ]) {
      writeFileSync(dir.join(f), '');
    }
  });
  afterAll(async () => dir?.remove());

  it.each([
    ['a/*.tmpl', ['a/.hidden.tmpl', 'a/m.tmpl', 'a/z.tmpl']],
    ['*/*.tmpl', ['a/.hidden.tmpl', 'a/m.tmpl', 'a/z.tmpl', 'b/k.tmpl', 'b/k1.tmpl']],
    ['b/k?.tmpl', ['b/k1.tmpl']],
    ['b/k[0-9].tmpl', ['b/k1.tmpl']],
    ['b/k[^0-9].tmpl', []],
    ['a/notes.txt', ['a/notes.txt']],
    ['a/missing.tmpl', []],
    ['nodir/*.tmpl', []],
    ['a/*', ['a/.hidden.tmpl', 'a/m.tmpl', 'a/notes.txt', 'a/x', 'a/z.tmpl']],
  ])('%s', (pattern, want) => {
    expect(goGlob(dir.join(pattern))).toEqual(want.map((f) => dir.join(f)));
  });

  it('a malformed class is an error', () => {
    expect(() => goGlob(dir.join('a/[x'))).toThrow(/syntax error in pattern/);
  });
});
