import { InvalidTimestampError } from './errors.ts';

/** Timestamps throughout Argus are integers of milliseconds since the Unix epoch. */
export type TimestampMs = number;

/** The smallest and largest timestamps Prometheus's API accepts, in milliseconds. */
export const MIN_TIMESTAMP_MS = -9223372036854776;
export const MAX_TIMESTAMP_MS = 9223372036854775;

const rfc3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})$/i;

/**
 * Parses a timestamp as the Prometheus HTTP API does: Unix seconds with an optional
 * fraction (`1435781451.781`) or RFC 3339 (`2015-07-01T20:10:51.781Z`). Result in ms,
 * rounded to the millisecond.
 */
export function parseTimestamp(text: string): TimestampMs {
  const trimmed = text.trim();
  if (/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(trimmed)) {
    const seconds = Number(trimmed);
    if (Number.isFinite(seconds)) return Math.round(seconds * 1000);
  }
  if (rfc3339.test(trimmed)) {
    const ms = Date.parse(trimmed);
    if (!Number.isNaN(ms)) return ms;
  }
  throw new InvalidTimestampError(text);
}

/** Milliseconds as Unix seconds, the way the Prometheus API writes sample timestamps. */
export function toUnixSeconds(ms: TimestampMs): number {
  return ms / 1000;
}

/** The current time in milliseconds. */
export function nowMs(): TimestampMs {
  return Date.now();
}
