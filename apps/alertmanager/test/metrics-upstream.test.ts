import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { createLogger } from '@argus/service-kit';
import { makeTempDir, startAlertmanager, waitFor } from '@argus/testkit';
import type { RunningProgram, TempDir } from '@argus/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAlertmanagerService } from '../src/alertmanager-service.ts';
import type { AlertmanagerService } from '../src/alertmanager-service.ts';

// Debian's Alertmanager 0.25 and ours get the same config (a webhook to a closed port)
// and the same alerts; the alertmanager_* families (name, type, label names, help) must
// agree except for the allow-list in README.md.

const appDir = resolve(import.meta.dirname, '..');
const config = `route:
  receiver: default
  group_wait: 0s
  group_interval: 1h
receivers:
  - name: default
    webhook_configs: [{url: 'http://127.0.0.1:1/hook'}]
`;
const ALERTS = JSON.stringify([{ labels: { alertname: 'x' } }, { labels: {} }]);

/**
 * `name type [label names] help` per family of a text exposition, for `keep`'s names.
 * Suffixed samples (`_bucket`, `_sum`, `_count`) count toward their family; `le` and
 * `quantile` are left out of the label names.
 */
function families(text: string, keep: (name: string) => boolean): Set<string> {
  const byName = new Map<string, { type: string; help: string; labels: Set<string> }>();
  const family = (name: string) => {
    let f = byName.get(name);
    if (!f) byName.set(name, (f = { type: 'untyped', help: '', labels: new Set() }));
    return f;
  };
  let current = '';
  for (const line of text.split('\n')) {
    const meta = /^# (HELP|TYPE) (\S+) (.*)$/.exec(line);
    if (meta) {
      current = meta[2]!;
      family(current)[meta[1] === 'HELP' ? 'help' : 'type'] = meta[3]!;
      continue;
    }
    if (line === '' || line.startsWith('#')) continue;
    const name = /^[^{ ]+/.exec(line)![0];
    const f = name.startsWith(current) ? family(current) : family(name);
    for (const m of line.matchAll(/[{,]([a-zA-Z_][a-zA-Z0-9_]*)="(?:[^"\\]|\\.)*"/g))
      if (m[1] !== 'le' && m[1] !== 'quantile') f.labels.add(m[1]!);
  }
  const out = new Set<string>();
  for (const [name, f] of byName)
    if (keep(name)) out.add(`${name} ${f.type} [${[...f.labels].sort().join(',')}] ${f.help}`);
  return out;
}

function documentedDifferences(): Set<string> {
  const readme = readFileSync(resolve(appDir, 'README.md'), 'utf8');
  const m = /<!-- metrics-upstream-diff -->\s*```text\n([\s\S]*?)```/.exec(readme);
  if (!m) throw new Error('README.md has no <!-- metrics-upstream-diff --> block');
  return new Set(m[1]!.split('\n').filter((l) => l.trim() !== ''));
}

async function scrape(base: string): Promise<string> {
  return (await fetch(`${base}/metrics`)).text();
}

/** The value of one sample line (`name{labels}` exactly as written), or undefined. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

let dir: TempDir;
let upstream: RunningProgram;
let ours: AlertmanagerService;
let oursUrl: string;

beforeAll(async () => {
  upstream = await startAlertmanager(config);
  dir = await makeTempDir('am-metrics');
  await writeFile(dir.join('am.yml'), config);
  ours = await createAlertmanagerService({
    configFile: dir.join('am.yml'),
    listenAddress: '127.0.0.1:0',
    logger: createLogger({ level: 'error' }),
  });
  await ours.start();
  oursUrl = `http://127.0.0.1:${ours.address.port}`;
  for (const base of [upstream.url, oursUrl]) {
    await fetch(`${base}/api/v2/alerts`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: ALERTS,
    });
  }
  // Both have tried the webhook at least once.
  const tried = (t: string) =>
    (sample(t, 'alertmanager_notification_requests_total{integration="webhook"}') ?? 0) > 0;
  await waitFor(async () => tried(await scrape(upstream.url)) && tried(await scrape(oursUrl)), {
    timeoutMs: 15_000,
  });
}, 60_000);

afterAll(async () => {
  await ours?.stop();
  await upstream?.stop();
  await dir?.remove();
});

describe('alertmanager_* families against Debian Alertmanager 0.25', () => {
  it('differ only as documented in README.md', async () => {
    const [upText, ourText] = await Promise.all([scrape(upstream.url), scrape(oursUrl)]);
    const keep = (name: string) => name.startsWith('alertmanager_');
    const up = families(upText, keep);
    const mine = families(ourText, keep);
    const diff = [
      ...[...up].filter((f) => !mine.has(f)).map((f) => `- ${f}`),
      ...[...mine].filter((f) => !up.has(f)).map((f) => `+ ${f}`),
    ].sort();
    expect(new Set(diff)).toEqual(documentedDifferences());
    expect(up.size).toBeGreaterThan(30);
  });

  it('counts the posted alerts as upstream does', async () => {
    const [upText, ourText] = await Promise.all([scrape(upstream.url), scrape(oursUrl)]);
    for (const series of [
      'alertmanager_alerts_received_total{status="firing",version="v2"}',
      'alertmanager_alerts_invalid_total{version="v2"}',
      'alertmanager_alerts{state="active"}',
      'alertmanager_receivers',
      'alertmanager_integrations',
      'alertmanager_notifications_total{integration="webhook"}',
      'alertmanager_config_last_reload_successful',
    ])
      expect([series, sample(ourText, series)]).toEqual([series, sample(upText, series)]);
    // Same file, same hash formula.
    expect(sample(ourText, 'alertmanager_config_hash')).toBe(sample(upText, 'alertmanager_config_hash'));
  });
});
