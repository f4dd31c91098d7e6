// Process plumbing shared by the benchmarks: free ports, readiness, and stopping children.
import type { ChildProcess, StdioOptions } from 'node:child_process';
import { openSync } from 'node:fs';
import { createServer } from 'node:net';

/**
 * Extra node flags for our processes: BENCH_PROFILE=<dir> adds a --cpu-prof written there
 * (the profiler itself costs CPU), BENCH_NODE_FLAGS adds its space-separated flags (A/B runs
 * of V8 settings, or --trace-gc with BENCH_CHILD_OUTPUT).
 */
export function nodeFlags(): string[] {
  const flags = process.env.BENCH_PROFILE
    ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE}`]
    : [];
  return [...flags, ...(process.env.BENCH_NODE_FLAGS ?? '').split(' ').filter((f) => f !== '')];
}

/** The file BENCH_CHILD_OUTPUT=<prefix> names for our process `name`'s output: <prefix>.<name>. */
export function childOutputPath(name: string): string | undefined {
  const prefix = process.env.BENCH_CHILD_OUTPUT;
  return prefix ? `${prefix}.${name}` : undefined;
}

/** Stdio for our process `name`: output appended to {@link childOutputPath}, else ignored. */
export function childOutput(name: string): StdioOptions {
  const file = childOutputPath(name);
  if (file === undefined) return 'ignore';
  const fd = openSync(file, 'a');
  return ['ignore', fd, fd];
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** A TCP port on 127.0.0.1 that was free a moment ago. */
export function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const s = createServer();
    s.once('error', rej);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => res(port));
    });
  });
}

/** Resolves once `url` answers 2xx; fails early when one of `children` has exited. */
export async function waitReady(url: string, children: readonly ChildProcess[]): Promise<void> {
  for (let i = 0; i < 300; i++) {
    for (const c of children) if (c.exitCode !== null) throw new Error(`a process exited with ${c.exitCode}`);
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not listening yet
    }
    await sleep(100);
  }
  throw new Error(`${url} did not become ready`);
}

/** SIGTERM, then SIGKILL after 10 s; resolves once the child has exited. */
export async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}
