export {
  Labels,
  LabelsBuilder,
  METRIC_NAME_LABEL,
  isValidLabelName,
  isValidLabelValue,
  isValidLegacyLabelName,
  isValidLegacyMetricName,
  isValidMetricName,
  quoteString,
  validateLabels,
} from './labels.ts';
export type { NameValidationScheme } from './labels.ts';
export { Matcher, matchesAll } from './matcher.ts';
export type { MatchType } from './matcher.ts';
export { formatDuration, parseDuration } from './duration.ts';
export { MAX_TIMESTAMP_MS, MIN_TIMESTAMP_MS, nowMs, parseTimestamp, toUnixSeconds } from './timestamp.ts';
export type { TimestampMs } from './timestamp.ts';
export { STALE_NAN, STALE_NAN_HIGH_WORD, STALE_NAN_LOW_WORD, isStaleNaN } from './stale.ts';
export { Hasher, hashString } from './hash.ts';
export {
  InvalidDurationError,
  InvalidLabelError,
  InvalidRegexError,
  InvalidTimestampError,
  ModelError,
} from './errors.ts';
