import { Labels } from '@argus/model';
import { describe, expect, it } from 'vitest';
import {
  encodeError,
  encodeSuccess,
  encodeSuccessText,
  encodeValue,
  formatSampleValue,
  httpStatusFor,
} from './json.ts';
import type { QueryResult } from './engine.ts';

describe('formatSampleValue', () => {
  it.each([
    { v: 1, want: '1' },
    { v: 0.5, want: '0.5' },
    { v: -0, want: '0' },
    { v: NaN, want: 'NaN' },
    { v: Infinity, want: '+Inf' },
    { v: -Infinity, want: '-Inf' },
    { v: 1e-7, want: '1e-07' },
    { v: 1.5e-10, want: '1.5e-10' },
    { v: 1e21, want: '1e+21' },
    { v: 123456789012345680000, want: '123456789012345680000' },
    { v: 0.000001, want: '0.000001' },
  ])('writes $v as $want', ({ v, want }) => {
    expect(formatSampleValue(v)).toBe(want);
  });
});

describe('encodeValue', () => {
  it('writes a vector as the API does', () => {
    const got = encodeValue({
      resultType: 'vector',
      samples: [{ labels: Labels.of('__name__', 'up', 'job', 'a'), t: 1500, v: 1 }],
    });
    expect(got).toEqual({
      resultType: 'vector',
      result: [{ metric: { __name__: 'up', job: 'a' }, value: [1.5, '1'] }],
    });
  });

  it('writes a matrix with string values and second timestamps', () => {
    const got = encodeValue({
      resultType: 'matrix',
      series: [
        { labels: Labels.EMPTY, timestamps: Float64Array.of(0, 15000), values: Float64Array.of(NaN, 2) },
      ],
    });
    expect(got).toEqual({
      resultType: 'matrix',
      result: [
        {
          metric: {},
          values: [
            [0, 'NaN'],
            [15, '2'],
          ],
        },
      ],
    });
  });

  it('writes scalars and strings as [t, "v"]', () => {
    expect(encodeValue({ resultType: 'scalar', t: 1000, v: -Infinity })).toEqual({
      resultType: 'scalar',
      result: [1, '-Inf'],
    });
    expect(encodeValue({ resultType: 'string', t: 1000, v: 'x' })).toEqual({
      resultType: 'string',
      result: [1, 'x'],
    });
  });
});

describe('envelopes', () => {
  it('adds warnings, infos and stats only when present or asked', () => {
    const result: QueryResult = {
      value: { resultType: 'scalar', t: 0, v: 1 },
      warnings: [],
      infos: ['PromQL info: x (1:1)'],
      stats: {
        timings: {
          evalTotalTime: 0,
          resultSortTime: 0,
          queryPreparationTime: 0,
          innerEvalTime: 0,
          execQueueTime: 0,
          execTotalTime: 0,
        },
        samples: { totalQueryableSamples: 3, peakSamples: 2 },
      },
    };
    expect(encodeSuccess(result)).toEqual({
      status: 'success',
      data: { resultType: 'scalar', result: [0, '1'] },
      infos: ['PromQL info: x (1:1)'],
    });
    expect((encodeSuccess(result, true)['data'] as Record<string, unknown>)['stats']).toMatchObject({
      samples: { totalQueryableSamples: 3, peakSamples: 2 },
    });
    expect(encodeError('bad_data', 'oops')).toEqual({
      status: 'error',
      errorType: 'bad_data',
      error: 'oops',
    });
  });

  it.each([
    { type: 'bad_data', status: 400 },
    { type: 'execution', status: 422 },
    { type: 'timeout', status: 503 },
    { type: 'internal', status: 500 },
  ] as const)('maps $type to HTTP $status', ({ type, status }) => {
    expect(httpStatusFor(type)).toBe(status);
  });
});

describe('encodeSuccessText', () => {
  const stats: QueryResult['stats'] = {
    timings: {
      evalTotalTime: 0.5,
      resultSortTime: 0,
      queryPreparationTime: 0.1,
      innerEvalTime: 0.3,
      execQueueTime: 0.01,
      execTotalTime: 0.6,
    },
    samples: { totalQueryableSamples: 10, peakSamples: 4 },
  };
  const values: QueryResult['value'][] = [
    { resultType: 'scalar', t: 1234, v: 1e-7 },
    { resultType: 'string', t: 0, v: 'a "quoted"\nline' },
    { resultType: 'vector', samples: [] },
    {
      resultType: 'vector',
      samples: [
        { labels: Labels.of('__name__', 'up', 'job', 'a\\b', 'zone', 'é'), t: 1500, v: NaN },
        { labels: Labels.of('__proto__', 'x', 'job', 'b'), t: 1500, v: -Infinity },
      ],
    },
    {
      resultType: 'matrix',
      series: [
        { labels: Labels.EMPTY, timestamps: Float64Array.of(0, 15000), values: Float64Array.of(1e21, 2) },
        { labels: Labels.of('a', 'b'), timestamps: Float64Array.of(1), values: Float64Array.of(0.1) },
      ],
    },
  ];

  it.each(values.map((v) => [v.resultType, v] as const))(
    'writes %s as JSON.stringify(encodeSuccess) does',
    (_t, value) => {
      for (const withStats of [false, true]) {
        const result: QueryResult = { value, warnings: ['w "1"'], infos: withStats ? ['i'] : [], stats };
        const text = encodeSuccessText(result, withStats);
        expect(JSON.parse(text)).toEqual(JSON.parse(JSON.stringify(encodeSuccess(result, withStats))));
        if (value.resultType !== 'vector' || value.samples.length === 0) {
          expect(text).toBe(JSON.stringify(encodeSuccess(result, withStats)));
        }
      }
    },
  );

  it('keeps a label named __proto__ and escapes <, > and & as Go does', () => {
    const result: QueryResult = {
      value: {
        resultType: 'vector',
        samples: [{ labels: Labels.of('__proto__', 'a<b>&c'), t: 0, v: 1 }],
      },
      warnings: [],
      infos: [],
      stats,
    };
    expect(encodeSuccessText(result)).toBe(
      '{"status":"success","data":{"resultType":"vector","result":[{"metric":{"__proto__":"a\\u003cb\\u003e\\u0026c"},"value":[0,"1"]}]}}',
    );
  });
});
