import { describe, expect, it } from 'vitest';
import { IniSyntaxError, parseIni } from '../src/teams/ini-file.ts';
import { TeamsConfigError, loadTeamsConfig } from '../src/teams/teams-config.ts';
import { TeamsFlagError, parseTeamsFlags } from '../src/teams/teams-flags.ts';

describe('parseIni (configparser dialect)', () => {
  it('reads ":" and "=", lowercases option names, skips comments, joins continuation lines', () => {
    const ini = parseIni(
      [
        '# comment',
        '[DEFAULT]',
        'base = http://teams.example',
        '[Microsoft Teams]',
        'Connector: %(base)s/hook/1',
        'OTHER = 100%%',
        '; another comment',
        '[Labels]',
        'Excluded: a,',
        '  b, c',
      ].join('\n'),
    );
    expect(ini.get('Microsoft Teams')).toEqual(
      new Map([
        ['base', 'http://teams.example'],
        ['connector', 'http://teams.example/hook/1'],
        ['other', '100%'],
      ]),
    );
    expect(ini.get('Labels')?.get('excluded')).toBe('a,\nb, c');
  });

  it.each([
    {
      name: 'an option before any section',
      text: 'a = 1',
      want: 'config.ini:1: option outside any [section]',
    },
    {
      name: 'a line without a delimiter',
      text: '[s]\njust text',
      want: 'config.ini:2: expected "key: value"',
    },
    { name: 'a repeated option', text: '[s]\na = 1\nA = 2', want: 'config.ini:3: option "a" appears twice' },
    { name: 'a repeated section', text: '[s]\n[s]', want: 'config.ini:2: section "s" appears twice' },
  ])('refuses $name with file and line', ({ text, want }) => {
    expect(() => parseIni(text)).toThrow(IniSyntaxError);
    expect(() => parseIni(text)).toThrow(want);
  });
});

describe('loadTeamsConfig', () => {
  const files: Record<string, string> = {
    'env.ini':
      '[Microsoft Teams]\nConnector: http://env/1\n[HTTP Server]\nHost: 0.0.0.0\nPort: 9000\n[Log]\nLevel: DEBUG',
    'flag.ini': [
      '[Microsoft Teams]',
      'Connector: http://flag/1',
      'Ops: http://flag/2',
      '[Group Alerts]',
      'Field: instance',
      '[Labels]',
      'Excluded: pod, container',
      '[Annotations]',
      'Excluded: dashboard',
      '[Template]',
      'Path: /etc/teams.j2',
      '[Teams Client]',
      'RetryEnable: yes',
      'RetryWaitTime: 2',
      'MaxPayload: 1000',
      '[Microsoft Teams Client]',
      'RequestTimeout: 7',
    ].join('\n'),
  };
  const read = (path: string) => {
    const text = files[path];
    if (text === undefined) throw Object.assign(new Error('missing'), { code: 'ENOENT' });
    return text;
  };

  it('has the upstream defaults', () => {
    const c = loadTeamsConfig({ configpath: 'env.ini' }, {}, () => '[Microsoft Teams]\nConnector: http://x/');
    expect(c).toMatchObject({
      host: 'localhost',
      port: 8089,
      logLevel: 'info',
      templatePath: undefined,
      builtinTemplate: 'messagecard',
      groupAlertsBy: undefined,
      labelsExcluded: [],
      requestTimeoutMs: 30_000,
      retryEnable: false,
      retryWaitMs: 60_000,
      maxPayloadBytes: 24576,
    });
    expect(String(c.connectors.get('connector'))).toBe('<secret>');
  });

  it('layers APP_CONFIG_FILE, --configpath, PROM2TEAMS_* variables, then flags', () => {
    const c = loadTeamsConfig(
      { configpath: 'flag.ini', loglevel: 'warning', builtintemplate: 'AdaptiveCard' },
      { APP_CONFIG_FILE: 'env.ini', PROM2TEAMS_PORT: '8123', PROM2TEAMS_CONNECTOR: 'http://from-env/' },
      read,
    );
    expect([...c.connectors].map(([k, v]) => [k, v.reveal()])).toEqual([
      ['connector', 'http://from-env/'],
      ['ops', 'http://flag/2'],
    ]);
    expect(c).toMatchObject({
      host: '0.0.0.0',
      port: 8123,
      logLevel: 'warn',
      builtinTemplate: 'adaptivecard',
      groupAlertsBy: 'instance',
      labelsExcluded: ['pod', 'container'],
      annotationsExcluded: ['dashboard'],
      templatePath: '/etc/teams.j2',
      retryEnable: true,
      retryWaitMs: 2000,
      requestTimeoutMs: 7000,
      maxPayloadBytes: 1000,
    });
  });

  it.each([
    { name: 'no connector at all', flags: {}, env: {}, want: 'No Microsoft Teams connector available' },
    {
      name: 'a file without [Microsoft Teams]',
      flags: { configpath: 'x' },
      env: {},
      text: '[Log]\nLevel: INFO',
      want: 'x: missing required [Microsoft Teams]',
    },
    {
      name: 'an unreadable file',
      flags: { configpath: 'nope.ini' },
      env: {},
      want: 'cannot read config file nope.ini: ENOENT',
    },
    {
      name: 'a bad group field',
      flags: { groupalertsby: 'colour' },
      env: { PROM2TEAMS_CONNECTOR: 'u' },
      want: '[Group Alerts] Field: "colour" is not one of name, description',
    },
    {
      name: 'a bad port',
      flags: {},
      env: { PROM2TEAMS_CONNECTOR: 'u', PROM2TEAMS_PORT: 'http' },
      want: '[HTTP Server] Port: "http"',
    },
    {
      name: 'a bad log level',
      flags: { loglevel: 'LOUD' },
      env: { PROM2TEAMS_CONNECTOR: 'u' },
      want: 'log level "LOUD"',
    },
  ])('refuses $name', ({ flags, env, text, want }) => {
    const reader = text === undefined ? read : () => text;
    expect(() => loadTeamsConfig(flags, env, reader)).toThrow(TeamsConfigError);
    expect(() => loadTeamsConfig(flags, env, reader)).toThrow(want);
  });
});

describe('parseTeamsFlags (argparse style)', () => {
  it('reads short, glued, long and --long=value forms', () => {
    expect(
      parseTeamsFlags(['-c', 'a.ini', '-gname', '--loglevel', 'INFO', '--templatepath=t.j2', '-m']),
    ).toEqual({
      configpath: 'a.ini',
      groupalertsby: 'name',
      loglevel: 'INFO',
      templatepath: 't.j2',
      enablemetrics: true,
    });
  });

  it.each([
    { argv: ['--nope'], want: 'unrecognized argument: --nope' },
    { argv: ['stray'], want: 'unrecognized argument: stray' },
    { argv: ['-c'], want: 'argument --configpath: expected one argument' },
  ])('refuses $argv', ({ argv, want }) => {
    expect(() => parseTeamsFlags(argv)).toThrow(TeamsFlagError);
    expect(() => parseTeamsFlags(argv)).toThrow(want);
  });
});
