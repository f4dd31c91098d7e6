import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

/** One PromQL query taken from an upstream `.test` script. */
export interface ScriptQuery {
  file: string;
  line: number;
  query: string;
  /** `eval_fail` or an `expect fail` line: the query parses but evaluation fails. */
  expectFail: boolean;
}

const instantEval = /^eval(?:_(fail|warn|ordered|info))?\s+instant\s+(?:at\s+(.+?))?\s+(.+)$/;
const rangeEval = /^eval(?:_(fail|warn|info))?\s+range\s+from\s+(.+)\s+to\s+(.+)\s+step\s+(.+?)\s+(.+)$/;

/**
 * The queries of every `eval` command in the `.test` scripts of `dir`, following the
 * script format (`FORMAT.md`): lines are trimmed, `#` lines end blocks, the query is the
 * rest of the `eval` line. Test-only helper; reads the shared conformance data in place.
 */
export function extractScriptQueries(dir: string): ScriptQuery[] {
  const out: ScriptQuery[] = [];
  for (const file of readdirSync(dir)
    .filter((f) => f.endsWith('.test'))
    .sort()) {
    const lines = readFileSync(join(dir, file), 'utf8').split('\n');
    let current: ScriptQuery | undefined;
    lines.forEach((raw, i) => {
      const line = raw.trim();
      if (line === '' || line.startsWith('#')) {
        current = undefined;
        return;
      }
      const instant = instantEval.exec(line);
      const range = instant ? null : rangeEval.exec(line);
      if (instant || range) {
        const query = instant ? instant[3]! : range![5]!;
        const fail = (instant ? instant[1] : range![1]) === 'fail';
        current = { file, line: i + 1, query, expectFail: fail };
        out.push(current);
        return;
      }
      if (current && /^expect\s+fail\b/.test(line)) current.expectFail = true;
    });
  }
  return out;
}
