import { readFileSync, readdirSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { Engine } from '../engine.ts';
import { ALL_PARSER_FEATURES } from '../../parser/options.ts';
import type { EvalOutcome } from './runner.ts';
import { runScript } from './runner.ts';

/** Where the upstream test scripts live, relative to this repository's checkout. */
export const CONFORMANCE_DIR = resolve(
  import.meta.dirname,
  '../../../../../../shared/conformance/promql/testdata',
);

/** The committed list of evals expected to fail, `<file>:<line>` → reason. */
export const KNOWN_FAILURES_FILE = resolve(import.meta.dirname, '../testdata/known-failures.json');

/** An engine configured as upstream's promqltest harness configures its own (FORMAT.md §7.3). */
export function harnessEngine(): Engine {
  return new Engine({
    lookbackDeltaMs: 5 * 60_000,
    maxSamples: 10_000,
    timeoutMs: 100_000,
    defaultSubqueryStepMs: 60_000,
    delayedNameRemoval: true,
    useStartTimestamps: true,
    parser: ALL_PARSER_FEATURES,
  });
}

/** `.test` files under the given files or directories, sorted. */
export function scriptFiles(paths: readonly string[]): string[] {
  const out: string[] = [];
  for (const p of paths) {
    if (statSync(p).isDirectory()) {
      for (const f of readdirSync(p).sort()) if (f.endsWith('.test')) out.push(join(p, f));
    } else out.push(p);
  }
  return out;
}

/** One eval's outcome keyed `<file name>:<line>`. */
export interface KeyedOutcome extends EvalOutcome {
  key: string;
  file: string;
}

/** Runs every script; a script that cannot be parsed counts as one failed eval at line 0. */
export async function runFiles(files: readonly string[], engine = harnessEngine()): Promise<KeyedOutcome[]> {
  const out: KeyedOutcome[] = [];
  for (const path of files) {
    const file = basename(path);
    try {
      const { evals } = await runScript(readFileSync(path, 'utf8'), engine);
      for (const e of evals) out.push({ ...e, file, key: `${file}:${e.line}` });
    } catch (err) {
      out.push({
        file,
        key: `${file}:0`,
        line: 0,
        query: '',
        passed: false,
        unsupportedData: false,
        error: (err as Error).message,
      });
    }
  }
  return out;
}

/** Reads the known-failure list. */
export function readKnownFailures(): Record<string, string> {
  return JSON.parse(readFileSync(KNOWN_FAILURES_FILE, 'utf8')) as Record<string, string>;
}

/** The reason recorded for a failing eval. */
export function failureReason(o: EvalOutcome): string {
  if (o.unsupportedData === 'native histograms')
    return 'native histograms in the loaded data (out of scope: float samples only)';
  return `engine gap: ${o.error ?? 'failed'}`.slice(0, 300);
}
