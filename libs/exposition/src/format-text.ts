import type { Labels } from '@argus/model';
import {
  escapeHelp,
  escapeLabelValue,
  formatLabelNameToken,
  formatMetricNameToken,
  isLegacyMetricName,
} from './escape.ts';
import type { ExpositionFormat } from './exposition-format.ts';
import { formatGoFloat, formatOpenMetricsFloat, formatSecondsFromMs } from './go-float.ts';
import type { ExposedSample, MetricFamily, MetricType } from './metric-family.ts';

const TOTAL = '_total';

/**
 * Writes `families` in `format`, in the order given, as client_golang writes them:
 *
 * - text (0.0.4): `# HELP`, `# TYPE` (OpenMetrics-only types become `gauge`/`untyped`,
 *   `unknown` becomes `untyped`), no UNIT, no exemplars, timestamps as integer milliseconds;
 *   a counter family named without `_total` whose samples carry it is announced with `_total`.
 * - openmetrics (1.0): `# HELP`, `# TYPE`, `# UNIT`, family names without `_total` for
 *   counters (samples keep or gain it), values as floats (`1.0`), counts as integers,
 *   exemplars (on `_total` and `_bucket` samples only, as the spec allows), timestamps in
 *   seconds, and the closing `# EOF`.
 *
 * Names outside the legacy charset use the quoted UTF-8 syntax (`{"my.metric",a="b"}`).
 * Values print as Go's shortest `'g'` form (`1.5e+09`), `NaN`, `+Inf`, `-Inf`.
 */
export function formatText(families: Iterable<MetricFamily>, format: ExpositionFormat): string {
  const om = format === 'openmetrics';
  let out = '';
  for (const family of families) out += om ? formatFamilyOpenMetrics(family) : formatFamilyText(family);
  if (om) out += '# EOF\n';
  return out;
}

function textType(type: MetricType): string {
  switch (type) {
    case 'counter':
    case 'gauge':
    case 'histogram':
    case 'summary':
    case 'untyped':
      return type;
    case 'info':
    case 'stateset':
      return 'gauge';
    default:
      return 'untyped';
  }
}

function formatFamilyText(family: MetricFamily): string {
  let name = family.name;
  if (
    family.type === 'counter' &&
    !name.endsWith(TOTAL) &&
    family.samples.length > 0 &&
    family.samples.every((s) => s.name === name + TOTAL || s.name === name + '_created')
  ) {
    name += TOTAL;
  } else if (
    family.type === 'info' &&
    !name.endsWith('_info') &&
    family.samples.some((s) => s.name === name + '_info')
  ) {
    name += '_info';
  }
  const token = formatMetricNameToken(name);
  let out = '';
  if (family.help !== undefined) out += `# HELP ${token} ${escapeHelp(family.help, false)}\n`;
  out += `# TYPE ${token} ${textType(family.type)}\n`;
  for (const sample of family.samples) {
    out += seriesText(sample.name, sample.labels);
    out += ' ' + formatGoFloat(sample.value);
    if (sample.timestampMs !== undefined) out += ' ' + formatMillis(sample.timestampMs);
    out += '\n';
  }
  return out;
}

function formatMillis(ms: number): string {
  return Number.isInteger(ms) ? String(ms) : String(Math.round(ms));
}

function openMetricsType(type: MetricType): string {
  return type === 'untyped' ? 'unknown' : type;
}

const INTEGER_SUFFIXES = ['_count', '_bucket', '_gcount'];

function formatFamilyOpenMetrics(family: MetricFamily): string {
  let name = family.name;
  if (family.type === 'counter' && name.endsWith(TOTAL)) name = name.slice(0, -TOTAL.length);
  if (family.type === 'info' && name.endsWith('_info') && family.samples.every((s) => s.name === name)) {
    name = name.slice(0, -'_info'.length);
  }
  const token = formatMetricNameToken(name);
  let out = '';
  if (family.help !== undefined) out += `# HELP ${token} ${escapeHelp(family.help, true)}\n`;
  out += `# TYPE ${token} ${openMetricsType(family.type)}\n`;
  if (family.unit !== undefined && family.unit !== '') out += `# UNIT ${token} ${family.unit}\n`;
  const counts = family.type === 'histogram' || family.type === 'gaugehistogram' || family.type === 'summary';
  for (const sample of family.samples) {
    out += seriesText(openMetricsSampleName(family, name, sample), sample.labels);
    const integral =
      counts && Number.isInteger(sample.value) && INTEGER_SUFFIXES.some((s) => sample.name.endsWith(s));
    out += ' ' + (integral ? formatGoFloatInteger(sample.value) : formatOpenMetricsFloat(sample.value));
    if (sample.timestampMs !== undefined) out += ' ' + formatSecondsFromMs(sample.timestampMs);
    if (sample.exemplar !== undefined && carriesExemplars(sample.name)) {
      const ex = sample.exemplar;
      out += ' # ' + labelSetText(ex.labels) + ' ' + formatOpenMetricsFloat(ex.value);
      if (ex.timestampMs !== undefined) out += ' ' + formatSecondsFromMs(ex.timestampMs);
    }
    out += '\n';
  }
  return out;
}

/**
 * OpenMetrics 1.0 allows exemplars on counter totals and histogram buckets only, and
 * Prometheus 2.x refuses a scrape that has one elsewhere; elsewhere they are left out.
 */
function carriesExemplars(sampleName: string): boolean {
  return sampleName.endsWith('_total') || sampleName.endsWith('_bucket');
}

/** Integral counts print in full (`1234567`), as client_golang writes uint64 counts. */
function formatGoFloatInteger(v: number): string {
  return Math.abs(v) < 2 ** 53 ? v.toFixed(0) : formatGoFloat(v);
}

function openMetricsSampleName(family: MetricFamily, familyName: string, sample: ExposedSample): string {
  if (family.type === 'counter' && sample.name === familyName) return familyName + TOTAL;
  if (family.type === 'info' && sample.name === familyName) return familyName + '_info';
  return sample.name;
}

function seriesText(name: string, labels: Labels): string {
  if (isLegacyMetricName(name)) return labels.size === 0 ? name : name + labelSetText(labels);
  let out = `{"${escapeLabelValue(name)}"`;
  labels.forEach((n, v) => (out += `,${formatLabelNameToken(n)}="${escapeLabelValue(v)}"`));
  return out + '}';
}

function labelSetText(labels: Labels): string {
  let out = '{';
  let first = true;
  labels.forEach((n, v) => {
    out += `${first ? '' : ','}${formatLabelNameToken(n)}="${escapeLabelValue(v)}"`;
    first = false;
  });
  return out + '}';
}
