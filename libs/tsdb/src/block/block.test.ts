import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Matcher, STALE_NAN, isStaleNaN } from '@argus/model';
import { afterEach, describe, expect, it } from 'vitest';
import { Block } from './block.ts';
import { writeBlock } from './block-writer.ts';
import { BlockCorruptionError } from './errors.ts';
import { symbolsOf, syntheticSeries, tempDir, toBlockSeries, type PlainSeries } from './test-helpers.ts';
import { encodeXorChunks } from './xor-chunks.ts';

const T0 = 1_700_000_000_000;
let cleanups: (() => void)[] = [];
afterEach(() => {
  cleanups.forEach((c) => c());
  cleanups = [];
});

function writeSynthetic(series: PlainSeries[], minTime = T0, maxTime = T0 + 7_200_000) {
  const { dir, cleanup } = tempDir('argus-block-');
  cleanups.push(cleanup);
  const meta = writeBlock({
    parentDir: dir,
    minTime,
    maxTime,
    symbols: symbolsOf(series),
    series: toBlockSeries(series),
  })!;
  return { dir, meta, blockDir: join(dir, meta.ulid) };
}

describe('writeBlock + Block', () => {
  const series = syntheticSeries(40, 400, T0);

  it('writes the upstream layout and stats', () => {
    const { meta, blockDir } = writeSynthetic(series);
    expect(readdirSync(blockDir).sort()).toEqual(['chunks', 'index', 'meta.json', 'tombstones']);
    expect(readdirSync(join(blockDir, 'chunks'))).toEqual(['000001']);
    expect(meta.stats).toEqual({ numSamples: 40 * 400, numSeries: 40, numChunks: 40 * 4 });
    const json = JSON.parse(readFileSync(join(blockDir, 'meta.json'), 'utf8'));
    expect(json).toMatchObject({
      ulid: meta.ulid,
      version: 1,
      compaction: { level: 1, sources: [meta.ulid] },
    });
    expect(readFileSync(join(blockDir, 'tombstones')).toString('hex')).toBe('0130ba300100000000');
    expect(existsSync(join(blockDir, '..', `${meta.ulid}.tmp-for-creation`))).toBe(false);
  });

  it('reads back every sample of every series', async () => {
    const { blockDir } = writeSynthetic(series);
    const block = Block.open(blockDir);
    const q = block.querier(T0, T0 + 7_200_000);
    const got = await q.select([Matcher.regex('__name__', '.+')]);
    expect(got.map((s) => s.labels.flat)).toEqual(series.map((s) => s.labels));
    got.forEach((s, i) => {
      const b = s.samples(-Infinity, Infinity);
      expect(Array.from(b.timestamps.subarray(0, b.length))).toEqual(series[i]!.ts);
      expect(Array.from(b.values.subarray(0, b.length))).toEqual(series[i]!.vs);
    });
    block.close();
  });

  it.each([
    {
      name: 'equal',
      matchers: [Matcher.equal('__name__', 'metric_3')],
      want: (s: PlainSeries) => s.labels[1] === 'metric_3',
    },
    {
      name: 'equal + not-equal',
      matchers: [Matcher.equal('job', 'node'), Matcher.notEqual('__name__', 'metric_3')],
      want: (s: PlainSeries) => s.labels[1] !== 'metric_3',
    },
    {
      name: 'regex set',
      matchers: [Matcher.regex('__name__', 'metric_1|metric_2')],
      want: (s: PlainSeries) => ['metric_1', 'metric_2'].includes(s.labels[1]!),
    },
    {
      name: 'regex',
      matchers: [Matcher.regex('instance', 'host-00[0-4].*')],
      want: (s: PlainSeries) => /^host-00[0-4]/.test(s.labels[3]!),
    },
    {
      name: 'negative regex only',
      matchers: [Matcher.notRegex('instance', 'host-0[0-2].*')],
      want: (s: PlainSeries) => !/^host-0[0-2]/.test(s.labels[3]!),
    },
    { name: 'absent label matches empty', matchers: [Matcher.equal('missing', '')], want: () => true },
    { name: 'absent label, non-empty value', matchers: [Matcher.equal('missing', 'x')], want: () => false },
    {
      name: 'label must be set',
      matchers: [Matcher.regex('job', '.+'), Matcher.equal('__name__', 'metric_0')],
      want: (s: PlainSeries) => s.labels[1] === 'metric_0',
    },
    { name: 'unknown value', matchers: [Matcher.equal('job', 'nope')], want: () => false },
  ])('selects by matchers: $name', async ({ matchers, want }) => {
    const { blockDir } = writeSynthetic(series);
    const block = Block.open(blockDir);
    const got = await block.querier(T0, T0 + 7_200_000).select(matchers);
    expect(got.map((s) => s.labels.flat)).toEqual(series.filter(want).map((s) => s.labels));
    block.close();
  });

  it('limits samples to the querier range and drops series without samples in it', async () => {
    const early = { labels: ['__name__', 'early'], ts: [T0, T0 + 1000], vs: [1, 2] };
    const late = { labels: ['__name__', 'late'], ts: [T0 + 50_000, T0 + 60_000, T0 + 70_000], vs: [3, 4, 5] };
    const gap = { labels: ['__name__', 'zgap'], ts: [T0, T0 + 90_000], vs: [6, 7] };
    const { blockDir } = writeSynthetic([early, late, gap]);
    const block = Block.open(blockDir);
    const got = await block.querier(T0 + 55_000, T0 + 65_000).select([Matcher.regex('__name__', '.*')]);
    expect(got.map((s) => s.labels.metricName)).toEqual(['late']);
    const b = got[0]!.samples(-Infinity, Infinity);
    expect(Array.from(b.timestamps.subarray(0, b.length))).toEqual([T0 + 60_000]);
    block.close();
  });

  it('keeps StaleNaN bits', async () => {
    // A plain array would canonicalise the NaN payload (V8 double arrays); use a typed array.
    const vs = new Float64Array(3);
    vs[0] = 1;
    vs[1] = STALE_NAN;
    vs[2] = 1;
    const { dir, cleanup } = tempDir('argus-block-');
    cleanups.push(cleanup);
    const labels = ['__name__', 'up'];
    const meta = writeBlock({
      parentDir: dir,
      minTime: T0,
      maxTime: T0 + 60_000,
      symbols: labels,
      series: [{ labels, chunks: encodeXorChunks([T0, T0 + 15_000, T0 + 30_000], vs) }],
    })!;
    const blockDir = join(dir, meta.ulid);
    const block = Block.open(blockDir);
    const [got] = await block.querier(T0, T0 + 60_000).select([Matcher.equal('__name__', 'up')]);
    expect(isStaleNaN(got!.samples(T0, T0 + 60_000).values[1]!)).toBe(true);
    block.close();
  });

  it('answers label names and values, with and without matchers', async () => {
    const { blockDir } = writeSynthetic(series);
    const block = Block.open(blockDir);
    const q = block.querier(T0, T0 + 7_200_000);
    expect(await q.labelNames()).toEqual(['__name__', 'instance', 'job']);
    expect(await q.labelValues('__name__')).toEqual([
      'metric_0',
      'metric_1',
      'metric_2',
      'metric_3',
      'metric_4',
      'metric_5',
      'metric_6',
    ]);
    expect(await q.labelValues('instance', [Matcher.equal('__name__', 'metric_6')])).toEqual([
      'host-006:9100',
      'host-013:9100',
      'host-020:9100',
      'host-027:9100',
      'host-034:9100',
    ]);
    expect(await q.labelNames([Matcher.equal('job', 'none')])).toEqual([]);
    // Few values, many series: answered by intersecting postings.
    expect(await q.labelValues('__name__', [Matcher.regex('instance', 'host-0[0-1][0-9].*')])).toEqual([
      'metric_0',
      'metric_1',
      'metric_2',
      'metric_3',
      'metric_4',
      'metric_5',
      'metric_6',
    ]);
    // Many values, few series: answered by reading the series.
    expect(
      await q.labelValues('__name__', [
        Matcher.regex('instance', 'host-00[0-3].*'),
        Matcher.notEqual('__name__', 'metric_1'),
      ]),
    ).toEqual(['metric_0', 'metric_2', 'metric_3']);
    expect(await q.labelValues('__name__', [Matcher.regex('instance', 'host-00[2-3].*')])).toEqual([
      'metric_2',
      'metric_3',
    ]);
    block.close();
  });

  it('cuts chunk segments at the size limit', async () => {
    const { dir, cleanup } = tempDir('argus-block-');
    cleanups.push(cleanup);
    const meta = writeBlock({
      parentDir: dir,
      minTime: T0,
      maxTime: T0 + 7_200_000,
      symbols: symbolsOf(series),
      series: toBlockSeries(series),
      maxSegmentBytes: 4096,
    })!;
    const blockDir = join(dir, meta.ulid);
    expect(readdirSync(join(blockDir, 'chunks')).length).toBeGreaterThan(3);
    const block = Block.open(blockDir);
    const got = await block.querier(T0, T0 + 7_200_000).select([]);
    expect(got.reduce((n, s) => n + s.samples(-Infinity, Infinity).length, 0)).toBe(40 * 400);
    block.close();
  });

  it('reads chunks the same in any order, across segments', () => {
    const { dir, cleanup } = tempDir('argus-block-');
    cleanups.push(cleanup);
    const input = toBlockSeries(series);
    const meta = writeBlock({
      parentDir: dir,
      minTime: T0,
      maxTime: T0 + 7_200_000,
      symbols: symbolsOf(series),
      series: input,
      maxSegmentBytes: 8192,
    })!;
    const block = Block.open(join(dir, meta.ulid));
    const refs = [...block.index.allPostings()].flatMap((r) =>
      block.index.series(r).chunks.map((c) => c.ref),
    );
    const want = input.flatMap((s) => s.chunks.map((c) => Buffer.from(c.bytes).toString('hex')));
    const read = (order: number[]) =>
      order.map((i) => Buffer.from(block.chunks.chunk(refs[i]!).data).toString('hex'));
    const forward = refs.map((_, i) => i);
    expect(read(forward)).toEqual(want);
    const shuffled = forward.map((i) => (i * 37) % refs.length);
    expect(new Set(shuffled).size).toBe(refs.length);
    expect(read(shuffled)).toEqual(shuffled.map((i) => want[i]));
    expect(read([...forward].reverse())).toEqual([...want].reverse());
    block.close();
  });

  it.each([
    { name: 'a series entry', offsetOf: (ix: Block['index']) => ix.toc.series + 20 },
    { name: 'a postings list', offsetOf: (ix: Block['index']) => ix.toc.postings + 10 },
    { name: 'the TOC', offsetOf: (ix: Block['index']) => ix.size - 10 },
  ])('reports damage to $name in the index as a BlockCorruptionError', async ({ offsetOf }) => {
    const { blockDir } = writeSynthetic(series);
    const probe = Block.open(blockDir);
    const offset = offsetOf(probe.index);
    probe.close();
    const fs = await import('node:fs');
    const bytes = fs.readFileSync(join(blockDir, 'index'));
    bytes[offset]! ^= 0x55;
    fs.writeFileSync(join(blockDir, 'index'), bytes);
    const attempt = async () => {
      const block = Block.open(blockDir);
      try {
        // No matcher: reads the all-series postings list and every series entry.
        await block.querier(T0, T0 + 7_200_000).select([]);
      } finally {
        block.close();
      }
    };
    await expect(attempt()).rejects.toBeInstanceOf(BlockCorruptionError);
  });

  it('reports a damaged chunk as a BlockCorruptionError', async () => {
    const one = { labels: ['__name__', 'x'], chunks: encodeXorChunks([T0, T0 + 1], [1, 2]) };
    const { dir, cleanup } = tempDir('argus-block-');
    cleanups.push(cleanup);
    const meta = writeBlock({
      parentDir: dir,
      minTime: T0,
      maxTime: T0 + 10,
      symbols: one.labels,
      series: [one],
    })!;
    const seg = join(dir, meta.ulid, 'chunks', '000001');
    const bytes = readFileSync(seg);
    bytes[bytes.length - 6]! ^= 0xff;
    (await import('node:fs')).writeFileSync(seg, bytes);
    const block = Block.open(join(dir, meta.ulid));
    await expect(block.querier(T0, T0 + 10).select([])).rejects.toBeInstanceOf(BlockCorruptionError);
    block.close();
  });
});
