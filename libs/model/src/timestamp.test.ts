import { describe, expect, it } from 'vitest';
import { InvalidTimestampError } from './errors.ts';
import { parseTimestamp } from './timestamp.ts';

describe('parseTimestamp', () => {
  it.each([
    { text: '1435781451.781', ms: 1435781451781 },
    { text: '1435781451', ms: 1435781451000 },
    { text: '0', ms: 0 },
    { text: '-1.5', ms: -1500 },
    { text: '1e3', ms: 1_000_000 },
    { text: '2015-07-01T20:10:51.781Z', ms: 1435781451781 },
    { text: '2015-07-01T22:10:51+02:00', ms: 1435781451000 },
  ])('$text → $ms', ({ text, ms }) => {
    expect(parseTimestamp(text)).toBe(ms);
  });

  it.each(['', 'now', '2015-07-01', 'NaN', 'Inf'])('rejects %j', (text) => {
    expect(() => parseTimestamp(text)).toThrow(InvalidTimestampError);
  });
});
