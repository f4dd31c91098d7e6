import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Matcher } from '@argus/model';
import type { Querier } from '@argus/storage';
import { afterEach, describe, expect, it } from 'vitest';
import { BlockStore } from './block-store.ts';
import { writeBlock } from './block-writer.ts';
import { compactBlocks } from './compactor.ts';
import { FakeBlockSource } from './fake-block-source.ts';
import { readMetaFile } from './meta.ts';
import { symbolsOf, syntheticSeries, tempDir, toBlockSeries, type PlainSeries } from './test-helpers.ts';
import { isUlid } from './ulid.ts';

const H = 3600_000;
const T0 = 1_700_006_400_000; // a multiple of 2h
let cleanups: (() => void)[] = [];
afterEach(() => {
  cleanups.forEach((c) => c());
  cleanups = [];
});

function dbDir(): string {
  const { dir, cleanup } = tempDir('argus-store-');
  cleanups.push(cleanup);
  return dir;
}

/** Every sample a querier returns, as `labels → [t, v][]`. */
async function dump(
  q: Querier,
  matchers = [Matcher.regex('__name__', '.+')],
): Promise<Map<string, [number, number][]>> {
  const out = new Map<string, [number, number][]>();
  for (const s of await q.select(matchers)) {
    const b = s.samples(-Infinity, Infinity);
    const list: [number, number][] = [];
    for (let i = 0; i < b.length; i++) list.push([b.timestamps[i]!, b.values[i]!]);
    out.set(s.labels.toString(), list);
  }
  await q.close();
  return out;
}

function expected(
  series: readonly PlainSeries[],
  keep: (t: number) => boolean = () => true,
): Map<string, [number, number][]> {
  const out = new Map<string, [number, number][]>();
  for (const s of series) {
    const list: [number, number][] = [];
    s.ts.forEach((t, i) => keep(t) && list.push([t, s.vs[i]!]));
    if (list.length)
      out.set(
        `{${s.labels.reduce((a, x, i) => (i % 2 ? a + `=${JSON.stringify(x)}` : a + (i ? ', ' : '') + x), '')}}`,
        list,
      );
  }
  return out;
}

/** Writes one level-1 block with the samples of `series` in [minT, maxT). */
function blockOf(dir: string, series: readonly PlainSeries[], minT: number, maxT: number): string {
  const cut = series
    .map((s) => {
      const idx = s.ts.map((t, i) => i).filter((i) => s.ts[i]! >= minT && s.ts[i]! < maxT);
      return { labels: s.labels, ts: idx.map((i) => s.ts[i]!), vs: idx.map((i) => s.vs[i]!) };
    })
    .filter((s) => s.ts.length);
  return writeBlock({
    parentDir: dir,
    minTime: minT,
    maxTime: maxT,
    symbols: symbolsOf(cut),
    series: toBlockSeries(cut),
  })!.ulid;
}

describe('BlockStore', () => {
  it('cuts the head every 2h of data, then compacts 2h blocks into a 6h block keeping every sample', async () => {
    const dir = dbDir();
    // 11h of data at 60s: blocks 0-2h … 6-8h are cut (the head keeps more than 1.5 ranges
    // until its span drops to 3h), and 0-6h compacts once 6-8h exists, as upstream.
    const series = syntheticSeries(12, 11 * 60, T0, 60_000);
    const source = new FakeBlockSource(structuredClone(series));
    const store = BlockStore.open({ dir });
    const written = await store.compactHead(source, (maxT) => source.truncate(maxT));
    const levels = store.blocks.map((b) => [b.minTime - T0, b.maxTime - T0, b.meta.compaction.level]);
    expect(levels).toEqual([
      [0, 6 * H, 2],
      [6 * H, 8 * H, 1],
    ]);
    expect(written.map((m) => m.compaction.level)).toEqual([1, 1, 1, 1, 2]);
    expect(store.counters).toMatchObject({ headBlocksWritten: 4, compactions: 1, compactionsFailed: 0 });
    expect(readdirSync(dir).filter(isUlid).sort()).toEqual(store.blocks.map((b) => b.ulid).sort());
    const six = store.blocks[0]!.meta;
    expect(six.compaction.sources).toHaveLength(3);
    expect(six.compaction.parents?.map((p) => p.maxTime - p.minTime)).toEqual([2 * H, 2 * H, 2 * H]);
    expect(await dump(store.querier(T0, T0 + 10 * H))).toEqual(expected(series, (t) => t < T0 + 8 * H));
    await store.close();
  });

  it('merges overlapping blocks, a later block winning on equal timestamps', async () => {
    const dir = dbDir();
    const a: PlainSeries = { labels: ['__name__', 'm'], ts: [T0, T0 + 1000, T0 + 2000], vs: [1, 2, 3] };
    const b: PlainSeries = {
      labels: ['__name__', 'm'],
      ts: [T0 + 1000, T0 + 1500, T0 + 5000],
      vs: [20, 15, 50],
    };
    const c: PlainSeries = { labels: ['__name__', 'other'], ts: [T0 + 3000], vs: [9] };
    blockOf(dir, [a], T0, T0 + 3000);
    blockOf(dir, [b, c], T0 + 1000, T0 + 6000);
    const store = BlockStore.open({ dir });
    const before = await dump(store.querier(T0, T0 + H));
    expect(before.get('{__name__="m"}')).toEqual([
      [T0, 1],
      [T0 + 1000, 20],
      [T0 + 1500, 15],
      [T0 + 2000, 3],
      [T0 + 5000, 50],
    ]);
    await store.compact();
    expect(store.blocks).toHaveLength(1);
    expect(store.blocks[0]!.meta).toMatchObject({
      minTime: T0,
      maxTime: T0 + 6000,
      stats: { numSamples: 6, numSeries: 2 },
    });
    expect(await dump(store.querier(T0, T0 + H))).toEqual(before);
    await store.close();
  });

  it('hides deleted ranges with tombstones and drops them when compacting', async () => {
    const dir = dbDir();
    const series = syntheticSeries(6, 240, T0, 60_000);
    const ulid = blockOf(dir, series, T0, T0 + 4 * H);
    const store = BlockStore.open({ dir });
    const from = T0 + 30 * 60_000;
    const to = T0 + 90 * 60_000;
    const matcher = Matcher.equal('__name__', 'metric_1');
    expect(store.delete(from, to, [matcher])).toBe(1);
    expect(readMetaFile(join(dir, ulid)).stats.numTombstones).toBe(1);
    const hidden = (t: number, s?: string) => !(s === 'metric_1' && t >= from && t <= to);
    const want = new Map<string, [number, number][]>();
    for (const s of series) {
      const e = expected([s], (t) => hidden(t, s.labels[1]));
      for (const [k, v] of e) want.set(k, v);
    }
    expect(await dump(store.querier(T0, T0 + 4 * H))).toEqual(want);
    // Deleting everything of a series drops it from select.
    store.delete(T0, T0 + 4 * H, [Matcher.equal('__name__', 'metric_2')]);
    want.delete('{__name__="metric_2", instance="host-002:9100", job="node"}');
    expect(await dump(store.querier(T0, T0 + 4 * H))).toEqual(want);

    const compacted = compactBlocks(dir, [join(dir, ulid)])!;
    expect(compacted.stats.numSamples).toBe(6 * 240 - 60 * 1 - 1 - 240);
    await store.close();
    const reopened = BlockStore.open({ dir });
    expect(reopened.blocks.map((b) => b.ulid)).toEqual([compacted.ulid]);
    expect(existsSync(join(dir, ulid))).toBe(false);
    expect(await dump(reopened.querier(T0, T0 + 4 * H))).toEqual(want);
    await reopened.close();
  });

  it('applies time retention relative to the newest block, oldest first', async () => {
    const dir = dbDir();
    const series = syntheticSeries(3, 10 * 60, T0, 60_000);
    const ulids = [0, 2, 4, 6, 8].map((h) => blockOf(dir, series, T0 + h * H, T0 + (h + 2) * H));
    const store = BlockStore.open({ dir, retentionMs: 5 * H, blockRanges: [2 * H] });
    // Newest block ends at 10h; blocks ending more than 5h earlier (at 2h and 4h) go.
    expect(store.blocks.map((b) => b.ulid)).toEqual(ulids.slice(2));
    expect(store.counters).toMatchObject({ timeRetentions: 1, sizeRetentions: 0 });
    expect(readdirSync(dir).filter(isUlid).sort()).toEqual(ulids.slice(2));
    await store.close();
  });

  it('applies size retention, counting the head first', async () => {
    const dir = dbDir();
    const series = syntheticSeries(20, 8 * 60, T0, 60_000);
    const ulids = [0, 2, 4, 6].map((h) => blockOf(dir, series, T0 + h * H, T0 + (h + 2) * H));
    const sizes = ulids.map((u) => {
      let n = 0;
      for (const f of ['index', 'meta.json', 'tombstones', 'chunks/000001'])
        n += statSync(join(dir, u, f)).size;
      return n;
    });
    const headBytes = 1000;
    // Room for the head and the two newest blocks, not a byte more.
    const limit = headBytes + sizes[3]! + sizes[2]!;
    const store = BlockStore.open({
      dir,
      retentionBytes: limit,
      headBytes: () => headBytes,
      blockRanges: [2 * H],
    });
    expect(store.blocks.map((b) => b.ulid)).toEqual(ulids.slice(2));
    expect(store.counters).toMatchObject({ timeRetentions: 0, sizeRetentions: 1 });
    await store.close();
  });

  it('takes a snapshot: blocks hard-linked, head written as a block', async () => {
    const dir = dbDir();
    const series = syntheticSeries(4, 120, T0, 60_000);
    const ulid = blockOf(dir, series, T0, T0 + 2 * H);
    const headSeries = syntheticSeries(4, 30, T0 + 2 * H, 60_000);
    const store = BlockStore.open({ dir });
    const snap = join(dbDir(), 'snapshots', 'x');
    const source = new FakeBlockSource(headSeries);
    const ulids = await store.snapshot(snap, { source, minT: source.minTimeMs, maxT: source.maxTimeMs });
    expect(ulids).toHaveLength(2);
    expect(statSync(join(snap, ulid, 'index')).ino).toBe(statSync(join(dir, ulid, 'index')).ino);
    const copy = BlockStore.open({ dir: snap });
    const all = [...series, ...headSeries].reduce((m, s) => {
      for (const [k, v] of expected([s])) m.set(k, [...(m.get(k) ?? []), ...v]);
      return m;
    }, new Map<string, [number, number][]>());
    expect(await dump(copy.querier(T0, T0 + 3 * H))).toEqual(all);
    await copy.close();
    await store.close();
  });

  it('keeps a block a querier still reads until the querier closes', async () => {
    const dir = dbDir();
    const series = syntheticSeries(3, 120, T0, 60_000);
    const a = blockOf(dir, series, T0, T0 + 2 * H);
    const store = BlockStore.open({ dir, retentionMs: 1 });
    const q = store.querier(T0, T0 + 2 * H);
    blockOf(dir, series, T0 + 4 * H, T0 + 6 * H);
    expect(store.reload()).toEqual([a]);
    expect(existsSync(join(dir, a))).toBe(true);
    expect((await dump(q)).size).toBe(3);
    expect(existsSync(join(dir, a))).toBe(false);
    await store.close();
  });

  it('cleans up after a crash: leftovers removed, compacted parents deleted, other corruption refused', async () => {
    const { mkdirSync, writeFileSync } = await import('node:fs');
    const { BlockOpenError } = await import('./errors.ts');
    const dir = dbDir();
    const series = syntheticSeries(3, 240, T0, 60_000);
    const a = blockOf(dir, series, T0, T0 + 2 * H);
    const b = blockOf(dir, series, T0 + 2 * H, T0 + 4 * H);
    const merged = compactBlocks(dir, [join(dir, a), join(dir, b)])!;
    // A crash after compaction, before deletion: parent `a` also got damaged.
    writeFileSync(join(dir, a, 'index'), 'garbage');
    mkdirSync(join(dir, `${merged.ulid}x.tmp-for-creation`));
    mkdirSync(join(dir, `${b}.tmp-for-deletion`));
    const store = BlockStore.open({ dir });
    expect(store.blocks.map((x) => x.ulid)).toEqual([merged.ulid]);
    expect(readdirSync(dir).sort()).toEqual([merged.ulid]);
    await store.close();

    const other = blockOf(dir, series, T0 + 4 * H, T0 + 6 * H);
    writeFileSync(join(dir, other, 'index'), 'garbage');
    expect(() => BlockStore.open({ dir })).toThrow(BlockOpenError);
  });

  it('drops a wholly deleted block: compaction leaves nothing, the block is marked deletable and removed', async () => {
    const dir = dbDir();
    const series = syntheticSeries(3, 120, T0, 60_000);
    const a = blockOf(dir, series, T0, T0 + 2 * H);
    const b = blockOf(dir, series, T0 + 2 * H, T0 + 4 * H);
    const store = BlockStore.open({ dir, blockRanges: [2 * H, 6 * H] });
    expect(store.delete(-Infinity, T0 + 2 * H - 1, [Matcher.regex('__name__', '.+')])).toBe(3);
    // Small, but every series deleted: the planner picks it alone; nothing is left to write.
    expect(await store.compact()).toEqual([]);
    expect(store.blocks.map((x) => x.ulid)).toEqual([b]);
    expect(existsSync(join(dir, a))).toBe(false);
    await store.close();
  });

  it('marks the blocks of a failed compaction as failed so the planner skips them', async () => {
    const { InlineCompactionRunner } = await import('./compaction-runner.ts');
    const { BlockWriteError } = await import('./errors.ts');
    class FailingRunner extends InlineCompactionRunner {
      override async compact(): Promise<undefined> {
        throw new BlockWriteError('disk full');
      }
    }
    const dir = dbDir();
    const series = syntheticSeries(2, 8 * 60, T0, 60_000);
    const ulids = [0, 2, 4, 6].map((h) => blockOf(dir, series, T0 + h * H, T0 + (h + 2) * H));
    const store = BlockStore.open({ dir, blockRanges: [2 * H, 6 * H], runner: new FailingRunner() });
    await expect(store.compact()).rejects.toThrow('disk full');
    expect(store.counters.compactionsFailed).toBe(1);
    expect(ulids.slice(0, 3).map((u) => readMetaFile(join(dir, u)).compaction.failed)).toEqual([
      true,
      true,
      true,
    ]);
    expect(await store.compact()).toEqual([]);
    await store.close();
  });
});
