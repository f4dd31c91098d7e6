import { InvalidDurationError } from './errors.ts';

const MS_PER_SECOND = 1000;
const MS_PER_MINUTE = 60 * MS_PER_SECOND;
const MS_PER_HOUR = 60 * MS_PER_MINUTE;
const MS_PER_DAY = 24 * MS_PER_HOUR;
const MS_PER_WEEK = 7 * MS_PER_DAY;
const MS_PER_YEAR = 365 * MS_PER_DAY;

/** Units in the order a duration must list them, with their length in milliseconds. */
const UNITS: ReadonlyArray<readonly [unit: string, ms: number]> = [
  ['y', MS_PER_YEAR],
  ['w', MS_PER_WEEK],
  ['d', MS_PER_DAY],
  ['h', MS_PER_HOUR],
  ['m', MS_PER_MINUTE],
  ['s', MS_PER_SECOND],
  ['ms', 1],
];

const durationPattern = /^(?:(\d+)y)?(?:(\d+)w)?(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?(?:(\d+)ms)?$/;

/**
 * Parses a Prometheus duration (`1h30m`, `5m`, `250ms`, `1y`, `0`) into milliseconds.
 * Units go from largest to smallest, each at most once; a year is 365 days.
 */
export function parseDuration(text: string): number {
  if (text === '0') return 0;
  const match = text === '' ? null : durationPattern.exec(text);
  if (!match) throw new InvalidDurationError(text);
  let ms = 0;
  for (let i = 0; i < UNITS.length; i++) {
    const count = match[i + 1];
    if (count !== undefined) ms += Number(count) * UNITS[i]![1];
  }
  if (!Number.isSafeInteger(ms)) throw new InvalidDurationError(text, 'duration out of range');
  return ms;
}

/**
 * Formats milliseconds as Prometheus prints durations: `1h30m`, `0s`, `1y`; years and
 * weeks only when they divide the duration exactly.
 */
export function formatDuration(ms: number): string {
  if (ms === 0) return '0s';
  let rest = Math.trunc(Math.abs(ms));
  let out = ms < 0 ? '-' : '';
  for (const [unit, size] of UNITS) {
    if ((unit === 'y' || unit === 'w') && rest % size !== 0) continue;
    const count = Math.floor(rest / size);
    if (count > 0) {
      out += `${count}${unit}`;
      rest -= count * size;
    }
  }
  return out;
}
