import { Labels, Matcher, STALE_NAN, isStaleNaN } from '@argus/model';
import { describe, expect, it } from 'vitest';
import { DuplicateSampleError, OutOfOrderSampleError } from './errors.ts';
import { InMemoryStorage, InvalidSeriesLabelsError } from './in-memory-storage.ts';

const up = (job: string) => Labels.of('__name__', 'up', 'job', job);

async function filled(): Promise<InMemoryStorage> {
  const storage = new InMemoryStorage();
  const app = storage.appender();
  for (let t = 0; t <= 100; t += 10) {
    app.append(0, up('a'), t, t);
    app.append(0, up('b'), t, -t);
  }
  app.append(0, Labels.of('__name__', 'other', 'x', 'é'), 50, 1);
  app.append(0, Labels.of('__name__', 'other', 'x', 'z'), 50, 1);
  await app.commit();
  return storage;
}

describe('InMemoryStorage appends', () => {
  it.each([
    { name: 'older timestamp', t: 5, v: 1, error: OutOfOrderSampleError, message: 'out of order sample' },
    {
      name: 'same timestamp, other value',
      t: 20,
      v: 2,
      error: DuplicateSampleError,
      message: 'duplicate sample for timestamp',
    },
    {
      name: 'same timestamp, StaleNaN vs NaN',
      t: 20,
      v: STALE_NAN,
      error: DuplicateSampleError,
      message: 'duplicate sample for timestamp',
    },
  ])('rejects $name', async ({ t, v, error, message }) => {
    const storage = new InMemoryStorage();
    const app = storage.appender();
    app.append(0, up('a'), 10, 1);
    app.append(0, up('a'), 20, NaN);
    const check = () => app.append(0, up('a'), t, v);
    expect(check).toThrow(error);
    expect(check).toThrow(message);
  });

  it('ignores an exact duplicate and rejects against committed data', async () => {
    const storage = new InMemoryStorage();
    const a1 = storage.appender();
    a1.append(0, up('a'), 10, 1);
    a1.append(0, up('a'), 10, 1);
    await a1.commit();
    const a2 = storage.appender();
    expect(() => a2.append(0, up('a'), 9, 1)).toThrow(OutOfOrderSampleError);
    const q = await storage.querier(0, 100);
    const [s] = await q.select([Matcher.equal('job', 'a')]);
    expect(s!.samples(0, 100).length).toBe(1);
  });

  it('rejects an empty label set', () => {
    expect(() => new InMemoryStorage().appender().append(0, Labels.EMPTY, 0, 1)).toThrow(
      InvalidSeriesLabelsError,
    );
  });

  it('keeps nothing on rollback', async () => {
    const storage = new InMemoryStorage();
    const app = storage.appender();
    app.append(0, up('a'), 10, 1);
    await app.rollback();
    expect(storage.seriesCount).toBe(0);
  });

  it('stores StaleNaN with its bit pattern', async () => {
    const storage = new InMemoryStorage();
    const app = storage.appender();
    app.append(0, up('a'), 10, 1);
    app.append(0, up('a'), 20, STALE_NAN);
    await app.commit();
    const [s] = await (await storage.querier(0, 100)).select([]);
    const block = s!.samples(0, 100);
    expect(isStaleNaN(block.values[1]!)).toBe(true);
    expect(isStaleNaN(block.values[0]!)).toBe(false);
  });
});

describe('InMemoryStorage queries', () => {
  it.each([
    { name: 'equality', matchers: [Matcher.equal('job', 'a')], want: ['{__name__="up", job="a"}'] },
    {
      name: 'regex',
      matchers: [Matcher.regex('job', 'a|b')],
      want: ['{__name__="up", job="a"}', '{__name__="up", job="b"}'],
    },
    {
      name: 'negative',
      matchers: [Matcher.notEqual('job', 'a'), Matcher.equal('__name__', 'up')],
      want: ['{__name__="up", job="b"}'],
    },
    {
      name: 'absent label matches empty',
      matchers: [Matcher.equal('x', ''), Matcher.regex('job', '.*')],
      want: ['{__name__="up", job="a"}', '{__name__="up", job="b"}'],
    },
  ])('selects by $name', async ({ matchers, want }) => {
    const q = await (await filled()).querier(0, 100);
    const got = (await q.select(matchers, undefined, true)).map((s) => s.labels.toString());
    expect(got).toEqual(want);
  });

  it('clamps samples to the querier range and the requested range', async () => {
    const q = await (await filled()).querier(20, 60);
    const [s] = await q.select([Matcher.equal('job', 'a')]);
    expect(Array.from(s!.samples(0, 1000).timestamps)).toEqual([20, 30, 40, 50, 60]);
    expect(Array.from(s!.samples(35, 50).values)).toEqual([40, 50]);
  });

  it('omits series without samples in range', async () => {
    const q = await (await filled()).querier(60, 100);
    expect((await q.select([Matcher.equal('__name__', 'other')])).length).toBe(0);
  });

  it('lists label names and values sorted in byte order', async () => {
    const q = await (await filled()).querier(0, 100);
    expect(await q.labelNames()).toEqual(['__name__', 'job', 'x']);
    expect(await q.labelValues('x')).toEqual(['z', 'é']);
    expect(await q.labelValues('job', [Matcher.equal('job', 'b')])).toEqual(['b']);
  });
  it('keeps start timestamps per sample, 0 where unknown, and none when never given', async () => {
    const storage = new InMemoryStorage();
    const app = storage.appender();
    const a = Labels.of('__name__', 'c', 'job', 'a');
    const b = Labels.of('__name__', 'c', 'job', 'b');
    app.append(0, a, 10, 1);
    app.append(0, a, 20, 2, 15);
    app.append(0, a, 30, 3, 15);
    app.append(0, b, 10, 1);
    await app.commit();
    const q = await storage.querier(0, 100);
    const [sa, sb] = await q.select([Matcher.equal('__name__', 'c')], undefined, true);
    expect(Array.from(sa!.samples(0, 100).startTimestamps ?? [])).toEqual([0, 15, 15]);
    expect(Array.from(sa!.samples(15, 25).startTimestamps ?? [])).toEqual([15]);
    expect(sb!.samples(0, 100).startTimestamps).toBeUndefined();
  });
});
