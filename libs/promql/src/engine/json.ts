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
  // No prototype, so a label named `__proto__` is an ordinary key.
  const out = Object.create(null) as Record<string, string>;
  labels.forEach((n, v) => (out[n] = v));
  return out;
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

const GO_ESCAPED = /[<>&\u2028\u2029]/g;
const NEEDS_GO_ESCAPE = /[<>&\u2028\u2029]/;
const GO_ESCAPES: Record<string, string> = {
  '<': '\\u003c',
  '>': '\\u003e',
  '&': '\\u0026',
  '\u2028': '\\u2028',
  '\u2029': '\\u2029',
};

/** A JSON string as Go's encoder writes it: also `<`, `>`, `&`, U+2028 and U+2029 escaped. */
function goString(s: string): string {
  const text = JSON.stringify(s);
  return NEEDS_GO_ESCAPE.test(text) ? text.replace(GO_ESCAPED, (c) => GO_ESCAPES[c]!) : text;
}

/** `{"name":"value",…}` straight from the flat label list (no intermediate object). */
function metricText(labels: Labels): string {
  const flat = labels.flat;
  let out = '{';
  for (let i = 0; i < flat.length; i += 2) {
    if (i > 0) out += ',';
    out += `${goString(flat[i]!)}:${goString(flat[i + 1]!)}`;
  }
  return `${out}}`;
}

function pointText(tMs: number, v: number): string {
  return `[${formatTimestamp(tMs)},"${formatSampleValue(v)}"]`;
}

/**
 * The JSON text of `encodeSuccess(result, withStats)`, written directly: large vectors
 * and matrices skip the intermediate objects and arrays. Label names and values and
 * string results are escaped as Go does (`<` → `\u003c`, …), so the bytes match upstream.
 */
export function encodeSuccessText(result: QueryResult, withStats = false): string {
  const value = result.value;
  const parts: string[] = [`{"status":"success","data":{"resultType":"${value.resultType}","result":`];
  switch (value.resultType) {
    case 'scalar':
      parts.push(pointText(value.t, value.v));
      break;
    case 'string':
      parts.push(`[${formatTimestamp(value.t)},${goString(value.v)}]`);
      break;
    case 'vector':
      parts.push('[');
      value.samples.forEach((s, i) => {
        parts.push(`${i > 0 ? ',' : ''}{"metric":${metricText(s.labels)},"value":${pointText(s.t, s.v)}}`);
      });
      parts.push(']');
      break;
    case 'matrix':
      parts.push('[');
      value.series.forEach((s, i) => {
        let points = '';
        for (let k = 0; k < s.timestamps.length; k++) {
          points += `${k > 0 ? ',' : ''}${pointText(s.timestamps[k]!, s.values[k]!)}`;
        }
        parts.push(`${i > 0 ? ',' : ''}{"metric":${metricText(s.labels)},"values":[${points}]}`);
      });
      parts.push(']');
      break;
  }
  if (withStats) parts.push(`,"stats":${JSON.stringify(encodeStats(result.stats))}`);
  parts.push('}');
  if (result.warnings.length > 0) parts.push(`,"warnings":${JSON.stringify(result.warnings)}`);
  if (result.infos.length > 0) parts.push(`,"infos":${JSON.stringify(result.infos)}`);
  parts.push('}');
  return parts.join('');
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
