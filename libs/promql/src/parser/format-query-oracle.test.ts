import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ALL_PARSER_FEATURES,
  formatFloatG,
  formatFloatPlain,
  inspect,
  parseExpr,
  prettify,
} from '../index.ts';
import { extractScriptQueries } from './conformance-queries.ts';

const TESTDATA = resolve(import.meta.dirname, '../../../../../shared/conformance/promql/testdata');
const hasPrometheus = spawnSync('prometheus', ['--version']).status === 0 && existsSync(TESTDATA);

/** Starts Debian's Prometheus (2.42) on a random loopback port; retries when the port is taken. */
async function startPrometheus(dir: string): Promise<{ proc: ChildProcess; url: string }> {
  writeFileSync(join(dir, 'prometheus.yml'), 'global:\n  scrape_interval: 1h\n');
  for (let attempt = 0; attempt < 5; attempt++) {
    const port = 20_000 + Math.floor(Math.random() * 30_000);
    const proc = spawn(
      'prometheus',
      [
        `--config.file=${join(dir, 'prometheus.yml')}`,
        `--storage.tsdb.path=${join(dir, `data-${attempt}`)}`,
        `--web.listen-address=127.0.0.1:${port}`,
      ],
      { stdio: 'ignore' },
    );
    const url = `http://127.0.0.1:${port}`;
    for (let i = 0; i < 100 && proc.exitCode === null; i++) {
      try {
        if ((await fetch(`${url}/-/ready`)).ok) return { proc, url };
      } catch {
        // Not listening yet.
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    proc.kill();
  }
  throw new Error('prometheus did not start');
}

// 2.42 prints number literals with %v (1e+06), 3.x without exponent (1000000); queries whose
// numbers print differently between the two are left out of the comparison.
function numbersPrintAlike(q: string): boolean {
  let alike = true;
  inspect(parseExpr(q, ALL_PARSER_FEATURES), (node) => {
    if (
      node.kind === 'NumberLiteral' &&
      !node.duration &&
      formatFloatG(node.value) !== formatFloatPlain(node.value)
    )
      alike = false;
  });
  return alike;
}

describe.runIf(hasPrometheus)('prettified queries against Prometheus 2.42 /api/v1/format_query', () => {
  let dir = '';
  let server: { proc: ChildProcess; url: string } | undefined;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'promql-format-'));
    server = await startPrometheus(dir);
  }, 60_000);

  afterAll(() => {
    server?.proc.kill();
    rmSync(dir, { recursive: true, force: true });
  });

  it('prints every script query 2.42 understands exactly as 2.42 does', async () => {
    // Every third distinct query keeps the suite fast; the scripts repeat shapes a lot.
    const queries = [...new Set(extractScriptQueries(TESTDATA).map((q) => q.query))].filter(
      (q, i) => i % 3 === 0 && numbersPrintAlike(q),
    );
    let compared = 0;
    const differences: Array<{ query: string; theirs: string; ours: string }> = [];
    const format = async (query: string): Promise<{ status: string; data?: string }> => {
      const res = await fetch(`${server!.url}/api/v1/format_query`, {
        method: 'POST',
        body: new URLSearchParams({ query }),
      });
      return (await res.json()) as { status: string; data?: string };
    };
    for (let i = 0; i < queries.length; i += 32) {
      const batch = queries.slice(i, i + 32);
      const answers = await Promise.all(batch.map(format));
      batch.forEach((query, j) => {
        const body = answers[j]!;
        if (body.status !== 'success') return; // 3.x-only syntax.
        compared++;
        const ours = prettify(parseExpr(query, ALL_PARSER_FEATURES));
        if (ours !== body.data) differences.push({ query, theirs: body.data!, ours });
      });
    }
    expect(compared).toBeGreaterThan(350);
    expect(differences).toEqual([]);
  }, 120_000);
});
