import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_COLLECTOR_OPTIONS } from '../collector-options.ts';
import { COLLECTORS } from './registry.ts';
import { HostPaths } from '../host-paths.ts';
import { parseSampleLines, sampleLines, normaliseSeries } from '../testing/sample-lines.ts';

// Upstream's fixture /proc files and the e2e output upstream expects from them
// (../shared/conformance/node_exporter, read in place, never copied).
const conformance = resolve(import.meta.dirname, '../../../../../shared/conformance/node_exporter/fixtures');
const expected = parseSampleLines(readFileSync(resolve(conformance, 'e2e-output.txt'), 'utf8'));
const context = {
  paths: new HostPaths(
    resolve(conformance, 'proc'),
    resolve(conformance, 'no-sys'),
    resolve(conformance, 'no-root'),
    resolve(conformance, 'no-udev'),
  ),
  options: { ...DEFAULT_COLLECTOR_OPTIONS, statSoftirq: true },
};

// Families whose upstream value needs fixture files upstream has and we were not given
// (sysfs, udev), or that later upstream versions no longer derive from /proc/meminfo.
const notComparable = new Set(['node_disk_info']);

describe('collectors on the upstream fixture /proc tree', () => {
  it.each([
    { collector: 'cpu', minSamples: 8 * 10 },
    { collector: 'diskstats', minSamples: 100 },
    { collector: 'loadavg', minSamples: 3 },
    { collector: 'meminfo', minSamples: 40 },
    { collector: 'stat', minSamples: 16 },
  ])('$collector matches e2e-output.txt sample for sample', async ({ collector, minSamples }) => {
    const families = await COLLECTORS.get(collector)!(context).collect();
    const compared = families.filter((f) => !notComparable.has(f.name));
    const lines = sampleLines(compared);
    expect(lines.length).toBeGreaterThanOrEqual(minSamples);
    const mismatches: string[] = [];
    for (const line of lines) {
      const space = line.lastIndexOf(' ');
      const series = normaliseSeries(line.slice(0, space));
      const want = expected.get(series);
      const got = Number(line.slice(space + 1));
      if (want === undefined) mismatches.push(`${series}: not in upstream output`);
      else if (Math.abs(want - got) > Math.abs(want) * 1e-12)
        mismatches.push(`${series}: got ${got}, upstream ${want}`);
    }
    expect(mismatches).toEqual([]);
    // And the other way round: every upstream series of the families we produce is ours too.
    const ours = new Set(lines.map((l) => normaliseSeries(l.slice(0, l.lastIndexOf(' ')))));
    const names = new Set(compared.map((f) => f.name));
    const missing = [...expected.keys()].filter(
      (series) => names.has(series.replace(/\{.*$/, '')) && !ours.has(series),
    );
    expect(missing).toEqual([]);
  });

  it.each([
    ['node_load1', 0.21],
    ['node_boot_time_seconds', 1418183276],
    ['node_memory_MemTotal_bytes', 3831959552],
    ['node_cpu_seconds_total{cpu="0",mode="user"}', 444.9],
  ])('reproduces %s', async (series, value) => {
    const all = [];
    for (const name of ['cpu', 'loadavg', 'meminfo', 'stat'])
      all.push(...(await COLLECTORS.get(name)!(context).collect()));
    expect(parseSampleLines(sampleLines(all).join('\n')).get(series)).toBe(value);
  });
});
