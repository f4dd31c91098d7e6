import { describe, expect, it } from 'vitest';
import { parseConfig } from './config.ts';

const base = (route: string, extra = ''): string => `route:
${route}
receivers:
  - name: default
  - name: team-a
    webhook_configs:
      - url: http://127.0.0.1:1/hook
${extra}`;

describe('parseConfig', () => {
  it.each([
    { name: 'no route', text: 'receivers: [{name: a}]\n', want: /alertmanager.yml:1:1: no routes provided/ },
    {
      name: 'undefined receiver',
      text: base('  receiver: nope'),
      want: /:2:3: undefined receiver "nope" used in route/,
    },
    {
      name: 'root without receiver',
      text: base('  group_wait: 1m'),
      want: /root route must specify a default receiver/,
    },
    {
      name: 'continue on root',
      text: base('  receiver: default\n  continue: true'),
      want: /cannot have continue in root route/,
    },
    {
      name: 'matchers on root',
      text: base('  receiver: default\n  match: {a: b}'),
      want: /root route must not have any matchers/,
    },
    {
      name: 'wildcard group_by with others',
      text: base('  receiver: default\n  group_by: [..., job]'),
      want: /cannot have wildcard group_by/,
    },
    {
      name: 'duplicate group_by',
      text: base('  receiver: default\n  group_by: [a, a]'),
      want: /duplicated label "a" in group_by/,
    },
    {
      name: 'zero group_interval',
      text: base('  receiver: default\n  group_interval: 0s'),
      want: /group_interval cannot be zero/,
    },
    {
      name: 'bad duration',
      text: base('  receiver: default\n  group_wait: 1.5h'),
      want: /:3:15: not a valid duration string: "1.5h"/,
    },
    {
      name: 'unknown field',
      text: base('  receiver: default\n  recevier: x'),
      want: /:3:3: unknown field "recevier"/,
    },
    {
      name: 'bad matcher',
      text: base('  receiver: default\n  routes:\n    - matchers: ["a=~(("]\n      receiver: team-a'),
      want: /:4:18: .*invalid regular expression/,
    },
    {
      name: 'undefined time interval',
      text: base(
        '  receiver: default\n  routes:\n    - receiver: team-a\n      mute_time_intervals: [night]',
      ),
      want: /undefined time interval "night" used in route/,
    },
    {
      name: 'duplicate receiver',
      text: 'route: {receiver: a}\nreceivers: [{name: a}, {name: a}]\n',
      want: /notification config name "a" is not unique/,
    },
    {
      name: 'webhook without url',
      text: 'route: {receiver: a}\nreceivers:\n  - name: a\n    webhook_configs: [{send_resolved: true}]\n',
      want: /one of url or url_file must be configured/,
    },
    {
      name: 'secret and secret_file',
      text: 'route: {receiver: a}\nreceivers:\n  - name: a\n    slack_configs: [{api_url: "http://x", api_url_file: /f, channel: c}]\n',
      want: /at most one of api_url & api_url_file must be configured/,
    },
    {
      name: 'bad weekday',
      text: base(
        '  receiver: default',
        'time_intervals:\n  - name: w\n    time_intervals:\n      - weekdays: [funday]\n',
      ),
      want: /:11:20: funday is not a valid weekday/,
    },
  ])('refuses $name', ({ text, want }) => {
    expect(() => parseConfig(text)).toThrow(want);
  });

  it('resolves inheritance and keeps secrets out of the original', () => {
    const config = parseConfig(
      base(
        `  receiver: default
  group_by: ['...']
  group_wait: 10s
  routes:
    - match: {owner: team-A}
      receiver: team-a
      mute_time_intervals: [w]
      routes:
        - matchers: ['env=~"prod|staging"']
    - match_re: {owner: 'team-(B|C)'}
      group_by: [foo]`,
        `  - name: slack
    slack_configs:
      - api_url: https://hooks.example/very-secret
        channel: '#c'
time_intervals:
  - name: w
    time_intervals:
      - weekdays: ['monday:friday']
        times: [{start_time: '09:00', end_time: '17:00'}]
`,
      ),
    );
    const [a, bc] = config.route.routes;
    expect(a!.options).toMatchObject({
      receiver: 'team-a',
      groupByAll: true,
      groupWaitMs: 10_000,
      muteTimeIntervals: ['w'],
    });
    const grandchild = a!.routes[0]!;
    expect(grandchild.options).toMatchObject({ receiver: 'team-a', groupByAll: true, muteTimeIntervals: [] });
    expect(grandchild.key()).toBe('{}/{owner="team-A"}/{env=~"prod|staging"}');
    expect(bc!.key()).toBe('{}/{owner=~"^(?:team-(B|C))$"}');
    expect(bc!.options).toMatchObject({ receiver: 'default', groupBy: ['foo'], groupByAll: false });
    expect(config.original).toContain('api_url: <secret>');
    expect(config.original).not.toContain('very-secret');
    expect(config.original).toContain('group_wait: 10s');
  });
});

describe('loadConfigFile templates', () => {
  it('reports a broken template with Go parse error text, as amtool check-config does', async () => {
    const { loadConfigFile } = await import('./config.ts');
    const file = new URL('../../testdata/configs/bad-template.yml', import.meta.url).pathname;
    await expect(loadConfigFile(file)).rejects.toThrow(
      'failed to parse templates: template: broken.tmpl.bad:2: unclosed action started at broken.tmpl.bad:1',
    );
  });

  it('parses the listed templates with the defaults', async () => {
    const { loadConfigFile } = await import('./config.ts');
    const config = await loadConfigFile(
      new URL('../../testdata/configs/ok-templates.yml', import.meta.url).pathname,
    );
    const { TemplateData } = await import('@argus/gotemplate');
    const data = TemplateData.fromJSON({
      receiver: 'r',
      status: 'firing',
      alerts: [],
      groupLabels: { alertname: 'Disk' },
      commonLabels: {},
      commonAnnotations: {},
      externalURL: '',
    });
    expect(config.templates.executeText('{{ template "ok.title" . }}', data)).toBe('[FIRING] Disk');
  });
});
