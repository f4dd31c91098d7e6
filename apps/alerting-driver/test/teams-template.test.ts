// The chart's teams.j2 (a fixture written from conformance/drivers/NOTES.md §1.3) rendered by our
// nunjucks setup must match Jinja2's output byte for byte, as prom2teams renders it
// (trim_blocks on, no autoescape). The expected files were produced by Jinja2 3.1.6; when
// python3 with jinja2 is installed the test also asks it live, for more templates.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { CardTemplate } from '../src/teams/card-template.ts';
import type { TeamsAlert } from '../src/teams/teams-alert.ts';

const dir = join(import.meta.dirname, '../testdata/teams');
const chartTemplate = readFileSync(join(dir, 'teams.j2'), 'utf8');
const alerts = JSON.parse(readFileSync(join(dir, 'alerts.json'), 'utf8')) as TeamsAlert[];

function jinja2Available(): boolean {
  try {
    execFileSync('python3', ['-c', 'import jinja2'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Renders each (template, alert) pair with the real Jinja2, set up as prom2teams sets it up, in one python3 run. */
function renderWithJinja2(jobs: ReadonlyArray<{ source: string; alert: TeamsAlert }>): string[] {
  const script = [
    'import json, sys, jinja2',
    'env = jinja2.Environment(trim_blocks=True)',
    "out = [env.from_string(j['source']).render(status=j['alert']['status'], msg_text=j['alert']) for j in json.load(sys.stdin)]",
    'sys.stdout.write(json.dumps(out))',
  ].join('\n');
  return JSON.parse(
    execFileSync('python3', ['-c', script], { input: JSON.stringify(jobs), encoding: 'utf8' }),
  ) as string[];
}

describe("the chart's teams.j2", () => {
  it.each(alerts.map((alert, i) => ({ name: `${alert.name} (${alert.status})`, alert, i })))(
    'renders $name as Jinja2 does',
    ({ alert, i }) => {
      const want = readFileSync(join(dir, `teams.expected.${i}.out`), 'utf8');
      const got = new CardTemplate(chartTemplate, 'teams.j2').render(alert);
      expect(got).toBe(want);
      expect(() => JSON.parse(got) as unknown).not.toThrow();
    },
  );

  it('shows the colour, (Resolved) and facts in order, and no Runbook action', () => {
    const firing = JSON.parse(new CardTemplate(chartTemplate, 'teams.j2').render(alerts[0] as TeamsAlert));
    expect(firing.themeColor).toBe(' 8C1A1A ');
    expect(firing.potentialAction).toBeUndefined();
    expect(firing.sections[0].facts.map((f: { name: string }) => f.name)).toEqual([
      'Alert',
      'In host',
      'Severity',
      'Description',
      'Status',
      'job',
      'namespace',
      'runbook_url',
      'dashboard',
    ]);
    const resolved = JSON.parse(new CardTemplate(chartTemplate, 'teams.j2').render(alerts[1] as TeamsAlert));
    expect(resolved.title).toBe('Prometheus alert (Resolved) ');
    expect(resolved.summary).toBe('(Resolved) Disk almost full');
  });
});

const JINJA_SNIPPETS = [
  {
    name: 'dict items()',
    source: '{% for k, v in msg_text.extra_labels.items() %}{{ k }}={{ v }};{% endfor %}',
  },
  {
    name: 'dict keys() and get()',
    source: "{{ msg_text.extra_labels.keys() | join(',') }} {{ msg_text.get('name') }}",
  },
  { name: 'trailing newline dropped', source: '{{ msg_text.name }}\n' },
  { name: 'trim_blocks', source: '{% if msg_text.name %}\n[{{ msg_text.name }}]\n{% endif %}\nend' },
  { name: 'missing dict key renders empty', source: "{% set c = {'a': 'b'} %}<{{ c[msg_text.severity] }}>" },
  {
    name: 'loop.last',
    source: '{% for k in msg_text.extra_labels %}{{ k }}{% if not loop.last %},{% endif %}{% endfor %}',
  },
  {
    name: 'filters',
    source: '{{ msg_text.name | upper }} {{ msg_text.summary | replace("%", " percent") }}',
  },
];

describe.runIf(jinja2Available())('nunjucks against the real Jinja2 (python3)', () => {
  const cases = [
    ...JINJA_SNIPPETS.map(({ name, source }) => ({ name, source, alert: alerts[0] as TeamsAlert })),
    ...alerts.map((alert) => ({
      name: `the chart template for ${alert.name}`,
      source: chartTemplate,
      alert,
    })),
  ];
  let jinja2: string[] = [];
  beforeAll(() => {
    jinja2 = renderWithJinja2(cases);
  });

  it.each(cases.map((c, i) => ({ ...c, i })))('$name', ({ source, alert, i }) => {
    expect(new CardTemplate(source, 'snippet').render(alert)).toBe(jinja2[i]);
  });
});
