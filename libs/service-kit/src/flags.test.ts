import { describe, expect, it } from 'vitest';
import { FlagError } from './errors.ts';
import { exporterWebFlags, logFlags } from './common-flags.ts';
import { defineFlags, formatHelp, parseFlags } from './flags.ts';

const specs = defineFlags({
  'web.listen-address': { type: 'string', default: ':9100', help: 'Address to listen on.' },
  'web.config.file': { type: 'string', help: 'Web config.' },
  'web.enable-admin-api': { type: 'bool', help: 'Admin API.' },
  'collector.cpu': { type: 'bool', default: true, help: 'Enable the cpu collector.' },
  'web.max-requests': { type: 'int', default: 40, help: 'Max parallel requests.' },
  'scrape.timeout': { type: 'duration', default: '10s', help: 'Timeout.' },
  'storage.tsdb.retention.size': { type: 'bytes', default: '0', help: 'Max bytes.' },
  'collector.filesystem.mount': { type: 'list', help: 'Mount points.' },
  'log.level': {
    type: 'string',
    default: 'info',
    choices: ['debug', 'info', 'warn', 'error'],
    help: 'Level.',
  },
});

const defaults = {
  'web.listen-address': ':9100',
  'web.config.file': undefined,
  'web.enable-admin-api': false,
  'collector.cpu': true,
  'web.max-requests': 40,
  'scrape.timeout': 10_000,
  'storage.tsdb.retention.size': 0,
  'collector.filesystem.mount': [],
  'log.level': 'info',
};

describe('parseFlags', () => {
  it.each([
    { name: 'no arguments gives the defaults', argv: [], want: {} },
    { name: '--name=value', argv: ['--web.listen-address=:9200'], want: { 'web.listen-address': ':9200' } },
    {
      name: '--name value',
      argv: ['--web.listen-address', '127.0.0.1:0'],
      want: { 'web.listen-address': '127.0.0.1:0' },
    },
    {
      name: 'value containing =',
      argv: ['--web.config.file=a=b.yml'],
      want: { 'web.config.file': 'a=b.yml' },
    },
    { name: 'empty value', argv: ['--web.config.file='], want: { 'web.config.file': '' } },
    {
      name: 'bool flag alone sets true',
      argv: ['--web.enable-admin-api'],
      want: { 'web.enable-admin-api': true },
    },
    { name: '--no- negates a bool', argv: ['--no-collector.cpu'], want: { 'collector.cpu': false } },
    { name: '--bool=false', argv: ['--collector.cpu=false'], want: { 'collector.cpu': false } },
    {
      name: 'last of a repeated scalar wins',
      argv: ['--web.max-requests=1', '--web.max-requests', '2'],
      want: { 'web.max-requests': 2 },
    },
    { name: 'int', argv: ['--web.max-requests=-3'], want: { 'web.max-requests': -3 } },
    { name: 'duration to ms', argv: ['--scrape.timeout=1m30s'], want: { 'scrape.timeout': 90_000 } },
    {
      name: 'bytes with base-2 units',
      argv: ['--storage.tsdb.retention.size=512MB'],
      want: { 'storage.tsdb.retention.size': 512 * 2 ** 20 },
    },
    {
      name: 'repeated list flag collects in order',
      argv: ['--collector.filesystem.mount=/', '--collector.filesystem.mount', '/home'],
      want: { 'collector.filesystem.mount': ['/', '/home'] },
    },
    { name: 'choice', argv: ['--log.level=debug'], want: { 'log.level': 'debug' } },
    { name: '-- ends flags', argv: ['--web.enable-admin-api', '--'], want: { 'web.enable-admin-api': true } },
  ])('$name', ({ argv, want }) => {
    expect(parseFlags(specs, argv)).toEqual({ kind: 'run', flags: { ...defaults, ...want } });
  });

  it.each([
    { name: 'unknown flag', argv: ['--bogus'], message: "unknown long flag '--bogus'" },
    {
      name: 'unknown negation',
      argv: ['--no-web.listen-address'],
      message: "unknown long flag '--no-web.listen-address'",
    },
    {
      name: 'missing value at the end',
      argv: ['--web.listen-address'],
      message: "expected argument for flag '--web.listen-address'",
    },
    {
      name: 'flag where a value belongs',
      argv: ['--web.listen-address', '--help'],
      message: "expected argument for flag '--web.listen-address'",
    },
    { name: 'unknown flag before help', argv: ['--help', '--bogus'], message: "unknown long flag '--bogus'" },
    { name: 'positional argument', argv: ['foo'], message: 'unexpected foo' },
    { name: 'short flag', argv: ['-x'], message: "unknown short flag '-x'" },
    {
      name: 'bad int',
      argv: ['--web.max-requests=4x'],
      message: "invalid integer '4x' for flag '--web.max-requests'",
    },
    {
      name: 'bad duration',
      argv: ['--scrape.timeout=10'],
      message: "invalid duration '10' for flag '--scrape.timeout'",
    },
    {
      name: 'bad bytes',
      argv: ['--storage.tsdb.retention.size=5XB'],
      message: "invalid size '5XB' for flag '--storage.tsdb.retention.size'",
    },
    {
      name: 'bad bool',
      argv: ['--collector.cpu=yes'],
      message: "invalid boolean value 'yes' for flag '--collector.cpu'",
    },
    {
      name: 'value on a negation',
      argv: ['--no-collector.cpu=true'],
      message: "flag '--no-collector.cpu' takes no value",
    },
    {
      name: 'choice outside the set',
      argv: ['--log.level=trace'],
      message: "enum value must be one of debug,info,warn,error, got 'trace' for flag '--log.level'",
    },
  ])('rejects $name', ({ argv, message }) => {
    expect(() => parseFlags(specs, argv)).toThrow(FlagError);
    expect(() => parseFlags(specs, argv)).toThrow(message);
  });

  it('rejects a missing required flag', () => {
    const required = defineFlags({ 'config.file': { type: 'string', required: true, help: 'Config.' } });
    expect(() => parseFlags(required, [])).toThrow('required flag --config.file not provided');
    expect(parseFlags(required, ['--config.file=a.yml'])).toEqual({
      kind: 'run',
      flags: { 'config.file': 'a.yml' },
    });
  });

  it.each([
    { argv: ['--help'], kind: 'help' },
    { argv: ['-h'], kind: 'help' },
    { argv: ['--version'], kind: 'version' },
    { argv: ['--help', '--log.level=trace'], kind: 'help' },
    { argv: ['--version', '--bogus'], kind: 'version' },
  ])('$argv asks for $kind', ({ argv, kind }) => {
    expect(parseFlags(specs, argv).kind).toBe(kind);
  });

  it('does not share the default list between parses', () => {
    const withDefault = defineFlags({ l: { type: 'list', default: ['a'], help: 'List.' } });
    const first = parseFlags(withDefault, []);
    if (first.kind !== 'run') throw new Error('want run');
    first.flags.l.push('b');
    expect(parseFlags(withDefault, [])).toEqual({ kind: 'run', flags: { l: ['a'] } });
  });
});

describe('formatHelp', () => {
  const help = formatHelp('node_exporter', specs);

  it('lists every flag with its default or placeholder', () => {
    expect(help).toContain('usage: node_exporter [<flags>]');
    expect(help).toContain('  -h, --help ');
    expect(help).toContain('      --web.listen-address=":9100"');
    expect(help).toContain('      --web.config.file=WEB.CONFIG.FILE');
    expect(help).toContain('      --web.max-requests=40');
    expect(help).toContain('      --scrape.timeout=10s');
    expect(help).toContain('      --collector.filesystem.mount=COLLECTOR.FILESYSTEM.MOUNT ...');
    expect(help).toContain('      --log.level=info');
    expect(help).toContain('      --version');
    for (const name of Object.keys(specs)) expect(help).toContain(`--${name}`);
  });

  it('wraps help text at 80 columns', () => {
    const long = formatHelp('p', defineFlags({ x: { type: 'bool', help: 'word '.repeat(40) } }));
    for (const line of long.split('\n')) expect(line.length).toBeLessThanOrEqual(80);
    expect(long.split('\n').filter((l) => l.includes('word')).length).toBeGreaterThan(2);
  });
});

describe('logFlags', () => {
  it.each([
    { argv: ['--log.level=trace'], message: 'unrecognized log level "trace"' },
    { argv: ['--log.format=text'], message: 'unrecognized log format "text"' },
  ])('rejects $argv with the upstream wording', ({ argv, message }) => {
    expect(() => parseFlags(logFlags, argv)).toThrow(new FlagError(message));
  });
});

describe('exporterWebFlags', () => {
  it('repeats --web.listen-address as node_exporter does', () => {
    const spec = exporterWebFlags(':9100');
    expect(parseFlags(spec, [])).toEqual({
      kind: 'run',
      flags: { 'web.listen-address': [':9100'], 'web.config.file': '' },
    });
    expect(parseFlags(spec, ['--web.listen-address=:1', '--web.listen-address', ':2'])).toMatchObject({
      flags: { 'web.listen-address': [':1', ':2'] },
    });
    expect(formatHelp('node_exporter', spec)).toContain('      --web.listen-address=:9100 ...');
  });
});
