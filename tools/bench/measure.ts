// Measurement helpers for benchmarks: CPU time and RSS of processes read from /proc,
// medians and spreads, and writing results under bench/results/.
import { readFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { resolve } from 'node:path';

const CLOCK_TICKS_PER_SECOND = 100;

/** User + system CPU seconds consumed so far by a process (children not included). */
export function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // fields[11] and [12] are utime and stime (fields 14 and 15 of proc(5)).
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_SECOND;
}

/** Resident set size of a process in bytes. */
export function rssBytes(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const match = /VmRSS:\s+(\d+) kB/.exec(status);
  return match ? Number(match[1]) * 1024 : 0;
}

export interface Spread {
  median: number;
  min: number;
  max: number;
  runs: number;
}

export function spread(values: number[]): Spread {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  return { median, min: sorted[0]!, max: sorted[sorted.length - 1]!, runs: values.length };
}

/** Runs `fn` `warmup` times unmeasured, then `runs` times, and returns the spread of its results. */
export async function repeat(
  runs: number,
  warmup: number,
  fn: () => Promise<number> | number,
): Promise<Spread> {
  for (let i = 0; i < warmup; i++) await fn();
  const values: number[] = [];
  for (let i = 0; i < runs; i++) values.push(await fn());
  return spread(values);
}

export function machine(): Record<string, string | number> {
  return {
    cpu: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    date: new Date().toISOString(),
  };
}

/**
 * Writes `bench/results/<name>.json` (machine, versions, raw figures) and
 * `bench/results/<name>.md` (the human summary).
 */
export function writeResult(name: string, data: Record<string, unknown>, markdown: string): void {
  const dir = resolve(import.meta.dirname, '../../bench/results');
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    resolve(dir, `${name}.json`),
    JSON.stringify({ machine: machine(), ...data }, null, 2) + '\n',
  );
  writeFileSync(resolve(dir, `${name}.md`), markdown.endsWith('\n') ? markdown : markdown + '\n');
  console.log(markdown);
}

export function formatSpread(s: Spread, digits = 2): string {
  return `${s.median.toFixed(digits)} (${s.min.toFixed(digits)}–${s.max.toFixed(digits)}, n=${s.runs})`;
}
