import { describe, expect, it } from 'vitest';
import { isStaleNaN } from '@argus/model';
import { parseSeriesDescription } from './series-description.ts';

const values = (line: string) =>
  parseSeriesDescription(line).slots.map((s) =>
    s.kind === 'float' ? s.value : s.kind === 'stale' ? 'stale' : s.kind === 'omitted' ? '_' : 'h',
  );

describe('parseSeriesDescription', () => {
  it.each([
    { line: 'm 0+10x3', want: [0, 10, 20, 30] },
    { line: 'm 1-2x4', want: [1, -1, -3, -5, -7] },
    { line: 'm -2+4x3', want: [-2, 2, 6, 10] },
    { line: 'm 1x4', want: [1, 1, 1, 1, 1] },
    { line: 'm 1 _x3 stale', want: [1, '_', '_', '_', 'stale'] },
    { line: 'm 1+1x4 9+1x4', want: [1, 2, 3, 4, 5, 9, 10, 11, 12, 13] },
    { line: 'm 0+0.1x3', want: [0, 0.1, 0.2, 0.30000000000000004] },
    { line: 'm Inf -Inf NaN', want: [Infinity, -Infinity, NaN] },
    { line: 'm {{schema:0 sum:5 count:4 buckets:[1 2 1]}} 1', want: ['h', 1] },
  ])('$line', ({ line, want }) => {
    expect(values(line)).toEqual(want);
  });

  it('stores StaleNaN for stale', () => {
    const s = parseSeriesDescription('m stale').slots[0]!;
    expect(s.kind).toBe('stale');
  });

  it.each([
    {
      line: 'http_requests{job="api", instance="0"} 1',
      want: '{__name__="http_requests", instance="0", job="api"}',
    },
    { line: '{job="a",} 1', want: '{job="a"}' },
    { line: `{} 1`, want: '{}' },
    { line: `m{a='x\\ny'} 1`, want: '{__name__="m", a="x\\ny"}' },
    { line: '{"my.metric", "a.b"="x"} 1', want: '{__name__="my.metric", "a.b"="x"}' },
  ])('labels of $line', ({ line, want }) => {
    expect(parseSeriesDescription(line).labels.toString()).toBe(want);
  });

  it('keeps StaleNaN distinguishable after storing', () => {
    expect(isStaleNaN(NaN)).toBe(false);
  });
});
