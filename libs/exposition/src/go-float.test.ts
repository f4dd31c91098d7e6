import { describe, expect, it } from 'vitest';
import { formatGoFloat, formatOpenMetricsFloat, formatSecondsFromMs } from './go-float.ts';

describe('formatGoFloat', () => {
  // Expected strings are Go's strconv.FormatFloat(v, 'g', -1, 64).
  it.each([
    { v: 0, want: '0' },
    { v: -0, want: '0' },
    { v: 1, want: '1' },
    { v: -1, want: '-1' },
    { v: 123456, want: '123456' },
    { v: 1e6, want: '1e+06' },
    { v: 1234567.8, want: '1.2345678e+06' },
    { v: 16481927168, want: '1.6481927168e+10' },
    { v: 0.0001, want: '0.0001' },
    { v: 0.00001, want: '1e-05' },
    { v: 0.000123, want: '0.000123' },
    { v: 1.5e-7, want: '1.5e-07' },
    { v: 0.1, want: '0.1' },
    { v: 1e21, want: '1e+21' },
    { v: 1.7976931348623157e308, want: '1.7976931348623157e+308' },
    { v: 5e-324, want: '5e-324' },
    { v: -2.5e-10, want: '-2.5e-10' },
    { v: NaN, want: 'NaN' },
    { v: Infinity, want: '+Inf' },
    { v: -Infinity, want: '-Inf' },
  ])('$v → $want', ({ v, want }) => {
    expect(formatGoFloat(v)).toBe(want);
  });
});

describe('formatOpenMetricsFloat', () => {
  it.each([
    { v: 1, want: '1.0' },
    { v: 0, want: '0.0' },
    { v: 42, want: '42.0' },
    { v: 1.5, want: '1.5' },
    { v: 1e6, want: '1e+06' },
    { v: NaN, want: 'NaN' },
    { v: -Infinity, want: '-Inf' },
  ])('$v → $want', ({ v, want }) => {
    expect(formatOpenMetricsFloat(v)).toBe(want);
  });
});

describe('formatSecondsFromMs', () => {
  it.each([
    { ms: 1520879607789, want: '1520879607.789' },
    { ms: 1520879607000, want: '1520879607' },
    { ms: 1520879607100, want: '1520879607.1' },
    { ms: 5, want: '0.005' },
    { ms: -1500, want: '-1.5' },
  ])('$ms → $want', ({ ms, want }) => {
    expect(formatSecondsFromMs(ms)).toBe(want);
  });
});
