import { existsSync } from 'node:fs';
import { mkdir, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { freePort, makeTempDir, startService, waitFor } from '@argus/testkit';
import type { TempDir, TestProcess } from '@argus/testkit';
import { chromium } from 'playwright-core';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// The web UI in Debian's Chromium, against the built service under a route prefix taken
// from --web.external-url. Screenshots go to a temp dir, or to test/artifacts/ (the ones
// committed) with ARGUS_UI_SCREENSHOTS=1.
const CHROMIUM = '/usr/bin/chromium';
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) console.warn(`skipping the web UI browser test: ${CHROMIUM} is not installed`);

const CONFIG = `route:
  receiver: default
  group_by: [alertname]
  routes:
    - matchers: ['team="db"']
      receiver: db
inhibit_rules:
  - source_matchers: [severity="critical"]
    target_matchers: [severity="warning"]
    equal: [alertname]
receivers:
  - name: default
  - name: db
`;

const XSS_LABEL = '<script>window.__xss = 1</script>';
const XSS_SUMMARY = '<img src=x onerror="window.__xss = 2">';
const ALERTS = [
  {
    labels: { alertname: 'Disk', instance: 'a', severity: 'warning', team: 'db' },
    annotations: { summary: 'disk full on a' },
  },
  { labels: { alertname: 'Disk', instance: 'b', severity: 'warning', team: 'db' } },
  { labels: { alertname: 'CPU', instance: 'a', severity: 'warning' } },
  { labels: { alertname: 'Load', instance: 'a', severity: 'critical' } },
  { labels: { alertname: 'Load', instance: 'a', severity: 'warning' } },
  {
    labels: { alertname: 'Xss', evil: XSS_LABEL, severity: 'info' },
    annotations: { summary: XSS_SUMMARY },
    generatorURL: 'javascript:window.__xss = 3',
  },
];

interface ApiSilence {
  id: string;
  comment: string;
  startsAt: string;
  endsAt: string;
  status: { state: string };
  matchers: { name: string; value: string; isRegex: boolean; isEqual: boolean }[];
}

let dir: TempDir;
let am: TestProcess;
let base: string;
let browser: Browser;
let page: Page;
let shots: string;

beforeAll(async () => {
  if (!hasChromium) return;
  dir = await makeTempDir('alertmanager-ui');
  await writeFile(join(dir.path, 'am.yml'), CONFIG);
  const port = await freePort();
  const root = `http://127.0.0.1:${port}`;
  base = `${root}/am`;
  am = await startService(
    'alertmanager',
    [
      `--config.file=${join(dir.path, 'am.yml')}`,
      `--storage.path=${join(dir.path, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      `--web.external-url=${base}/`,
      '--cluster.listen-address=',
    ],
    base,
  );
  const posted = await fetch(`${base}/api/v2/alerts`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(ALERTS),
  });
  expect(posted.status).toBe(200);
  shots =
    process.env['ARGUS_UI_SCREENSHOTS'] === '1'
      ? join(import.meta.dirname, 'artifacts')
      : join(dir.path, 'shots');
  await mkdir(shots, { recursive: true });
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'], headless: true });
  page = await browser.newPage({ viewport: { width: 1100, height: 720 } });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await am?.stop();
  await dir?.remove();
});

/** The inner texts of everything `selector` matches, once `want` accepts them. */
async function textsWhen(selector: string, want: (texts: string[]) => boolean, description: string) {
  return waitFor(
    async () => {
      const texts = await page.locator(selector).allInnerTexts();
      return want(texts) ? texts : undefined;
    },
    { description, timeoutMs: 10_000 },
  );
}

const apiSilence = async (id: string) =>
  (await (await fetch(`${base}/api/v2/silence/${id}`)).json()) as ApiSilence;

async function screenshot(name: string) {
  const path = join(shots, name);
  await page.screenshot({ path });
  expect((await stat(path)).size).toBeGreaterThan(1000);
}

describe.skipIf(!hasChromium)('web UI in Chromium', () => {
  it('opens at / on the alert groups, label values shown as text, nothing run from them', async () => {
    await page.goto(`http://127.0.0.1:${new URL(base).port}/`);
    await page.waitForURL(`${base}/#/alerts`);
    // Silenced and inhibited alerts are hidden by default, as upstream's UI.
    const groups = await textsWhen('.group', (t) => t.length === 4, 'four alert groups');
    expect(groups.map((g) => g.split('\n')[0])).toEqual([
      'alertname="CPU"',
      'alertname="Disk"',
      'alertname="Load"',
      'alertname="Xss"',
    ]);
    expect(await page.locator('.group .alert').count()).toBe(5);
    const xss = page.locator('.group').filter({ hasText: 'Xss' });
    expect(await xss.innerText()).toContain(`evil=${JSON.stringify(XSS_LABEL)}`);
    expect(await xss.locator('dd').innerText()).toBe(XSS_SUMMARY);
    expect(await xss.locator('a', { hasText: 'Source' }).count()).toBe(0);
    expect(await page.evaluate(() => (globalThis as { __xss?: number }).__xss)).toBeUndefined();
    expect(await page.locator('#view script, #view img').count()).toBe(0);
    await screenshot('ui-alerts.png');
  });

  it('shows inhibited alerts on request and filters by matcher', async () => {
    await page.check('input[name=inhibited]');
    const load = await textsWhen(
      '.group',
      (t) => t.some((g) => g.includes('Load') && g.includes('2 alerts')),
      'Load with 2 alerts',
    );
    expect(load.find((g) => g.includes('Load'))).toMatch(/INHIBITED/i);
    await page.uncheck('input[name=inhibited]');
    await textsWhen(
      '.group',
      (t) => t.some((g) => g.includes('Load') && g.includes('1 alert\n')),
      'Load with 1 alert',
    );

    await page.fill('input[name=filter]', '{alertname="Disk", instance=~"a|c"}');
    await page.press('input[name=filter]', 'Enter');
    const disk = await textsWhen('.group', (t) => t.length === 1, 'one group after filtering');
    expect(disk[0]).toContain('receiver: db');
    expect(await page.locator('.group .alert').allInnerTexts()).toEqual([
      expect.stringContaining('instance="a"'),
    ]);
    const hash = new URL(page.url()).hash;
    expect(new URLSearchParams(hash.slice(hash.indexOf('?'))).get('filter')).toBe(
      '{alertname="Disk", instance=~"a|c"}',
    );

    // Clicking a label adds it to the filter.
    await page.goto(`${base}/#/alerts`);
    await textsWhen('.group', (t) => t.length === 4, 'four groups again');
    await page
      .locator('.group', { hasText: 'CPU' })
      .locator('.alert .chip', { hasText: 'instance="a"' })
      .click();
    const picked = await textsWhen('.group', (t) => t.length === 3, 'the groups with instance="a"');
    expect(picked.map((g) => g.split('\n')[0])).toEqual([
      'alertname="CPU"',
      'alertname="Disk"',
      'alertname="Load"',
    ]);
    const filterParam = new URLSearchParams(new URL(page.url()).hash.split('?')[1]).get('filter');
    expect(filterParam).toBe('{instance="a"}');

    // The API's own error for a bad matcher is shown.
    await page.fill('input[name=filter]', 'alertname=~"("');
    await page.press('input[name=filter]', 'Enter');
    const error = await textsWhen('.error', (t) => t.length === 1, 'an error box');
    expect(error[0]).toMatch(/regular expression|missing closing/i);
  });

  let silenceID = '';

  it('creates a silence from the form after previewing the alerts it affects', async () => {
    await page.goto(`${base}/#/silences/new`);
    await page.locator('.matcher-row').first().waitFor();
    await page.locator('.matcher-row [name=name]').first().fill('alertname');
    await page.locator('.matcher-row [name=value]').first().fill('Disk');
    await page.getByRole('button', { name: 'Add matcher' }).click();
    const second = page.locator('.matcher-row').nth(1);
    await second.locator('[name=name]').fill('instance');
    await second.locator('[name=op]').selectOption('=~');
    await second.locator('[name=value]').fill('a|c');
    await page.fill('[name=createdBy]', 'tester');
    await page.fill('[name=comment]', 'disk maintenance');
    await page.getByRole('button', { name: 'Preview alerts' }).click();
    const preview = await textsWhen(
      '.preview',
      (t) => t[0]?.includes('Affected alerts') ?? false,
      'the preview',
    );
    expect(preview[0]).toContain('Affected alerts: 1');
    expect(preview[0]).toContain('instance="a"');
    expect(preview[0]).not.toContain('instance="b"');
    await screenshot('ui-silence-preview.png');

    await page.getByRole('button', { name: 'Create' }).click();
    await page.waitForURL(/#\/silences\/[0-9a-f-]{36}$/);
    silenceID = decodeURIComponent(new URL(page.url()).hash.slice('#/silences/'.length));
    await textsWhen('h1', (t) => t[0]?.includes(silenceID) ?? false, 'the silence page');
    expect(await page.locator('h2.preview').innerText()).toBe('Affected alerts: 1');
    const silence = await apiSilence(silenceID);
    expect(silence.status.state).toBe('active');
    expect(silence.comment).toBe('disk maintenance');
    expect(silence.matchers).toEqual([
      { name: 'alertname', value: 'Disk', isRegex: false, isEqual: true },
      { name: 'instance', value: 'a|c', isRegex: true, isEqual: true },
    ]);
  });

  it('shows the alert as silenced', async () => {
    await page.goto(`${base}/#/alerts?filter=${encodeURIComponent('alertname="Disk"')}`);
    const hidden = await textsWhen('.group .alert', (t) => t.length === 1, 'the unsilenced Disk alert');
    expect(hidden[0]).toContain('instance="b"');
    await page.check('input[name=silenced]');
    const shown = await textsWhen('.group .alert', (t) => t.length === 2, 'both Disk alerts');
    const silenced = shown.find((a) => a.includes('instance="a"'));
    expect(silenced).toMatch(/^SILENCED/i);
    expect(silenced).toContain(`Silenced by ${silenceID}`);
  });

  it('edits the silence in place and expires it', async () => {
    await page.goto(`${base}/#/silences`);
    const active = await textsWhen('.silence', (t) => t.length === 1, 'one active silence');
    expect(active[0]).toContain('alertname="Disk"');
    expect(active[0]).toContain('instance=~"a|c"');
    await page.locator('.silence').getByRole('link', { name: 'Edit' }).click();
    await page.waitForURL(/\/edit$/);
    const comment = page.locator('[name=comment]');
    await comment.waitFor();
    expect(await comment.inputValue()).toBe('disk maintenance');
    await comment.fill('longer maintenance');
    await page.fill('[name=duration]', '3h');
    await page.getByRole('button', { name: 'Save' }).click();
    // Same matchers: upstream updates the silence in place, keeping its id.
    await page.waitForURL(`${base}/#/silences/${silenceID}`);
    const edited = await apiSilence(silenceID);
    expect(edited.comment).toBe('longer maintenance');
    expect(Date.parse(edited.endsAt) - Date.parse(edited.startsAt)).toBe(3 * 3_600_000);

    await page.goto(`${base}/#/silences`);
    await textsWhen('.silence', (t) => t.length === 1, 'the active silence');
    await page.getByRole('button', { name: 'Expire' }).click();
    await textsWhen('.tabs a', (t) => t.includes('Expired (1)') && t.includes('Active (0)'), 'tab counts');
    expect((await apiSilence(silenceID)).status.state).toBe('expired');
    await page.locator('.tabs a[data-state=expired]').click();
    const expired = await textsWhen('.silence', (t) => t.length === 1, 'the expired silence');
    expect(expired[0]).toMatch(/^EXPIRED/i);
    expect(expired[0]).toContain('longer maintenance');

    await page.goto(`${base}/#/alerts?filter=${encodeURIComponent('alertname="Disk"')}`);
    const back = await textsWhen('.group .alert', (t) => t.length === 2, 'both Disk alerts active');
    expect(back.every((a) => /^ACTIVE/i.test(a))).toBe(true);
  });
  it('filters silences by matcher and shows the status page', async () => {
    await page.goto(`${base}/#/silences?state=expired`);
    await textsWhen('.silence', (t) => t.length === 1, 'the expired silence');
    // As upstream, a filter selects equivalent matchers, not matching values.
    await page.fill('input[name=filter]', 'instance="a"');
    await page.press('input[name=filter]', 'Enter');
    await textsWhen('.empty', (t) => t[0] === 'No expired silences.', 'no silence');
    await page.fill('input[name=filter]', '{alertname="Disk", instance=~"a|c"}');
    await page.press('input[name=filter]', 'Enter');
    await textsWhen('.silence', (t) => t.length === 1, 'the silence found by its matchers');

    await page.goto(`${base}/#/status`);
    const config = await textsWhen('pre.config', (t) => t.length === 1, 'the config');
    expect(config[0]).toContain('group_by');
    expect(await page.locator('table.info').innerText()).toMatch(/Cluster\s+disabled/);
    await page.goto(`${base}/#/silences/00000000-0000-0000-0000-000000000000`);
    await textsWhen('.error', (t) => t.length === 1, 'an error for an unknown silence');
  });
  it("pre-fills the silence form from an alert's labels and from upstream-style links", async () => {
    const rows = async () => {
      const out: string[] = [];
      for (const row of await page.locator('.matcher-row').all())
        out.push(
          `${await row.locator('[name=name]').inputValue()} ${await row.locator('[name=op]').inputValue()} ${await row.locator('[name=value]').inputValue()}`,
        );
      return out;
    };
    const rowsWhen = (want: string[]) =>
      waitFor(async () => JSON.stringify(await rows()) === JSON.stringify(want), {
        description: `matcher rows ${want.join(', ')}`,
      });
    await page.goto(`${base}/#/alerts`);
    await page.locator('.group', { hasText: 'CPU' }).getByRole('link', { name: 'Silence' }).click();
    await page.waitForURL(/#\/silences\/new\?filter=/);
    await rowsWhen(['alertname = CPU', 'instance = a', 'severity = warning']);
    // The link Prometheus and Grafana build for upstream's UI.
    await page.goto(`${base}/#/alerts`);
    await page.goto(
      `${base}/#/silences/new?filter=${encodeURIComponent('{alertname="X", "odd name"=~"a|b\\"c"}')}`,
    );
    await rowsWhen(['alertname = X', 'odd name =~ a|b"c']);
  });
});
