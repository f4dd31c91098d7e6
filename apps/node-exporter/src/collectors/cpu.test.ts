import { mkdtempSync, mkdirSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_COLLECTOR_OPTIONS } from '../collector-options.ts';
import { HostPaths } from '../host-paths.ts';
import { sampleLines } from '../testing/sample-lines.ts';
import { cpuCollector, parseCpuList } from './cpu.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function procWithStat(): { paths: HostPaths; write: (cpu0: string) => void } {
  const root = mkdtempSync(join(tmpdir(), 'argus-cpu-'));
  dirs.push(root);
  mkdirSync(join(root, 'proc'));
  const write = (cpu0: string) =>
    writeFileSync(join(root, 'proc/stat'), `cpu  0 0 0 0 0 0 0 0 0 0\ncpu0 ${cpu0}\n`);
  return { paths: new HostPaths(join(root, 'proc'), join(root, 'sys')), write };
}

describe('cpu collector counter guard', () => {
  it.each([
    {
      name: 'a counter that goes backwards keeps its value',
      second: '90 0 0 1000 0 0 0 0 0 0',
      user: '1',
      idle: '10',
    },
    {
      name: 'an idle drop of 3 s or more resets the CPU (hot-plug)',
      second: '90 0 0 600 0 0 0 0 0 0',
      user: '0.9',
      idle: '6',
    },
    {
      name: 'increasing counters follow the file',
      second: '200 0 0 2000 0 0 0 0 0 0',
      user: '2',
      idle: '20',
    },
  ])('$name', async ({ second, user, idle }) => {
    const { paths, write } = procWithStat();
    const collector = cpuCollector({ paths, options: DEFAULT_COLLECTOR_OPTIONS });
    write('100 0 0 1000 0 0 0 0 0 0');
    await collector.collect();
    write(second);
    const lines = sampleLines(await collector.collect());
    expect(lines).toContain(`node_cpu_seconds_total{cpu="0",mode="user"} ${user}`);
    expect(lines).toContain(`node_cpu_seconds_total{cpu="0",mode="idle"} ${idle}`);
  });
});

describe('parseCpuList', () => {
  it.each([
    ['', []],
    ['1', [1]],
    ['0-2,5', [0, 1, 2, 5]],
    ['3,7-8\n', [3, 7, 8]],
  ])('%j', (text, want) => {
    expect(parseCpuList(text)).toEqual(want);
  });
});
