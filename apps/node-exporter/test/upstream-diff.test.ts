import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_COLLECTOR_OPTIONS } from '../src/collector-options.ts';
import { COLLECTORS } from '../src/collectors/registry.ts';
import { describeFamilies, summariseExposition } from './exposition-summary.ts';
import { freePort, startProcess, type TestProcess } from '@argus/testkit';

// Runs Debian's node_exporter 1.5 and our built exporter on this machine with the same
// collectors and filters, and compares family names, types, help texts and label names.
// Every remaining difference must be the allow-list documented in README.md.

const appDir = resolve(import.meta.dirname, '..');
const ours = resolve(appDir, 'dist/main.js');
const upstream = '/usr/bin/prometheus-node-exporter';

/** A started exporter and its metrics URL. */
interface ExporterProcess {
  readonly url: string;
  readonly process: TestProcess;
}

async function startExporter(command: string, args: string[], url: string): Promise<ExporterProcess> {
  return { url, process: await startProcess({ command, args, readyUrl: url, timeoutMs: 45_000 }) };
}
const collectors = [...COLLECTORS.keys()];
const d = DEFAULT_COLLECTOR_OPTIONS;

/** The lines of the ```text block after "<!-- upstream-diff -->" in README.md. */
function documentedDifferences(): Set<string> {
  const readme = readFileSync(resolve(appDir, 'README.md'), 'utf8');
  const m = /<!-- upstream-diff -->\s*```text\n([\s\S]*?)```/.exec(readme);
  if (!m) throw new Error('README.md has no <!-- upstream-diff --> block');
  return new Set(m[1]!.split('\n').filter((l) => l.trim() !== ''));
}

// The exporters' own runtime metrics differ by nature (Go vs Node.js); they are not collectors.
const runtime = /^(go_|process_|promhttp_|nodejs_)/;

describe('family diff against Debian prometheus-node-exporter 1.5', () => {
  let up: ExporterProcess | undefined;
  let ourProcess: ExporterProcess | undefined;

  beforeAll(async () => {
    if (!existsSync(ours))
      throw new Error(`${ours} is missing: run pnpm nx run @argus-app/node-exporter:build first`);
    if (!existsSync(upstream))
      throw new Error(`${upstream} is missing: apt-get install prometheus-node-exporter`);
    const filters = [
      `--collector.filesystem.mount-points-exclude=${d.filesystemMountPointsExclude}`,
      `--collector.filesystem.fs-types-exclude=${d.filesystemFsTypesExclude}`,
      `--collector.netdev.device-exclude=${d.netdevDeviceExclude}`,
      `--collector.diskstats.device-exclude=${d.diskstatsDeviceExclude}`,
    ];
    const [upPort, ourPort] = await Promise.all([freePort(), freePort()]);
    [up, ourProcess] = await Promise.all([
      startExporter(
        upstream,
        [
          `--web.listen-address=127.0.0.1:${upPort}`,
          '--collector.disable-defaults',
          ...collectors.map((c) => `--collector.${c}`),
          ...filters,
        ],
        `http://127.0.0.1:${upPort}/metrics`,
      ),
      startExporter(
        process.execPath,
        [ours, `--web.listen-address=127.0.0.1:${ourPort}`, '--log.level=warn'],
        `http://127.0.0.1:${ourPort}/metrics`,
      ),
    ]);
  });

  afterAll(async () => {
    await Promise.all([up?.process.stop(), ourProcess?.process.stop()]);
  });

  it('differs only as documented in README.md', async () => {
    const [upText, ourText] = await Promise.all(
      [up!, ourProcess!].map(async (p) => (await fetch(p.url)).text()),
    );
    const keep = (name: string) => !runtime.test(name);
    const upFamilies = describeFamilies(summariseExposition(upText), keep);
    const ourFamilies = describeFamilies(summariseExposition(ourText), keep);
    const diff = [
      ...[...upFamilies].filter((f) => !ourFamilies.has(f)).map((f) => `- ${f}`),
      ...[...ourFamilies].filter((f) => !upFamilies.has(f)).map((f) => `+ ${f}`),
    ].sort();
    expect(new Set(diff)).toEqual(documentedDifferences());
    // Sanity: the comparison saw the collectors at work on both sides.
    expect(upFamilies.size).toBeGreaterThan(100);
  });

  it('exposes the same series as upstream, label values included (build info aside)', async () => {
    const [upText, ourText] = await Promise.all(
      [up!, ourProcess!].map(async (p) => (await fetch(p.url)).text()),
    );
    const series = (text: string) =>
      text
        .split('\n')
        .filter((l) => l.startsWith('node_') && !l.startsWith('node_exporter_build_info'))
        .map((l) => l.slice(0, l.lastIndexOf(' ')))
        .sort();
    const ours = series(ourText);
    expect(ours).toEqual(series(upText));
    expect(ours.length).toBeGreaterThan(200);
  });

  it('reports the same values for what does not change between two scrapes', async () => {
    const [upText, ourText] = await Promise.all(
      [up!, ourProcess!].map(async (p) => (await fetch(p.url)).text()),
    );
    const stable =
      /^node_(memory_(MemTotal|SwapTotal|Hugepagesize)_bytes|memory_HugePages_Total|filefd_maximum|boot_time_seconds|os_version|os_info|uname_info|disk_info|filesystem_(size_bytes|readonly|device_error)|time_clocksource_(available|current)_info|time_zone_offset_seconds)[{ ]/;
    const values = (text: string) =>
      text
        .split('\n')
        .filter((l) => stable.test(l))
        .sort();
    const ours = values(ourText);
    expect(ours).toEqual(values(upText));
    expect(ours.length).toBeGreaterThan(10);
  });

  it('reports every collector as succeeding, as upstream does here', async () => {
    const text = await (await fetch(ourProcess!.url)).text();
    const upText = await (await fetch(up!.url)).text();
    const successes = (t: string) =>
      t
        .split('\n')
        .filter((l) => l.startsWith('node_scrape_collector_success'))
        .sort();
    expect(successes(text)).toEqual(successes(upText));
  });

  it('serves gzip when asked', async () => {
    const res = await fetch(ourProcess!.url, { headers: { 'accept-encoding': 'gzip' } });
    expect(res.headers.get('content-encoding')).toBe('gzip');
    expect(await res.text()).toContain('node_load1 ');
  });
});
