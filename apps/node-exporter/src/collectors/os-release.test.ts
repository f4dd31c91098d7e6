import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_COLLECTOR_OPTIONS } from '../collector-options.ts';
import { HostPaths } from '../host-paths.ts';
import { sampleLines } from '../testing/sample-lines.ts';
import { osCollector } from './os-release.ts';
import { majorMinor, parseOsRelease } from './os-release.ts';

describe('os-release', () => {
  it.each([
    { line: 'NAME="Debian GNU/Linux"', key: 'NAME', value: 'Debian GNU/Linux' },
    { line: "NAME='single'", key: 'NAME', value: 'single' },
    { line: 'ID=debian', key: 'ID', value: 'debian' },
    { line: 'X="a \\"quoted\\" \\\\ word"', key: 'X', value: 'a "quoted" \\ word' },
    { line: '  # comment', key: '#', value: undefined },
  ])('$line', ({ line, key, value }) => {
    expect(parseOsRelease(line + '\n').get(key)).toBe(value);
  });

  it.each([
    ['12', 12],
    ['22.04', 22.04],
    ['9.2.1', 9.2],
    ['rolling', 0],
    ['', 0],
  ])('VERSION_ID %s → %d', (id, want) => {
    expect(majorMinor(id)).toBe(want);
  });
});

describe('os collector', () => {
  it('falls back to <rootfs>/usr/lib/os-release', async () => {
    const rootfs = resolve(import.meta.dirname, '../../testdata/usr-lib-os-release');
    const collector = osCollector({
      paths: new HostPaths('/proc', '/sys', rootfs),
      options: DEFAULT_COLLECTOR_OPTIONS,
    });
    const lines = sampleLines(await collector.collect());
    expect(lines).toContain('node_os_version{id="fedora",id_like="",name="Fedora Linux"} 39');
    // The second scrape answers from the cache (same mtime) with the same families.
    expect(sampleLines(await collector.collect())).toEqual(lines);
  });
});
