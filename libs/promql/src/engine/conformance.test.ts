import { existsSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  CONFORMANCE_DIR,
  KNOWN_FAILURES_FILE,
  failureReason,
  readKnownFailures,
  runFiles,
  scriptFiles,
} from './promqltest/harness.ts';

// Runs every upstream promqltest script through the engine and the in-memory storage.
// Exactly the evals in testdata/known-failures.json may fail: a fix or a regression
// both fail this test until the list is updated (PROMQLTEST_UPDATE=1 rewrites it).
describe.runIf(existsSync(CONFORMANCE_DIR))('upstream PromQL conformance scripts', () => {
  it('fails exactly the known failures', async () => {
    const outcomes = await runFiles(scriptFiles([CONFORMANCE_DIR]));
    const byFile = new Map<string, { passed: number; total: number }>();
    for (const o of outcomes) {
      const f = byFile.get(o.file) ?? { passed: 0, total: 0 };
      f.total++;
      if (o.passed) f.passed++;
      byFile.set(o.file, f);
    }
    const lines = [...byFile].map(([file, { passed, total }]) => `${file}: ${passed}/${total}`);
    const passed = outcomes.filter((o) => o.passed).length;
    // What does not pass here is what `pnpm promqltest` prints as skipped: the known list.
    console.log(
      `${lines.join('\n')}\n${passed} passed, ${outcomes.length - passed} not passed (must equal the known list)`,
    );

    const failing = Object.fromEntries(
      outcomes.filter((o) => !o.passed).map((o) => [o.key, failureReason(o)]),
    );
    if (process.env['PROMQLTEST_UPDATE'] === '1')
      writeFileSync(KNOWN_FAILURES_FILE, `${JSON.stringify(failing, null, 2)}\n`);
    const known = readKnownFailures();
    expect(Object.keys(failing).sort()).toEqual(Object.keys(known).sort());
  }, 120_000);
});
