// `pnpm promqltest [files or dirs]`: runs upstream promqltest scripts against the engine and
// prints one line per file, then `N passed, N failed, N skipped`. Evals listed in
// testdata/known-failures.json as needing native histograms count as skipped. Exit code 1
// when anything failed.
import { relative } from 'node:path';
import { CONFORMANCE_DIR, readKnownFailures, runFiles, scriptFiles } from './harness.ts';

const args = process.argv.slice(2);
const verbose = args.includes('-v');
const paths = args.filter((a) => a !== '-v');
const files = scriptFiles(paths.length > 0 ? paths : [CONFORMANCE_DIR]);
const known = readKnownFailures();
const outcomes = await runFiles(files);

let passed = 0;
let failed = 0;
let skipped = 0;
const perFile = new Map<string, { passed: number; failed: number; skipped: number }>();
for (const o of outcomes) {
  const f = perFile.get(o.file) ?? { passed: 0, failed: 0, skipped: 0 };
  const reason = known[o.key];
  if (o.passed) {
    f.passed++;
    passed++;
  } else if (reason?.startsWith('native histograms')) {
    f.skipped++;
    skipped++;
  } else {
    f.failed++;
    failed++;
    if (verbose) console.log(`  ${o.key}: ${o.query}\n    ${o.error ?? ''}`);
  }
  perFile.set(o.file, f);
}
for (const [file, f] of perFile) {
  const path = files.find((p) => p.endsWith(file)) ?? file;
  console.log(
    `${relative(process.cwd(), path)}: ${f.passed} passed, ${f.failed} failed${f.skipped ? `, ${f.skipped} skipped` : ''}`,
  );
}
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exitCode = failed > 0 ? 1 : 0;
