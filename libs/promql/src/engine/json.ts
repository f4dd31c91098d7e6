import type { Labels } from '@argus/model';
import type { QueryErrorType } from './errors.ts';
import type { QueryResult, QueryStats, QueryValue } from './engine.ts';

/**
 * A sample value as the Prometheus API writes it (Go `strconv.FormatFloat(v, 'f'|'e', -1)`
 * via jsonutil): shortest round-trip digits, exponent form below 1e-6 and from 1e21, with
 * a two-digit exponent (`1e-07`, `1e+21`); `NaN`, `+Inf`, `-Inf`.
 */
export function formatSampleValue(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  const s = String(v);
  const e = s.indexOf('e');
  if (e < 0) return s;
  const mant = s.slice(0, e);
  const sign = s[e + 1] === '-' ? '-' : '+';
  const digits = s.slice(e + 2);
  return `${mant}e${sign}${digits.length < 2 ? `0${digits}` : digits}`;
}

/** A timestamp in ms as the API writes it: Unix seconds as a JSON number. */
export function formatTimestamp(ms: number): number {
  return ms / 1000;
}

function metric(labels: Labels): Record<string, string> {
  return labels.toRecord();
}

/** `{resultType, result}` exactly as Prometheus's `/api/v1/query` and `/query_range` put it in `data`. */
export function encodeValue(value: QueryValue): { resultType: string; result: unknown } {
  switch (value.resultType) {
    case 'scalar':
      return { resultType: 'scalar', result: [formatTimestamp(value.t), formatSampleValue(value.v)] };
    case 'string':
      return { resultType: 'string', result: [formatTimestamp(value.t), value.v] };
    case 'vector':
      return {
        resultType: 'vector',
        result: value.samples.map((s) => ({
          metric: metric(s.labels),
          value: [formatTimestamp(s.t), formatSampleValue(s.v)],
        })),
      };
    case 'matrix':
      return {
        resultType: 'matrix',
        result: value.series.map((s) => ({
          metric: metric(s.labels),
          values: Array.from(s.timestamps, (t, i) => [formatTimestamp(t), formatSampleValue(s.values[i]!)]),
        })),
      };
  }
}

/** The success envelope of the query API; `stats` only when asked (`stats=all`). */
export function encodeSuccess(result: QueryResult, withStats = false): Record<string, unknown> {
  const data: Record<string, unknown> = encodeValue(result.value);
  if (withStats) data['stats'] = encodeStats(result.stats);
  const body: Record<string, unknown> = { status: 'success', data };
  if (result.warnings.length > 0) body['warnings'] = result.warnings;
  if (result.infos.length > 0) body['infos'] = result.infos;
  return body;
}

/** The error envelope: `{status:"error", errorType, error}`. */
export function encodeError(
  errorType: QueryErrorType,
  error: string,
  warnings: string[] = [],
): Record<string, unknown> {
  const body: Record<string, unknown> = { status: 'error', errorType, error };
  if (warnings.length > 0) body['warnings'] = warnings;
  return body;
}

/** HTTP status upstream answers with for each error type. */
export function httpStatusFor(errorType: QueryErrorType): number {
  switch (errorType) {
    case 'bad_data':
      return 400;
    case 'execution':
      return 422;
    case 'canceled':
      return 499;
    case 'timeout':
    case 'unavailable':
      return 503;
    case 'internal':
      return 500;
  }
}

function encodeStats(stats: QueryStats): Record<string, unknown> {
  return { timings: stats.timings, samples: stats.samples };
}
