import { describe, expect, it } from 'vitest';
import { isStaleNaN } from '@argus/model';
import { parseSeriesDescription, parseStartTimestampLine } from './series-description.ts';

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

describe('parseStartTimestampLine', () => {
  it.each([
    ['m@st _ _xN', 'm@st _ _x2', [undefined, undefined, undefined]],
    ['single offsets with signs', 'm{a="b"}@st -1m 0 +1m 1ms -0ms', [-60_000, 0, 60_000, 1, -0]],
    ['repeats (N+1 copies)', 'm@st -59999msx2', [-59_999, -59_999, -59_999]],
    ['steps', 'm@st -30s-1mx2 0+1sx1', [-30_000, -90_000, -150_000, 0, 1000]],
  ])('%s', (_name, line, want) => {
    expect(parseStartTimestampLine(line).offsets).toEqual(want);
  });

  it('keeps the labels and refuses a line without @st or with a bad item', () => {
    expect(parseStartTimestampLine('m{a="b"}@st 0').labels.toString()).toBe('{__name__="m", a="b"}');
    expect(() => parseStartTimestampLine('m 0')).toThrow(/expected @st/);
    expect(() => parseStartTimestampLine('m@st 5')).toThrow(/invalid start timestamp item "5"/);
  });
});
