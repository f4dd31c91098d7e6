import { describe, expect, it } from 'vitest';
import { formatDuration, parseDuration } from './duration.ts';
import { InvalidDurationError } from './errors.ts';

const S = 1000;
const M = 60 * S;
const H = 60 * M;
const D = 24 * H;

describe('durations', () => {
  it.each([
    { text: '0', ms: 0, printed: '0s' },
    { text: '0s', ms: 0, printed: '0s' },
    { text: '250ms', ms: 250, printed: '250ms' },
    { text: '5m', ms: 5 * M, printed: '5m' },
    { text: '1h30m', ms: H + 30 * M, printed: '1h30m' },
    { text: '90m', ms: 90 * M, printed: '1h30m' },
    { text: '1d', ms: D, printed: '1d' },
    { text: '2w', ms: 14 * D, printed: '2w' },
    { text: '8d', ms: 8 * D, printed: '8d' },
    { text: '1y', ms: 365 * D, printed: '1y' },
    { text: '1y2w3d4h5m6s7ms', ms: 365 * D + 17 * D + 4 * H + 5 * M + 6 * S + 7, printed: '382d4h5m6s7ms' },
  ])('$text is $ms ms and prints as $printed', ({ text, ms, printed }) => {
    expect(parseDuration(text)).toBe(ms);
    expect(formatDuration(ms)).toBe(printed);
  });

  it.each(['', '1', '5x', '1m1h', '1.5h', '-1m', 'h', '1h ', '1hh'])('rejects %j', (text) => {
    expect(() => parseDuration(text)).toThrow(InvalidDurationError);
  });
});
