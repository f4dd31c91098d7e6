// Alertmanager's functions and data model beyond what amtool 0.25 can check
// (functions added in 0.26–0.34), and loading user template files.
import { describe, expect, it } from 'vitest';
import { AlertmanagerTemplates, KV, TemplateData } from './index.ts';

const data = TemplateData.fromJSON({
  receiver: 'ops',
  status: 'resolved',
  alerts: [
    {
      status: 'resolved',
      labels: { alertname: 'Up', job: 'api', zone: 'z' },
      annotations: { summary: 'a <b>' },
      startsAt: '2024-01-01T00:00:00Z',
      endsAt: '2024-01-01T01:00:00Z',
      generatorURL: 'http://g',
      fingerprint: 'f',
    },
  ],
  groupLabels: { job: 'api' },
  commonLabels: { alertname: 'Up', job: 'api', zone: 'z' },
  commonAnnotations: { summary: 'a <b>' },
  externalURL: 'http://am',
});

describe('alertmanager functions', () => {
  const t = AlertmanagerTemplates.create();
  it.each([
    ['{{ trimSpace "  x \\n" }}', 'x'],
    ['{{ urlUnescape "a%20b+c" }}', 'a b c'],
    ['{{ toJson .CommonLabels }}', '{"alertname":"Up","job":"api","zone":"z"}'],
    ['{{ toJson .CommonAnnotations }}', '{"summary":"a \\u003cb\\u003e"}'],
    ['{{ toJson (stringSlice "a" "b") }}', '["a","b"]'],
    [
      '{{ toJson (index .Alerts 0) }}',
      '{"status":"resolved","labels":{"alertname":"Up","job":"api","zone":"z"},"annotations":{"summary":"a \\u003cb\\u003e"},"startsAt":"2024-01-01T00:00:00Z","endsAt":"2024-01-01T01:00:00Z","generatorURL":"http://g","fingerprint":"f"}',
    ],
    ['{{ (dict "a" 1 "b" "x").b }}', 'x'],
    ['{{ list 1 "a" }} {{ append (list 1) 2 3 }}', '[1 a] [1 2 3]'],
    ['{{ base64encode "hi" }} {{ base64decode "aGk=" }}', 'aGk= hi'],
    ['{{ .CommonLabels.Remove (stringSlice "zone") }}', 'map[alertname:Up job:api]'],
    ['{{ .RouteLabels }}', 'map[]'],
    ['{{ .GroupLabels.nope }}|', '|'],
    ['{{ template "__subject" . }}', '[RESOLVED] api (Up z)'],
    ['{{ template "__alertmanagerURL" . }}', 'http://am/#/alerts?receiver=ops'],
  ])('%s', (text, want) => {
    expect(t.executeText(text, data)).toBe(want);
  });

  it('sorts KV pairs with alertname first', () => {
    const kv = new KV({ b: '2', alertname: 'X', a: '1' });
    expect(kv.Names()).toEqual(['alertname', 'a', 'b']);
    expect(kv.Values()).toEqual(['X', '1', '2']);
  });

  it('renders an empty string as empty without parsing', () => {
    expect(t.executeText('', data)).toBe('');
  });

  it('escapes for HTML and lets safeHtml/safeUrl through', () => {
    expect(t.executeHtml('<p>{{ .CommonAnnotations.summary }}</p>', data)).toBe('<p>a &lt;b&gt;</p>');
    expect(t.executeHtml('{{ safeHtml "<b>x</b>" }}', data)).toBe('<b>x</b>');
    expect(t.executeHtml('<a href="{{ "javascript:x()" }}">', data)).toBe('<a href="#ZgotmplZ">');
    expect(t.executeHtml('<a href="{{ safeUrl "javascript:x()" }}">', data)).toBe(
      '<a href="javascript:x%28%29">',
    );
  });
});

describe('template files', () => {
  it('user files override default definitions and add their own', () => {
    const t = AlertmanagerTemplates.create({
      files: [
        [
          'custom.tmpl',
          '{{ define "slack.default.title" }}custom {{ .Receiver }}{{ end }}{{ define "mine" }}M{{ end }}',
        ],
      ],
    });
    expect(t.executeText('{{ template "slack.default.title" . }} {{ template "mine" }}', data)).toBe(
      'custom ops M',
    );
  });

  it('names the file in parse errors', () => {
    expect(() => AlertmanagerTemplates.create({ files: [['bad.tmpl', 'x\n{{ .X }']] })).toThrow(
      'template: bad.tmpl:2: unexpected "}" in operand',
    );
  });

  it("reports a missing template with Go's message", () => {
    const t = AlertmanagerTemplates.create();
    expect(() => t.executeText('{{ template "nope" . }}', data)).toThrow(
      'template: :1:12: executing "" at <{{template "nope" .}}>: template "nope" not defined',
    );
  });
});
