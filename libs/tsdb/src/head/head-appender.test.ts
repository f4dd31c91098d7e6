import { Labels, STALE_NAN, isStaleNaN } from '@argus/model';
import {
  DuplicateSampleError,
  OutOfBoundsError,
  OutOfOrderSampleError,
  TooOldSampleError,
} from '@argus/storage';
import { describe, expect, it } from 'vitest';
import { ClosedError, InvalidSampleError } from '../errors.ts';
import { Head } from './head.ts';

const H = 60 * 60 * 1000;
const a = Labels.of('__name__', 'm', 'i', 'a');

type Step = [t: number, v: number, expected?: new () => Error];

/** Appends `committed` in one commit, then tries `steps` one by one in a second appender. */
async function run(oooWindowMs: number, committed: [number, number][], steps: Step[]): Promise<Head> {
  const head = new Head({ outOfOrderTimeWindowMs: oooWindowMs });
  const app = head.appender();
  for (const [t, v] of committed) app.append(0, a, t, v);
  await app.commit();
  const app2 = head.appender();
  for (const [t, v, err] of steps) {
    if (err) expect(() => app2.append(0, a, t, v), `t=${t}`).toThrow(err);
    else expect(app2.append(0, a, t, v), `t=${t}`).toBeGreaterThan(0);
  }
  await app2.commit();
  return head;
}

async function read(head: Head): Promise<[number, number][]> {
  const q = await head.querier(-Infinity, Infinity);
  const [s] = await q.select([]);
  if (!s) return [];
  const b = s.samples(-Infinity, Infinity);
  return Array.from(b.timestamps.subarray(0, b.length), (t, i) => [t, b.values[i]!]);
}

describe('HeadAppender append rules', () => {
  it.each<{
    name: string;
    window: number;
    committed: [number, number][];
    steps: Step[];
    want: [number, number][];
  }>([
    {
      name: 'in order',
      window: 0,
      committed: [[10, 1]],
      steps: [[20, 2]],
      want: [
        [10, 1],
        [20, 2],
      ],
    },
    {
      name: 'older than newest is out of order',
      window: 0,
      committed: [[20, 1]],
      steps: [[10, 2, OutOfOrderSampleError]],
      want: [[20, 1]],
    },
    {
      name: 'same timestamp, other value is a duplicate',
      window: 0,
      committed: [[20, 1]],
      steps: [[20, 2, DuplicateSampleError]],
      want: [[20, 1]],
    },
    {
      name: 'same timestamp and value is a no-op',
      window: 0,
      committed: [[20, 1]],
      steps: [[20, 1]],
      want: [[20, 1]],
    },
    {
      name: 'NaN then StaleNaN at one timestamp is a duplicate',
      window: 0,
      committed: [[20, NaN]],
      steps: [[20, STALE_NAN, DuplicateSampleError]],
      want: [[20, NaN]],
    },
    {
      name: '-0 after 0 is a duplicate',
      window: 0,
      committed: [[20, 0]],
      steps: [[20, -0, DuplicateSampleError]],
      want: [[20, 0]],
    },
    {
      name: 'older than half a chunk range behind the head is out of bounds',
      window: 0,
      committed: [[2 * H, 1]],
      steps: [[2 * H - H - 1, 2, OutOfBoundsError]],
      want: [[2 * H, 1]],
    },
    {
      name: 'within the appender, later samples are checked against earlier ones',
      window: 0,
      committed: [[10, 1]],
      steps: [
        [30, 3],
        [20, 2, OutOfOrderSampleError],
        [30, 4, DuplicateSampleError],
        [30, 3],
      ],
      want: [
        [10, 1],
        [30, 3],
      ],
    },
    {
      name: 'out-of-order window accepts older samples and merges them',
      window: 10 * 60_000,
      committed: [[600_000, 6]],
      steps: [
        [300_000, 3],
        [0, 0],
        [900_000, 9],
      ],
      want: [
        [0, 0],
        [300_000, 3],
        [600_000, 6],
        [900_000, 9],
      ],
    },
    {
      name: 'beyond the out-of-order window is too old',
      window: 60_000,
      committed: [[600_000, 6]],
      steps: [[500_000, 5, TooOldSampleError]],
      want: [[600_000, 6]],
    },
  ])('$name', async ({ window, committed, steps, want }) => {
    const head = await run(window, committed, steps);
    const got = await read(head);
    expect(got.map(([t, v]) => [t, Object.is(v, -0) ? '-0' : String(v)])).toEqual(
      want.map(([t, v]) => [t, Object.is(v, -0) ? '-0' : String(v)]),
    );
  });

  it('stores StaleNaN with its bit pattern', async () => {
    // Appended directly: a JS array literal of doubles would canonicalize the NaN payload itself.
    const head = new Head();
    const app = head.appender();
    app.append(0, a, 10, 1);
    app.append(0, a, 20, STALE_NAN);
    app.append(0, a, 30, NaN);
    await app.commit();
    const q = await head.querier(0, 100);
    const [s] = await q.select([]);
    const b = s!.samples(0, 100);
    expect(isStaleNaN(b.values[1]!)).toBe(true);
    expect(isStaleNaN(b.values[2]!)).toBe(false);
  });

  it('refuses an empty label set', () => {
    const head = new Head();
    expect(() => head.appender().append(0, Labels.EMPTY, 1, 1)).toThrow(InvalidSampleError);
  });

  it('makes samples visible only on commit, and rollback discards them', async () => {
    const head = new Head();
    const app = head.appender();
    const ref = app.append(0, a, 1000, 1);
    expect(await read(head)).toEqual([]);
    await app.rollback();
    expect(await read(head)).toEqual([]);
    const app2 = head.appender();
    expect(app2.append(ref, a, 1000, 2)).toBe(ref);
    await app2.commit();
    expect(await read(head)).toEqual([[1000, 2]]);
    expect(() => app2.append(ref, a, 2000, 1)).toThrow(ClosedError);
  });

  it("labelsOf hands out the head's labels for a ref, and nothing for an unknown ref", () => {
    const head = new Head();
    const app = head.appender();
    const labels = Labels.of('__name__', 'up', 'job', 'a');
    const ref = app.append(0, labels, 1000, 1);
    const kept = app.labelsOf(ref)!;
    expect(kept).toBe(head.byRef(ref)!.labels);
    expect(kept.equals(labels)).toBe(true);
    expect(app.append(ref, kept, 2000, 2)).toBe(ref);
    expect(app.labelsOf(ref + 1)).toBeUndefined();
  });

  it('ignores a stale ref whose labels differ', async () => {
    const head = new Head();
    const app = head.appender();
    const ra = app.append(0, a, 1, 1);
    const rb = app.append(ra, Labels.of('__name__', 'm', 'i', 'b'), 1, 2);
    expect(rb).not.toBe(ra);
    await app.commit();
    expect(head.numSeries).toBe(2);
  });

  it('makes nothing visible when the log write fails', async () => {
    const head = new Head(
      {},
      {
        log() {
          throw new Error('disk full');
        },
      },
    );
    const app = head.appender();
    app.append(0, a, 1000, 1);
    await expect(app.commit()).rejects.toThrow('disk full');
    expect(await read(head)).toEqual([]);
    expect(head.counters.samplesAppended).toBe(0);
  });

  it('drops at commit a sample another commit overtook', async () => {
    const head = new Head();
    const first = head.appender();
    const second = head.appender();
    first.append(0, a, 10, 1);
    second.append(0, a, 20, 2);
    await second.commit();
    await first.commit();
    expect(await read(head)).toEqual([[20, 2]]);
    expect(head.counters.samplesDroppedAtCommit).toBe(1);
  });
});
