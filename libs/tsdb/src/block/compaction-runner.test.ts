import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Matcher } from '@argus/model';
import { afterEach, describe, expect, it } from 'vitest';
import { Block } from './block.ts';
import { writeBlock } from './block-writer.ts';
import {
  CompactionWorkerError,
  InlineCompactionRunner,
  WorkerCompactionRunner,
  type CompactionRunner,
} from './compaction-runner.ts';
import { packSeries, unpackSeries } from './series-transfer.ts';
import { symbolsOf, syntheticSeries, tempDir, toBlockSeries } from './test-helpers.ts';

const H = 3600_000;
const T0 = 1_700_006_400_000;
// Bundle the worker entry the way tools/build/build-app.mjs does for an app (aliases to
// library sources, native modules external), so the test runs what an app ships.
const root = fileURLToPath(new URL('../../../../', import.meta.url));

async function bundleWorker(dir: string): Promise<URL> {
  const { build } = await import('esbuild');
  const { compilerOptions } = JSON.parse(readFileSync(join(root, 'tsconfig.base.json'), 'utf8')) as {
    compilerOptions: { paths: Record<string, string[]> };
  };
  const alias = Object.fromEntries(
    Object.entries(compilerOptions.paths).map(([name, [target]]) => [name, join(root, target!)]),
  );
  const outfile = join(dir, 'compact.worker.mjs');
  await build({
    entryPoints: [fileURLToPath(new URL('./compact.worker.ts', import.meta.url))],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    alias,
    external: ['re2'],
    logLevel: 'error',
    banner: {
      js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);",
    },
  });
  // The worker must not load re2: a second worker thread initialising it aborts the process.
  expect(readFileSync(outfile, 'utf8')).not.toMatch(/["']re2["']/);
  return pathToFileURL(outfile);
}

let cleanups: (() => void | Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups) await c();
  cleanups = [];
});

describe.each([
  { name: 'inline', make: async (): Promise<CompactionRunner> => new InlineCompactionRunner() },
  {
    name: 'worker thread',
    make: async (): Promise<CompactionRunner> => {
      const { dir, cleanup } = tempDir('argus-worker-');
      cleanups.push(cleanup);
      return new WorkerCompactionRunner(await bundleWorker(dir));
    },
  },
])('$name compaction runner', ({ make }) => {
  it('writes head series and compacts blocks', async () => {
    const runner = await make();
    cleanups.push(() => runner.close());
    const { dir, cleanup } = tempDir('argus-runner-');
    cleanups.push(cleanup);
    const series = syntheticSeries(10, 240, T0, 60_000);
    const first = toBlockSeries(
      series.map((s) => ({ ...s, ts: s.ts.slice(0, 120), vs: s.vs.slice(0, 120) })),
    );
    const a = (await runner.writeSeries(dir, first.reverse(), T0, T0 + 2 * H))!;
    const b = writeBlock({
      parentDir: dir,
      minTime: T0 + 2 * H,
      maxTime: T0 + 4 * H,
      symbols: symbolsOf(series),
      series: toBlockSeries(series.map((s) => ({ ...s, ts: s.ts.slice(120), vs: s.vs.slice(120) }))),
    })!;
    const c = (await runner.compact(dir, [join(dir, a.ulid), join(dir, b.ulid)]))!;
    expect(c.stats).toEqual({ numSamples: 2400, numSeries: 10, numChunks: 20 });
    expect(c.compaction.level).toBe(2);
    const block = Block.open(join(dir, c.ulid));
    const got = await block.querier(T0, T0 + 4 * H).select([Matcher.regex('__name__', '.+')]);
    expect(got.map((s) => Array.from(s.samples(T0, T0 + 4 * H).values))).toEqual(series.map((s) => s.vs));
    block.close();
  });

  it('reports failures as errors and keeps working', async () => {
    const runner = await make();
    cleanups.push(() => runner.close());
    const { dir, cleanup } = tempDir('argus-runner-');
    cleanups.push(cleanup);
    await expect(runner.compact(dir, [join(dir, 'nope')])).rejects.toMatchObject({ code: 'block_open' });
    expect(await runner.writeSeries(dir, [], 0, 1)).toBeUndefined();
  });
});

describe('packSeries', () => {
  it('round-trips labels and chunk bytes', () => {
    const series = toBlockSeries(syntheticSeries(3, 300, T0));
    const back = unpackSeries(structuredClone(packSeries(series)));
    expect(
      back.map((s) => ({
        labels: s.labels,
        chunks: s.chunks.map((c) => ({ ...c, bytes: Array.from(c.bytes) })),
      })),
    ).toEqual(
      series.map((s) => ({
        labels: s.labels,
        chunks: s.chunks.map((c) => ({ ...c, bytes: Array.from(c.bytes) })),
      })),
    );
  });
});

void CompactionWorkerError;
