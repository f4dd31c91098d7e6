import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Labels, Matcher } from '@argus/model';
import { afterEach, describe, expect, it } from 'vitest';
import { openTsdb } from '../tsdb.ts';
import { InlineCheckpointRunner, WorkerCheckpointRunner } from './checkpoint-runner.ts';
import type { CheckpointRunner } from './checkpoint-runner.ts';

const root = fileURLToPath(new URL('../../../../', import.meta.url));
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
function tmp(): string {
  const d = mkdtempSync(join(tmpdir(), 'argus-ckpt-'));
  dirs.push(d);
  return d;
}

/** Bundles the worker entry as an app build does (library sources, natives external). */
async function bundleWorker(dir: string): Promise<URL> {
  const { build } = await import('esbuild');
  const { compilerOptions } = JSON.parse(readFileSync(join(root, 'tsconfig.base.json'), 'utf8')) as {
    compilerOptions: { paths: Record<string, string[]> };
  };
  const alias = Object.fromEntries(
    Object.entries(compilerOptions.paths).map(([name, [target]]) => [name, join(root, target!)]),
  );
  const outfile = join(dir, 'checkpoint.worker.mjs');
  await build({
    entryPoints: [fileURLToPath(new URL('./checkpoint.worker.ts', import.meta.url))],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    alias,
    external: ['re2'],
    logLevel: 'error',
  });
  // A worker must not load re2 (a second thread initialising it aborts the process).
  const code = readFileSync(outfile, 'utf8');
  expect(code).not.toMatch(/["']re2["']/);
  expect(code).not.toMatch(/@argus\//);
  return pathToFileURL(outfile);
}

const H = 3_600_000;

describe.each([
  { name: 'inline', make: async (): Promise<CheckpointRunner> => new InlineCheckpointRunner() },
  {
    name: 'worker',
    make: async (): Promise<CheckpointRunner> => new WorkerCheckpointRunner(await bundleWorker(tmp())),
  },
])('$name checkpoint runner', ({ make }) => {
  it('checkpoints while appends go on, and the result replays', async () => {
    const dir = tmp();
    const db = await openTsdb(dir, {
      walSegmentSizeBytes: 64 * 1024,
      walCompression: false,
      checkpointRunner: await make(),
    });
    const ingest = async (from: number, to: number, names: string[]): Promise<void> => {
      const app = db.appender();
      for (let t = from; t <= to; t += 15_000)
        for (const n of names)
          for (let i = 0; i < 40; i++) app.append(0, Labels.of('__name__', n, 'i', String(i)), t, t);
      await app.commit();
    };
    for (let t = 0; t < 3 * H; t += 10 * 60_000)
      await ingest(t, t + 9 * 60_000, t < 2 * H ? ['live', 'gone'] : ['live']);
    const pending = db.truncateHead(2 * H);
    // Appends during the checkpoint land in newer segments.
    await ingest(3 * H, 3 * H + 60_000, ['live']);
    const r = await pending;
    expect(r.checkpoint?.droppedSeries).toBe(40);
    expect(r.checkpoint?.keptSeries).toBe(40);
    const q = await db.querier(2 * H, Infinity);
    const want = (await q.select([Matcher.equal('__name__', 'live')])).reduce(
      (n, s) => n + s.samples(2 * H, Infinity).length,
      0,
    );
    await db.close();
    const again = await openTsdb(dir);
    expect(again.replay.checkpoint).toBe(r.checkpoint!.index);
    const q2 = await again.querier(2 * H, Infinity);
    const got = (await q2.select([Matcher.equal('__name__', 'live')])).reduce(
      (n, s) => n + s.samples(2 * H, Infinity).length,
      0,
    );
    expect(got).toBe(want);
    expect(await q2.labelValues('__name__')).toEqual(['live']);
    await again.close();
  });
});
