import { Labels } from '@argus/model';
import { InMemoryStorage } from '@argus/storage';
import type { Querier, Queryable } from '@argus/storage';
import { beforeAll, describe, expect, it } from 'vitest';
import { ALL_PARSER_FEATURES } from '../parser/options.ts';
import { Engine } from './engine.ts';
import type { QueryValue } from './engine.ts';
import {
  BadQueryError,
  EvaluationError,
  QueryCanceledError,
  QueryTimeoutError,
  TooManySamplesError,
} from './errors.ts';
import { encodeSuccess } from './json.ts';

const storage = new InMemoryStorage();

beforeAll(async () => {
  const app = storage.appender();
  for (let i = 0; i <= 60; i++) {
    const t = i * 15_000;
    app.append(0, Labels.of('__name__', 'requests_total', 'job', 'api', 'instance', 'a'), t, i * 10);
    app.append(0, Labels.of('__name__', 'requests_total', 'job', 'api', 'instance', 'b'), t, i * 20);
    app.append(0, Labels.of('__name__', 'requests_total', 'job', 'db', 'instance', 'c'), t, i * 5);
    app.append(0, Labels.of('__name__', 'temperature', 'room', 'x'), t, 20 + (i % 3));
  }
  await app.commit();
});

const engine = new Engine({ parser: ALL_PARSER_FEATURES });

function vector(v: QueryValue): Record<string, number> {
  if (v.resultType !== 'vector') throw new Error(`expected vector, got ${v.resultType}`);
  return Object.fromEntries(v.samples.map((s) => [s.labels.toString(), s.v]));
}

describe('Engine instant queries', () => {
  it.each([
    {
      query: 'requests_total{instance="a"}',
      t: 150_000,
      want: { '{__name__="requests_total", instance="a", job="api"}': 100 },
    },
    {
      query: 'sum by (job) (rate(requests_total[1m]))',
      t: 600_000,
      want: { '{job="api"}': 2, '{job="db"}': 1 / 3 },
    },
    {
      query: 'topk(1, requests_total)',
      t: 600_000,
      want: { '{__name__="requests_total", instance="b", job="api"}': 800 },
    },
    { query: 'count(requests_total) by (job)', t: 0, want: { '{job="api"}': 2, '{job="db"}': 1 } },
    {
      query: 'requests_total / on(instance) group_left requests_total',
      t: 15_000,
      want: { '{instance="a", job="api"}': 1, '{instance="b", job="api"}': 1, '{instance="c", job="db"}': 1 },
    },
    { query: 'max_over_time(temperature[1m])', t: 60_000, want: { '{room="x"}': 22 } },
    {
      query: 'requests_total offset 1m > 590',
      t: 900_000,
      want: { '{__name__="requests_total", instance="b", job="api"}': 1120 },
    },
  ])('$query at $t', async ({ query, t, want }) => {
    const res = await engine.instantQuery(storage, query, t);
    const got = vector(res.value);
    expect(Object.keys(got).sort()).toEqual(Object.keys(want).sort());
    for (const [k, v] of Object.entries(want)) expect(got[k]).toBeCloseTo(v, 9);
  });

  it('returns scalars and strings as such', async () => {
    expect((await engine.instantQuery(storage, '1 + 2', 5000)).value).toEqual({
      resultType: 'scalar',
      t: 5000,
      v: 3,
    });
    expect((await engine.instantQuery(storage, '"x"', 5000)).value).toEqual({
      resultType: 'string',
      t: 5000,
      v: 'x',
    });
  });

  it('sees a sample only within the lookback delta, left-open', async () => {
    const short = new Engine({ lookbackDeltaMs: 15_000 });
    expect(vector((await short.instantQuery(storage, 'temperature', 915_000)).value)).toEqual({});
    expect(
      Object.keys(vector((await engine.instantQuery(storage, 'temperature', 915_000)).value)),
    ).toHaveLength(1);
    expect(
      vector((await engine.instantQuery(storage, 'temperature', 915_000, { lookbackDeltaMs: 15_000 })).value),
    ).toEqual({});
  });

  it('reports "metric might not be a counter" with its position', async () => {
    const res = await engine.instantQuery(storage, 'rate(temperature[1m])', 600_000);
    expect(res.infos).toEqual([
      'PromQL info: metric might not be a counter, name does not end in _total/_sum/_count/_bucket: "temperature" (1:6)',
    ]);
  });

  it('counts samples in stats', async () => {
    const ok = await engine.instantQuery(storage, 'sum_over_time(requests_total[1m])', 600_000);
    expect(ok.stats.samples.totalQueryableSamples).toBe(12);
    expect(ok.stats.samples.peakSamples).toBeGreaterThan(0);
  });
});

describe('Engine range queries', () => {
  it('returns a sorted matrix with one point per step', async () => {
    const res = await engine.rangeQuery(storage, 'sum by (job) (requests_total)', 0, 60_000, 30_000);
    expect(res.value.resultType).toBe('matrix');
    if (res.value.resultType !== 'matrix') return;
    expect(res.value.series.map((s) => s.labels.toString())).toEqual(['{job="api"}', '{job="db"}']);
    expect(Array.from(res.value.series[0]!.values)).toEqual([0, 60, 120]);
    expect(Array.from(res.value.series[0]!.timestamps)).toEqual([0, 30_000, 60_000]);
  });

  it('turns a scalar into a matrix series without labels', async () => {
    const res = await engine.rangeQuery(storage, 'time()', 0, 20_000, 10_000);
    expect(encodeSuccess(res)).toEqual({
      status: 'success',
      data: {
        resultType: 'matrix',
        result: [
          {
            metric: {},
            values: [
              [0, '0'],
              [10, '10'],
              [20, '20'],
            ],
          },
        ],
      },
    });
  });

  it('warns that sort has no effect', async () => {
    const res = await engine.rangeQuery(storage, 'sort(requests_total)', 0, 60_000, 30_000);
    expect(res.warnings).toEqual([
      'PromQL warning: sort is ineffective for range queries since results are always ordered by labels (1:1)',
    ]);
  });
});

describe('Engine errors and limits', () => {
  it.each([
    { name: 'parse error', run: () => engine.instantQuery(storage, 'sum(', 0), error: BadQueryError },
    {
      name: 'range query over a range vector',
      run: () => engine.rangeQuery(storage, 'requests_total[1m]', 0, 1000, 1000),
      error: BadQueryError,
    },
    {
      name: 'end before start',
      run: () => engine.rangeQuery(storage, 'up', 1000, 0, 1000),
      error: BadQueryError,
    },
    {
      name: 'duplicate label sets',
      run: () => engine.instantQuery(storage, 'label_replace(requests_total, "instance", "x", "", "")', 0),
      error: EvaluationError,
      message: 'vector cannot contain metrics with the same labelset',
    },
    {
      name: 'many-to-many matching',
      run: () => engine.instantQuery(storage, 'temperature + on() requests_total', 0),
      error: EvaluationError,
      message: /^found duplicate series for the match group \{\} on the right hand-side of the operation/,
    },
    {
      name: 'too many samples',
      run: () =>
        new Engine({ maxSamples: 5 }).instantQuery(storage, 'sum_over_time(requests_total[5m])', 600_000),
      error: TooManySamplesError,
      message: 'query processing would load too many samples into memory in query execution',
    },
  ])('$name', async ({ run, error, message }) => {
    const p = run();
    await expect(p).rejects.toBeInstanceOf(error);
    if (message) await expect(p).rejects.toThrow(message);
  });

  it('cancels a query whose signal aborts', async () => {
    const ac = new AbortController();
    ac.abort();
    await expect(
      engine.instantQuery(storage, 'requests_total', 0, { signal: ac.signal }),
    ).rejects.toBeInstanceOf(QueryCanceledError);
  });

  it('times out a query whose storage stalls past the timeout', async () => {
    const stalled: Queryable = {
      async querier(): Promise<Querier> {
        await new Promise((r) => setTimeout(r, 50));
        return storage.querier(0, 1e12);
      },
    };
    const p = new Engine({ timeoutMs: 10 }).instantQuery(stalled, 'requests_total + requests_total', 0);
    await expect(p).rejects.toBeInstanceOf(QueryTimeoutError);
    await expect(p).rejects.toThrow('query timed out in expression evaluation');
  });

  it('lets at most maxConcurrency queries run at once', async () => {
    let running = 0;
    let peak = 0;
    const slow: Queryable = {
      async querier(minT, maxT): Promise<Querier> {
        running++;
        peak = Math.max(peak, running);
        await new Promise((r) => setTimeout(r, 5));
        running--;
        return storage.querier(minT, maxT);
      },
    };
    const gated = new Engine({ maxConcurrency: 2 });
    await Promise.all(Array.from({ length: 6 }, () => gated.instantQuery(slow, 'temperature', 0)));
    expect(peak).toBe(2);
  });
});
