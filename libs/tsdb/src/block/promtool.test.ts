import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Matcher } from '@argus/model';
import { afterEach, describe, expect, it } from 'vitest';
import { Block } from './block.ts';
import { writeBlock } from './block-writer.ts';
import { symbolsOf, syntheticSeries, tempDir, toBlockSeries, type PlainSeries } from './test-helpers.ts';
import { isUlid } from './ulid.ts';

// Compatibility with Debian's promtool 2.42, both directions.
const PROMTOOL = '/usr/bin/promtool';
const T0 = 1_700_000_000_000;

let cleanups: (() => void)[] = [];
afterEach(() => {
  cleanups.forEach((c) => c());
  cleanups = [];
});

function promtool(...args: string[]): string {
  return execFileSync(PROMTOOL, args, {
    encoding: 'utf8',
    maxBuffer: 256 << 20,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

function labelText(labels: readonly string[], separator = ', '): string {
  const parts: string[] = [];
  for (let i = 0; i < labels.length; i += 2) parts.push(`${labels[i]}=${JSON.stringify(labels[i + 1])}`);
  return `{${parts.join(separator)}}`;
}

/** `promtool tsdb dump` lines parsed into `labels → [t, v][]`. */
function parseDump(text: string): Map<string, [number, number][]> {
  const out = new Map<string, [number, number][]>();
  for (const line of text.split('\n')) {
    if (!line) continue;
    const close = line.lastIndexOf('}');
    const [v, t] = line.slice(close + 2).split(' ');
    const key = line.slice(0, close + 1);
    let list = out.get(key);
    if (!list) out.set(key, (list = []));
    list.push([Number(t), Number(v)]);
  }
  return out;
}

describe('promtool reads our blocks', () => {
  const series: PlainSeries[] = syntheticSeries(60, 480, T0);

  function ourDb(): string {
    const { dir, cleanup } = tempDir('argus-promtool-');
    cleanups.push(cleanup);
    writeBlock({
      parentDir: dir,
      minTime: T0,
      maxTime: T0 + 7_200_000,
      symbols: symbolsOf(series),
      series: toBlockSeries(series),
    });
    // `promtool tsdb dump` opens the directory as a read-only database and needs a WAL directory.
    mkdirSync(join(dir, 'wal'));
    return dir;
  }

  it('promtool tsdb analyze sees the series and label pairs', () => {
    const out = promtool('tsdb', 'analyze', ourDb());
    expect(out).toMatch(/^Series: 60$/m);
    expect(out).toMatch(/^Label names: 3$/m);
    // 7 metric names + 60 instances + 1 job.
    expect(out).toMatch(/^Postings \(unique label pairs\): 68$/m);
    expect(out).toMatch(/^Postings entries \(total label pairs\): 180$/m);
  });

  it('promtool tsdb dump prints exactly the samples we wrote', () => {
    const dumped = parseDump(promtool('tsdb', 'dump', ourDb()));
    expect(dumped.size).toBe(series.length);
    for (const s of series) {
      const got = dumped.get(labelText(s.labels));
      expect(got).toEqual(s.ts.map((t, i) => [t, s.vs[i]]));
    }
  });

  it('sorts symbols and series in Go byte order, which promtool relies on', () => {
    const { dir, cleanup } = tempDir('argus-promtool-');
    cleanups.push(cleanup);
    // U+FF5E sorts before U+1F600 in UTF-8 byte order but after it in UTF-16 order.
    const odd = ['\u{1f600}', '\uff5e', 'a', 'z'].map((v, i) => ({
      labels: ['__name__', 'odd', 'v', v],
      ts: [T0 + i],
      vs: [i],
    }));
    odd.sort((a, b) => Buffer.compare(Buffer.from(a.labels[3]!), Buffer.from(b.labels[3]!)));
    writeBlock({
      parentDir: dir,
      minTime: T0,
      maxTime: T0 + 10,
      symbols: symbolsOf(odd),
      series: toBlockSeries(odd),
    });
    mkdirSync(join(dir, 'wal'));
    const dumped = promtool('tsdb', 'dump', '--match', '{v="\uff5e"}', dir).trim();
    expect(dumped).toBe(`{__name__="odd", v="\uff5e"} 1 ${T0 + 1}`);
  });

  it('promtool tsdb list shows our meta', () => {
    const out = promtool('tsdb', 'list', ourDb());
    expect(out).toMatch(/\s1700000000000\s+1700007200000\s+2h0m0s\s+28800\s+240\s+60\s/);
  });
});

describe('we read blocks written by promtool create-blocks-from openmetrics', () => {
  it('returns the same samples as the OpenMetrics input', async () => {
    const { dir, cleanup } = tempDir('argus-promtool-');
    cleanups.push(cleanup);
    // 5 hours of data so promtool cuts several 2h blocks.
    const input = syntheticSeries(25, 1200, T0, 15_000);
    const lines: string[] = [];
    for (const s of input) {
      const name = s.labels[1]!;
      const rest = labelText(s.labels.slice(2), ',');
      s.ts.forEach((t, i) => lines.push(`${name}${rest} ${s.vs[i]} ${t / 1000}`));
    }
    lines.push('# EOF');
    const file = join(dir, 'input.om');
    writeFileSync(file, lines.join('\n') + '\n');
    const out = join(dir, 'data');
    promtool('tsdb', 'create-blocks-from', 'openmetrics', file, out);
    const ulids = readdirSync(out).filter(isUlid).sort();
    expect(ulids.length).toBeGreaterThan(1);

    const merged = new Map<string, [number, number][]>();
    for (const ulid of ulids) {
      const block = Block.open(join(out, ulid));
      const q = block.querier(block.minTime, block.maxTime);
      for (const s of await q.select([Matcher.regex('__name__', '.+')])) {
        const key = labelText(s.labels.flat);
        const b = s.samples(-Infinity, Infinity);
        let list = merged.get(key);
        if (!list) merged.set(key, (list = []));
        for (let i = 0; i < b.length; i++) list.push([b.timestamps[i]!, b.values[i]!]);
      }
      block.close();
    }
    expect(merged.size).toBe(input.length);
    for (const s of input) {
      const got = merged.get(labelText(s.labels))!.sort((a, b) => a[0] - b[0]);
      expect(got).toEqual(s.ts.map((t, i) => [t, s.vs[i]]));
    }
  });
});

describe('byte-identical with upstream', () => {
  it('rewriting a promtool block through our writer gives the same index and chunk bytes', async () => {
    const { dir, cleanup } = tempDir('argus-promtool-');
    cleanups.push(cleanup);
    const input = syntheticSeries(30, 300, T0, 15_000);
    const lines: string[] = [];
    for (const s of input) {
      const rest = labelText(s.labels.slice(2), ',');
      s.ts.forEach((t, i) => lines.push(`${s.labels[1]}${rest} ${s.vs[i]} ${t / 1000}`));
    }
    lines.push('# EOF');
    writeFileSync(join(dir, 'input.om'), lines.join('\n') + '\n');
    const theirs = join(dir, 'theirs');
    promtool('tsdb', 'create-blocks-from', 'openmetrics', join(dir, 'input.om'), theirs);
    const [ulid] = readdirSync(theirs).filter(isUlid);
    const block = Block.open(join(theirs, ulid!));
    const series = [];
    for (const ref of block.index.allPostings()) {
      const s = block.index.series(ref);
      series.push({
        labels: s.labels,
        chunks: s.chunks.map((c) => {
          const raw = block.chunks.chunk(c.ref);
          return { minTimeMs: c.minTime, maxTimeMs: c.maxTime, encoding: raw.encoding as 1, bytes: raw.data };
        }),
      });
    }
    const ours = join(dir, 'ours');
    mkdirSync(ours);
    const meta = writeBlock({
      parentDir: ours,
      minTime: block.minTime,
      maxTime: block.maxTime,
      symbols: block.index.symbols,
      series,
      ulid: block.ulid,
    })!;
    block.close();
    const { readFileSync } = await import('node:fs');
    for (const f of ['index', 'chunks/000001', 'tombstones', 'meta.json']) {
      expect(readFileSync(join(ours, meta.ulid, f)).equals(readFileSync(join(theirs, ulid!, f))), f).toBe(
        true,
      );
    }
  });
});

describe('promtool honours our tombstones and compacted blocks', () => {
  it('dump hides what we deleted, before and after compaction', async () => {
    const { BlockStore } = await import('./block-store.ts');
    const { dir, cleanup } = tempDir('argus-promtool-');
    cleanups.push(cleanup);
    const series = syntheticSeries(10, 240, T0, 30_000);
    const half = (s: PlainSeries, first: boolean) => ({
      ...s,
      ts: first ? s.ts.slice(0, 120) : s.ts.slice(120),
      vs: first ? s.vs.slice(0, 120) : s.vs.slice(120),
    });
    for (const first of [true, false]) {
      const part = series.map((s) => half(s, first));
      const minTime = first ? T0 : T0 + 3_600_000;
      writeBlock({
        parentDir: dir,
        minTime,
        maxTime: minTime + 3_600_000,
        symbols: symbolsOf(part),
        series: toBlockSeries(part),
      });
    }
    mkdirSync(join(dir, 'wal'));
    const store = BlockStore.open({ dir, blockRanges: [3_600_000, 7_200_000] });
    const from = T0 + 50 * 30_000;
    const to = T0 + 150 * 30_000;
    store.delete(from, to, [Matcher.equal('__name__', 'metric_4')]);
    const want = new Map<string, [number, number][]>();
    for (const s of series) {
      const keep = (t: number) => s.labels[1] !== 'metric_4' || t < from || t > to;
      want.set(
        labelText(s.labels),
        s.ts.map((t, i): [number, number] => [t, s.vs[i]!]).filter(([t]) => keep(t)),
      );
    }
    expect(parseDump(promtool('tsdb', 'dump', dir))).toEqual(want);
    // Two 1h blocks of a 2h range, plus nothing newer: the planner waits (newest block excluded),
    // so compact them explicitly as the overlapping/next-range case would.
    const { compactBlocks } = await import('./compactor.ts');
    const meta = compactBlocks(
      dir,
      store.blocks.map((b) => b.dir),
    )!;
    await store.close();
    for (const ulid of readdirSync(dir).filter((n) => isUlid(n) && n !== meta.ulid)) {
      (await import('node:fs')).rmSync(join(dir, ulid), { recursive: true });
    }
    expect(parseDump(promtool('tsdb', 'dump', dir))).toEqual(want);
    expect(promtool('tsdb', 'analyze', dir)).toMatch(/^Series: 10$/m);
  });
});
