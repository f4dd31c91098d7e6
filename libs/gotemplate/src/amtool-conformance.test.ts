// Templates rendered by Debian's `amtool template render` (Alertmanager 0.25, Go's
// text/template and html/template) and by this lib must give identical output.
// testdata/amtool-cases.json holds each template with the output amtool produced
// when the file was written; the first suite checks ours against that record, the
// second runs amtool again and checks it against ours, case by case.
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { AlertmanagerTemplates, TemplateData } from './index.ts';

const here = dirname(fileURLToPath(import.meta.url));
const testdata = join(here, 'testdata');
const AMTOOL = '/usr/bin/amtool';
const DEBIAN_DEFAULT_TMPL = '/usr/share/prometheus/alertmanager/default.tmpl';
const DEBIAN_EMAIL_TMPL = '/usr/share/prometheus/alertmanager/email.tmpl';
/** Separates the outputs of templates rendered together in one amtool run. */
const SEPARATOR = '\x1e';

interface Case {
  type: 'text' | 'html';
  data: 'single' | 'group';
  template: string;
  want: string;
}

const cases = JSON.parse(readFileSync(join(testdata, 'amtool-cases.json'), 'utf8')) as Case[];
const dataFiles = {
  single: join(testdata, 'am-data-single.json'),
  group: join(testdata, 'am-data-group.json'),
};
const templates = AlertmanagerTemplates.create();

function ours(c: Case): string {
  const data = TemplateData.fromJSON(JSON.parse(readFileSync(dataFiles[c.data], 'utf8')));
  try {
    return c.type === 'html'
      ? templates.executeHtml(c.template, data)
      : templates.executeText(c.template, data);
  } catch (e) {
    return `ERR ${(e as Error).message}`;
  }
}

const exec = promisify(execFile);

async function amtool(c: Case): Promise<string> {
  try {
    const { stdout } = await exec(AMTOOL, [
      'template',
      'render',
      `--template.glob=${DEBIAN_DEFAULT_TMPL}`,
      `--template.glob=${DEBIAN_EMAIL_TMPL}`,
      `--template.data=${dataFiles[c.data]}`,
      `--template.type=${c.type}`,
      `--template.text=${c.template}`,
    ]);
    return stdout;
  } catch (e) {
    const stderr = (e as { stderr?: string }).stderr ?? String(e);
    return `ERR ${stderr.replace(/^amtool: error: /, '').replace(/\n+$/, '')}`;
  }
}

const label = (c: Case): string => `${c.type}/${c.data}: ${c.template.replace(/\n/g, '⏎').slice(0, 90)}`;

describe('recorded amtool output', () => {
  it('has a few hundred cases', () => {
    expect(cases.length).toBeGreaterThan(300);
  });

  it.each(cases.map((c) => [label(c), c] as const))('%s', (_name, c) => {
    expect(ours(c)).toBe(c.want);
  });
});

describe('against amtool 0.25 run now', () => {
  it.each(['single', 'group'] as const)(
    "renders Debian's email.tmpl (email.default.html) as amtool does, data %s",
    async (data) => {
      expect(existsSync(DEBIAN_EMAIL_TMPL), `${DEBIAN_EMAIL_TMPL} is required`).toBe(true);
      const withEmail = AlertmanagerTemplates.create({
        files: [['email.tmpl', readFileSync(DEBIAN_EMAIL_TMPL, 'utf8')]],
      });
      const c: Case = { type: 'html', data, template: '{{ template "email.default.html" . }}', want: '' };
      const mine = withEmail.executeHtml(
        c.template,
        TemplateData.fromJSON(JSON.parse(readFileSync(dataFiles[data], 'utf8'))),
      );
      expect(mine).toContain('<table');
      expect(mine).toBe(await amtool(c));
    },
  );

  it('finds amtool and Debian default.tmpl', () => {
    expect(existsSync(AMTOOL), `${AMTOOL} is required (Debian package prometheus-alertmanager)`).toBe(true);
    expect(existsSync(DEBIAN_DEFAULT_TMPL), `${DEBIAN_DEFAULT_TMPL} is required`).toBe(true);
  });

  it('renders every case exactly as amtool does', { timeout: 120_000 }, async () => {
    if (!existsSync(AMTOOL)) throw new Error(`${AMTOOL} not found: install Debian's prometheus-alertmanager`);
    const mismatches: string[] = [];
    const compare = (c: Case, theirs: string): void => {
      const mine = ours(c);
      if (theirs !== mine)
        mismatches.push(
          `${label(c)}\n  amtool: ${JSON.stringify(theirs)}\n  ours:   ${JSON.stringify(mine)}`,
        );
    };
    // Text templates that render without error and define nothing are rendered in
    // batches (one amtool run each, outputs separated); the rest one by one.
    const batchable = (c: Case): boolean =>
      c.type === 'text' && !c.want.startsWith('ERR') && !/define|block|\x1e/.test(c.template);
    const queue: (() => Promise<void>)[] = [];
    for (const data of ['single', 'group'] as const) {
      const group = cases.filter((c) => c.data === data && batchable(c));
      for (let i = 0; i < group.length; i += 25) {
        const batch = group.slice(i, i + 25);
        queue.push(async () => {
          const joined: Case = {
            type: 'text',
            data,
            template: batch.map((c) => c.template).join(`{{ "${SEPARATOR}" }}`),
            want: '',
          };
          const parts = (await amtool(joined)).split(SEPARATOR);
          if (parts.length !== batch.length) {
            mismatches.push(
              `batch of ${batch.length} gave ${parts.length} outputs: ${parts.join(' | ').slice(0, 300)}`,
            );
            return;
          }
          batch.forEach((c, j) => compare(c, parts[j]!));
        });
      }
    }
    for (const c of cases.filter((x) => !batchable(x))) queue.push(async () => compare(c, await amtool(c)));
    const worker = async (): Promise<void> => {
      for (let job = queue.shift(); job; job = queue.shift()) await job();
    };
    await Promise.all(Array.from({ length: 4 }, worker));
    expect(mismatches, mismatches.join('\n')).toEqual([]);
  });
});
