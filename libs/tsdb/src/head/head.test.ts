import { Labels, Matcher } from '@argus/model';
import { describe, expect, it } from 'vitest';
import { XorIterator } from '../chunkenc/xor-chunk.ts';
import { Head } from './head.ts';
import { computeChunkEndTime, rangeForTimestamp } from './mem-series.ts';

const H = 3_600_000;

function lbl(name: string, ...rest: string[]): Labels {
  return Labels.of('__name__', name, ...rest);
}

async function fill(
  head: Head,
  series: Labels[],
  fromMs: number,
  toMs: number,
  stepMs: number,
): Promise<void> {
  const app = head.appender();
  const refs = series.map(() => 0);
  for (let t = fromMs; t <= toMs; t += stepMs)
    series.forEach((l, i) => (refs[i] = app.append(refs[i]!, l, t, t / 1000 + i)));
  await app.commit();
}

describe('Head', () => {
  it('cuts chunks as upstream: 120 samples at a 15s interval, never across the 2h boundary', async () => {
    const head = new Head();
    await fill(head, [lbl('up')], 0, 4 * H - 15_000, 15_000);
    const s = head.lookup(lbl('up'))!;
    const counts = s.chunkViews().map((c) => c.count);
    expect(counts.reduce((x, y) => x + y)).toBe(960);
    expect(counts).toEqual([120, 120, 120, 120, 120, 120, 120, 120]);
    for (const c of s.chunkViews()) expect(Math.floor(c.minT / (2 * H))).toBe(Math.floor(c.maxT / (2 * H)));
  });

  it('matches upstream chunk-end arithmetic', () => {
    expect(rangeForTimestamp(0, 2 * H)).toBe(2 * H);
    expect(rangeForTimestamp(2 * H, 2 * H)).toBe(4 * H);
    expect(rangeForTimestamp(-1, 2 * H)).toBe(2 * H);
    expect(computeChunkEndTime(0, 29 * 15_000, 2 * H)).toBe(1_800_000);
    expect(computeChunkEndTime(0, 1000, 2 * H)).toBe(Math.trunc((2 * H) / Math.trunc((2 * H) / (1001 * 4))));
    expect(computeChunkEndTime(0, 2 * H - 1, 2 * H)).toBe(2 * H);
  });

  it('selects by matchers over a time range, sorted when asked', async () => {
    const head = new Head();
    await fill(head, [lbl('b', 'job', 'x'), lbl('a', 'job', 'x'), lbl('a', 'job', 'y')], 0, 60_000, 15_000);
    const q = await head.querier(15_000, 30_000);
    const all = await q.select([Matcher.equal('job', 'x')], undefined, true);
    expect(all.map((s) => s.labels.toString())).toEqual([
      '{__name__="a", job="x"}',
      '{__name__="b", job="x"}',
    ]);
    const b = all[0]!.samples(0, 1e9);
    expect(Array.from(b.timestamps.subarray(0, b.length))).toEqual([15_000, 30_000]);
    expect(Array.from(b.values.subarray(0, b.length))).toEqual([16, 31]);
    expect(await q.labelNames()).toEqual(['__name__', 'job']);
    expect(await q.labelValues('job', [Matcher.equal('__name__', 'a')])).toEqual(['x', 'y']);
    expect(await q.labelValues('__name__')).toEqual(['a', 'b']);
    const none = await head.querier(100_000, 200_000);
    expect(await none.select([Matcher.equal('job', 'x')])).toEqual([]);
  });

  it('returns series as they were at select time', async () => {
    const head = new Head();
    await fill(head, [lbl('m')], 0, 30_000, 15_000);
    const [s] = await (await head.querier(0, 1e9)).select([]);
    await fill(head, [lbl('m')], 45_000, 600_000, 15_000);
    expect(s!.samples(0, 1e9).length).toBe(3);
  });

  it('deletes a range, keeps ordering rules, and survives more appends', async () => {
    const head = new Head();
    await fill(head, [lbl('m', 'i', '1'), lbl('m', 'i', '2')], 0, 300 * 15_000, 15_000);
    expect(head.delete(15_000, 60_000, [Matcher.equal('i', '1')])).toBe(1);
    const q = await head.querier(0, 1e12);
    const [one, two] = await q.select([], undefined, true);
    const b1 = one!.samples(0, 1e12);
    expect(b1.length).toBe(301 - 4);
    expect(Array.from(b1.timestamps.subarray(0, 3))).toEqual([0, 75_000, 90_000]);
    expect(two!.samples(0, 1e12).length).toBe(301);
    await fill(head, [lbl('m', 'i', '1')], 301 * 15_000, 301 * 15_000, 15_000);
    expect(
      (await (await head.querier(0, 1e12)).select([Matcher.equal('i', '1')]))[0]!.samples(0, 1e12).length,
    ).toBe(298);
  });

  it('truncates old chunks, removes emptied series and refuses older samples', async () => {
    const head = new Head();
    await fill(head, [lbl('old')], 0, H, 15_000);
    await fill(head, [lbl('new')], 2 * H, 3 * H, 15_000);
    const r = head.truncate(2 * H);
    expect(r.seriesRemoved).toBe(1);
    expect(head.numSeries).toBe(1);
    expect(head.minTimeMs).toBe(2 * H);
    expect(await (await head.querier(0, 1e12)).labelValues('__name__')).toEqual(['new']);
    expect(() => head.appender().append(0, lbl('new'), 2 * H - 1, 1)).toThrow(/out of bounds/);
  });

  it('serves as a BlockSource: whole chunks reused, edges and out-of-order re-encoded', async () => {
    const head = new Head({ outOfOrderTimeWindowMs: 4 * H });
    await fill(head, [lbl('b'), lbl('a')], 0, 4 * H - 15_000, 15_000);
    const app = head.appender();
    app.append(0, lbl('a'), 7_500, 42);
    await app.commit();
    const block = head.series(0, 2 * H - 1);
    expect(block.map((s) => s.labels.metricName)).toEqual(['a', 'b']);
    for (const s of block) {
      let n = 0;
      let prev = -1;
      for (const c of s.chunks) {
        const it = new XorIterator(c.bytes);
        while (it.next()) {
          expect(it.t).toBeGreaterThan(prev);
          expect(it.t).toBeGreaterThanOrEqual(c.minTimeMs);
          expect(it.t).toBeLessThanOrEqual(c.maxTimeMs);
          prev = it.t;
          n++;
        }
        expect(it.count).toBeLessThanOrEqual(120);
      }
      expect(n).toBe(s.labels.metricName === 'a' ? 481 : 480);
    }
    const edge = head.series(60_000, 120_000);
    expect(edge[0]!.chunks.length).toBe(1);
    expect(edge[0]!.chunks[0]!.minTimeMs).toBe(60_000);
  });

  it('merges out-of-order samples into query results, in-order winning a shared timestamp', async () => {
    const head = new Head({ outOfOrderTimeWindowMs: H });
    const m = lbl('m');
    let app = head.appender();
    for (const t of [0, 30_000, 60_000, 90_000]) app.append(0, m, t, t / 1000);
    await app.commit();
    app = head.appender();
    app.append(0, m, 15_000, 15.5);
    app.append(0, m, 45_000, 45.5);
    app.append(0, m, 30_000, -1);
    await app.commit();
    const [s] = await (await head.querier(10_000, 60_000)).select([]);
    const b = s!.samples(0, 1e9);
    expect(Array.from(b.timestamps.subarray(0, b.length))).toEqual([15_000, 30_000, 45_000, 60_000]);
    expect(Array.from(b.values.subarray(0, b.length))).toEqual([15.5, 30, 45.5, 60]);
    expect(head.counters.outOfOrderSamplesAppended).toBe(3);
  });

  it('reports tsdb status with upstream field names', async () => {
    const head = new Head();
    await fill(head, [lbl('a', 'job', 'x'), lbl('a', 'job', 'y'), lbl('b', 'job', 'x')], 1000, 2000, 1000);
    const st = head.stats();
    expect(st.headStats).toEqual({
      numSeries: 3,
      numLabelPairs: 4,
      chunkCount: 3,
      minTime: 1000,
      maxTime: 2000,
    });
    expect(st.seriesCountByMetricName).toEqual([
      { name: 'a', value: 2 },
      { name: 'b', value: 1 },
    ]);
    expect(st.seriesCountByLabelValuePair[0]).toEqual({ name: '__name__=a', value: 2 });
    expect(st.labelValueCountByLabelName).toEqual([
      { name: '__name__', value: 2 },
      { name: 'job', value: 2 },
    ]);
    expect(st.memoryInBytesByLabelName).toEqual([
      { name: '__name__', value: 2 },
      { name: 'job', value: 2 },
    ]);
  });
});
