import { describe, expect, it } from 'vitest';
import { Labels, Matcher } from '@argus/model';
import {
  MalformedRequestError,
  decodeWriteRequest,
  decompressBlock,
  encodeWriteRequest,
  type RemoteMetadata,
  type RemoteTimeSeries,
} from '@argus/remote';
import { InMemoryStorage, type Appendable } from '@argus/storage';
import { Head } from '@argus/tsdb';
import { appendWriteRequest } from './remote-write-receiver.ts';
import { SeriesCache } from './series-cache.ts';
import { appendEncodedWriteRequest } from './write-request-walker.ts';

/** Every stored sample as `labels@t=v`, sorted, from a storage's querier. */
async function dump(storage: InMemoryStorage): Promise<string[]> {
  const q = await storage.querier(-Infinity, Infinity);
  const out: string[] = [];
  for (const s of await q.select([Matcher.regex('__name__', '.+')])) {
    const block = s.samples(-Infinity, Infinity);
    for (let i = 0; i < block.length; i++)
      out.push(`${s.labels.toString()}@${block.timestamps[i]}=${block.values[i]}`);
  }
  return out.sort();
}

const series = (
  name: string,
  extra: Record<string, string>,
  samples: [number, number][],
): RemoteTimeSeries => ({
  labels: [
    { name: '__name__', value: name },
    ...Object.entries(extra).map(([n, v]) => ({ name: n, value: v })),
  ],
  samples: samples.map(([timestamp, value]) => ({ timestamp, value })),
});

describe('appendEncodedWriteRequest', () => {
  const requests: RemoteTimeSeries[][] = [
    [
      series('up', { job: 'a', instance: 'x' }, [[1000, 1]]),
      series('up', { instance: 'y', job: 'a' }, [
        [1000, 0],
        [2000, 1],
      ]),
      series('neg_ts', { job: 'a' }, [[-5000, -1.5]]),
      series('big', { job: 'a' }, [[2 ** 41 + 7, Number.MAX_VALUE]]),
      series('', { job: 'no-name' }, [[1000, 1]]),
      series('bad name!', { job: 'a' }, [[1000, 1]]),
    ],
    [
      series('up', { job: 'a', instance: 'x' }, [[1000, 2]]), // duplicate: refused
      series('up', { job: 'a', instance: 'x' }, [[500, 2]]), // out of order: refused
      series('up', { instance: 'y', job: 'a' }, [[3000, NaN]]),
      series('up', { job: 'a', instance: 'x' }, [[4000, 4]]),
    ],
  ];

  it('stores and refuses exactly what the object decoder path does, with and without cache hits', async () => {
    const viaObjects = new InMemoryStorage();
    const viaBytes = new InMemoryStorage();
    const cache = new SeriesCache();
    for (const ts of requests) {
      const body = encodeWriteRequest({ timeseries: ts });
      const rejectsA: string[] = [];
      const rejectsB: string[] = [];
      const a = await appendWriteRequest(viaObjects, decodeWriteRequest(body), (r) => rejectsA.push(r));
      const b = await appendEncodedWriteRequest(viaBytes, decompressBlock(body), cache, (r) =>
        rejectsB.push(r),
      );
      expect(b).toEqual(a);
      expect(rejectsB).toEqual(rejectsA);
    }
    expect(cache.size).toBeGreaterThan(0);
    const stored = await dump(viaBytes);
    expect(stored).toEqual(await dump(viaObjects));
    expect(stored).toContain('{__name__="neg_ts", job="a"}@-5000=-1.5');
    expect(stored).toContain(`{__name__="big", job="a"}@${2 ** 41 + 7}=${Number.MAX_VALUE}`);
  });

  it('tells a series apart from the predicted one whose labels are a prefix of its own', async () => {
    const storage = new InMemoryStorage();
    const cache = new SeriesCache();
    const a = (t: number) => series('up', { job: 'a' }, [[t, 1]]);
    const x = (t: number) => series('up', { job: 'x' }, [[t, 2]]);
    // The same label fields as x plus one more after them: x's bytes are its prefix.
    const xz = (t: number) => {
      const s = series('up', { job: 'x' }, [[t, 3]]);
      return { ...s, labels: [...s.labels, { name: 'zone', value: 'z' }] };
    };
    for (const timeseries of [
      [a(1000), x(1000)],
      [a(2000), xz(2000)], // x is predicted after a
      [a(3000), x(3000), xz(3000)],
    ]) {
      const out = await appendEncodedWriteRequest(
        storage,
        decompressBlock(encodeWriteRequest({ timeseries })),
        cache,
      );
      expect(out.firstError).toBeUndefined();
    }
    expect(await dump(storage)).toEqual(
      [
        '{__name__="up", job="a"}@1000=1',
        '{__name__="up", job="a"}@2000=1',
        '{__name__="up", job="a"}@3000=1',
        '{__name__="up", job="x"}@1000=2',
        '{__name__="up", job="x"}@3000=2',
        '{__name__="up", job="x", zone="z"}@2000=3',
        '{__name__="up", job="x", zone="z"}@3000=3',
      ].sort(),
    );
  });

  it('hands over metadata and skips fields it does not know', async () => {
    const metadata: RemoteMetadata[] = [
      { type: 'COUNTER', metricFamilyName: 'http_requests_total', help: 'Requests.', unit: '' },
    ];
    const raw = decompressBlock(
      encodeWriteRequest({ timeseries: [series('up', { job: 'a' }, [[1, 1]])], metadata }),
    );
    // An unknown length-delimited field 9 (as a newer sender might add).
    const body = Buffer.concat([Buffer.from(raw), Buffer.from([0x4a, 0x02, 0x01, 0x02])]);
    const got: RemoteMetadata[] = [];
    const out = await appendEncodedWriteRequest(
      new InMemoryStorage(),
      body,
      new SeriesCache(),
      undefined,
      (m) => got.push(m),
    );
    expect(out.samplesAppended).toBe(1);
    expect(got).toEqual(metadata);
  });

  it('reads samples whatever their field order, the last of a repeated field winning', async () => {
    const f64 = (v: number) => {
      const b = Buffer.alloc(8);
      b.writeDoubleLE(v);
      return [...b];
    };
    const field = (tag: number, bytes: number[]) => [tag, bytes.length, ...bytes];
    const label = (name: string, value: string) =>
      field(0x0a, [...field(0x0a, [...Buffer.from(name)]), ...field(0x12, [...Buffer.from(value)])]);
    const labels = [...label('__name__', 'up'), ...label('job', 'a')];
    const samples = [
      [0x10, 0xe8, 0x07, 0x09, ...f64(1)], // t=1000 first, then the value
      [0x09, ...f64(7), 0x10, 0xd0, 0x0f, 0x09, ...f64(2)], // t=2000, the value twice: 2 wins
      [0x09, ...f64(3), 0x10, 0xb8, 0x17], // t=3000, the usual order
      [0x09, ...f64(4)], // no timestamp: t=0, refused as out of order
    ];
    const body = Buffer.from(field(0x0a, [...labels, ...samples.flatMap((sample) => field(0x12, sample))]));
    const storage = new InMemoryStorage();
    const out = await appendEncodedWriteRequest(storage, body, new SeriesCache());
    expect(out.samplesAppended).toBe(3);
    expect(out.samplesRejected).toBe(1);
    expect(await dump(storage)).toEqual(
      [1000, 2000, 3000].map((t, i) => `{__name__="up", job="a"}@${t}=${i + 1}`),
    );
  });

  it('refuses a truncated body whole, appending nothing', async () => {
    const raw = decompressBlock(
      encodeWriteRequest({
        timeseries: [series('up', { job: 'a' }, [[1, 1]]), series('up', { job: 'b' }, [[1, 1]])],
      }),
    );
    const storage = new InMemoryStorage();
    await expect(
      appendEncodedWriteRequest(storage, raw.subarray(0, raw.length - 3), new SeriesCache()),
    ).rejects.toBeInstanceOf(MalformedRequestError);
    expect(await dump(storage)).toEqual([]);
  });

  it('re-resolves a cached series when the storage no longer knows its ref', async () => {
    const cache = new SeriesCache();
    const body = decompressBlock(encodeWriteRequest({ timeseries: [series('up', { job: 'a' }, [[1, 1]])] }));
    await appendEncodedWriteRequest(new InMemoryStorage(), body, cache);
    const fresh: Appendable = new InMemoryStorage();
    const out = await appendEncodedWriteRequest(fresh, body, cache);
    expect(out.samplesAppended).toBe(1);
    expect(await dump(fresh as InMemoryStorage)).toEqual([
      `${Labels.of('__name__', 'up', 'job', 'a').toString()}@1=1`,
    ]);
  });
});

describe('SeriesCache with the head', () => {
  it("hands the head's own labels object back on later requests", async () => {
    const head = new Head();
    const passed: Labels[] = [];
    const spying: Appendable = {
      appender: () => {
        const app = head.appender();
        return {
          append: (ref, labels, t, v) => {
            passed.push(labels);
            return app.append(ref, labels, t, v);
          },
          commit: () => app.commit(),
          rollback: () => app.rollback(),
          labelsOf: (ref: number) => app.labelsOf(ref),
        };
      },
    };
    const cache = new SeriesCache();
    const body = (t: number) =>
      decompressBlock(encodeWriteRequest({ timeseries: [series('up', { job: 'a' }, [[t, 1]])] }));
    await appendEncodedWriteRequest(spying, body(1000), cache);
    await appendEncodedWriteRequest(spying, body(2000), cache);
    const stored = head.lookup(Labels.of('__name__', 'up', 'job', 'a'))!;
    expect(passed[0]).not.toBe(stored.labels);
    expect(passed[1]).toBe(stored.labels);
    expect(head.counters.samplesAppended).toBe(2);
  });
});
