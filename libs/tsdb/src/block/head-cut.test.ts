import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Labels, Matcher } from '@argus/model';
import { afterEach, describe, expect, it } from 'vitest';
import { Head } from '../head/head.ts';
import { BlockStore } from './block-store.ts';
import { tempDir } from './test-helpers.ts';

const H = 3600_000;
const T0 = 1_700_006_400_000;
let cleanups: (() => void)[] = [];
afterEach(() => {
  cleanups.forEach((c) => c());
  cleanups = [];
});

describe('cutting the real head into blocks', () => {
  it('moves every sample older than the head window into 2h blocks that promtool dumps back', async () => {
    const { dir, cleanup } = tempDir('argus-headcut-');
    cleanups.push(cleanup);
    const head = new Head();
    const series = Array.from({ length: 8 }, (_, i) =>
      Labels.of('__name__', 'node_cpu_seconds_total', 'cpu', String(i), 'mode', 'idle'),
    );
    const stepMs = 30_000;
    const end = T0 + 7 * H;
    let total = 0;
    for (let t = T0; t < end; t += stepMs) {
      const app = head.appender();
      series.forEach((l, i) => app.append(0, l, t, (t - T0) / 1000 + i));
      await app.commit();
      total += series.length;
    }
    const store = BlockStore.open({ dir });
    const written = await store.compactHead(head, (maxT) => {
      head.truncate(maxT);
    });
    // 0-2h, 2-4h cut (the head keeps more than 1.5 ranges until it spans ≤ 3h).
    expect(written.map((m) => [m.minTime - T0, m.maxTime - T0])).toEqual([
      [0, 2 * H],
      [2 * H, 4 * H],
    ]);
    expect(head.minTimeMs).toBe(T0 + 4 * H);
    const inBlocks = store.blocks.reduce((n, b) => n + b.meta.stats.numSamples, 0);
    expect(inBlocks).toBe(((4 * H) / stepMs) * series.length);

    mkdirSync(join(dir, 'wal'));
    const dump = execFileSync('/usr/bin/promtool', ['tsdb', 'dump', dir], {
      encoding: 'utf8',
      maxBuffer: 64 << 20,
    });
    const lines = dump.trim().split('\n');
    expect(lines).toHaveLength(inBlocks);
    expect(lines[0]).toBe(`{__name__="node_cpu_seconds_total", cpu="0", mode="idle"} 0 ${T0}`);

    // Blocks and head together still answer for everything appended.
    const q = store.querier(T0, end);
    const fromBlocks = await q.select([Matcher.equal('cpu', '3')]);
    expect(fromBlocks[0]!.samples(T0, end).length).toBe((4 * H) / stepMs);
    await q.close();
    const hq = await head.querier(T0, end);
    const fromHead = await hq.select([Matcher.equal('cpu', '3')]);
    expect(fromHead[0]!.samples(T0, end).length).toBe(total / series.length - (4 * H) / stepMs);
    await hq.close();
    await store.close();
  });
});
