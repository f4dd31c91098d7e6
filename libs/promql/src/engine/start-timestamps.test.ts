import { Labels } from '@argus/model';
import { InMemoryStorage } from '@argus/storage';
import { beforeAll, describe, expect, it } from 'vitest';
import { ALL_PARSER_FEATURES } from '../parser/options.ts';
import { Engine } from './engine.ts';
import type { QueryValue } from './engine.ts';

// A delta counter as OpenTelemetry exports it: every sample counts 60 since the previous
// one, its start time is the previous sample's time. Samples every minute from 1m.
const storage = new InMemoryStorage();
const delta = Labels.of('__name__', 'events_total', 'kind', 'delta');
const plain = Labels.of('__name__', 'events_total', 'kind', 'plain');

beforeAll(async () => {
  const app = storage.appender();
  for (let i = 1; i <= 20; i++) {
    const t = i * 60_000;
    app.append(0, delta, t, 60, t - 60_000);
    app.append(0, plain, t, i * 60);
  }
  await app.commit();
});

function vector(v: QueryValue): Record<string, number> {
  if (v.resultType !== 'vector') throw new Error(`expected vector, got ${v.resultType}`);
  return Object.fromEntries(v.samples.map((s) => [s.labels.get('kind'), s.v]));
}

const withSt = new Engine({ parser: ALL_PARSER_FEATURES, useStartTimestamps: true });
const withoutSt = new Engine({ parser: ALL_PARSER_FEATURES });

describe('use-start-timestamps', () => {
  it('counts start-time resets in increase/rate/irate/resets only when enabled', async () => {
    const t = 10 * 60_000;
    const on = await withSt.instantQuery(storage, 'increase(events_total[5m])', t);
    expect(vector(on.value)).toEqual({ delta: 300, plain: 300 });
    const off = await withoutSt.instantQuery(storage, 'increase(events_total[5m])', t);
    expect(vector(off.value)).toEqual({ delta: 0, plain: 300 });
    const irate = await withSt.instantQuery(storage, 'irate(events_total[5m])', t);
    expect(vector(irate.value)).toEqual({ delta: 1, plain: 1 });
    const resets = await withSt.instantQuery(storage, 'resets(events_total[5m])', t);
    expect(vector(resets.value)).toEqual({ delta: 4, plain: 0 });
  });

  it('start_timestamp() gives start times in seconds (0 when unknown), nothing when disabled', async () => {
    const on = await withSt.instantQuery(storage, 'start_timestamp(events_total)', 5 * 60_000);
    expect(vector(on.value)).toEqual({ delta: 240, plain: 0 });
    const off = await withoutSt.instantQuery(storage, 'start_timestamp(events_total)', 5 * 60_000);
    expect(vector(off.value)).toEqual({});
    const expr = await withSt.instantQuery(storage, 'start_timestamp(events_total * 1)', 5 * 60_000);
    expect(vector(expr.value)).toEqual({});
  });

  it('does not pass start times through subqueries', async () => {
    const r = await withSt.instantQuery(storage, 'increase(events_total[5m:1m])', 10 * 60_000);
    expect(vector(r.value)['delta']).toBe(0);
  });
});

describe('bare anchored and smoothed range selectors', () => {
  it('anchored: the sample at or before the start, the samples inside, the last sample at the end', async () => {
    const r = await withSt.instantQuery(storage, 'events_total{kind="plain"}[2m30s] anchored', 330_000);
    if (r.value.resultType !== 'matrix') throw new Error('expected matrix');
    const [s] = r.value.series;
    expect(Array.from(s!.timestamps)).toEqual([180_000, 240_000, 300_000, 330_000]);
    expect(Array.from(s!.values)).toEqual([180, 240, 300, 300]);
  });

  it('smoothed: interpolated values at both ends', async () => {
    const r = await withSt.instantQuery(storage, 'events_total{kind="plain"}[2m] smoothed', 330_000);
    if (r.value.resultType !== 'matrix') throw new Error('expected matrix');
    const [s] = r.value.series;
    expect(Array.from(s!.timestamps)).toEqual([210_000, 240_000, 300_000, 330_000]);
    expect(Array.from(s!.values)).toEqual([210, 240, 300, 330]);
  });
});
