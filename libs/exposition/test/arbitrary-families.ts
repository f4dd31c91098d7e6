import { Labels } from '@argus/model';
import fc from 'fast-check';
import type { ExpositionFormat } from '../src/exposition-format.ts';
import { formatOpenMetricsFloat } from '../src/go-float.ts';
import type { ExposedSample, MetricFamily, MetricType } from '../src/metric-family.ts';

/** What the generated families may contain. */
export interface FamilyOptions {
  /** Also quoted UTF-8 metric and label names (Prometheus 3.x); default true. */
  utf8Names?: boolean;
  /** Characters of label values and HELP texts; default: grammar-relevant ones mixed into any Unicode. */
  char?: fc.Arbitrary<string>;
}

// Characters that matter to the grammar, mixed into arbitrary Unicode.
const tricky = fc.constantFrom('\\', '"', '\n', '{', '}', ',', '=', ' ', '#', '\t', '\u00e9', '\u{1F600}');
const anyChar = fc.oneof(tricky, fc.string({ unit: 'grapheme', minLength: 1, maxLength: 1 }));
const legacyName = fc.stringMatching(/^[a-zA-Z_][a-zA-Z0-9_]{0,12}$/);
const value = fc.double().map((v) => (Object.is(v, -0) ? 0 : v));

/**
 * Valid metric families for `format` that survive `parseFamilies(formatText(…))` unchanged:
 * names fit the type (`_total`, `_bucket`, …), `le`/`quantile` already in float form, no
 * `-0`, no empty label values, text-format timestamps non-negative.
 */
export function arbitraryFamily(
  format: ExpositionFormat,
  options: FamilyOptions = {},
): fc.Arbitrary<MetricFamily> {
  const char = options.char ?? anyChar;
  const utf8Name = fc.string({ unit: char, minLength: 1, maxLength: 8 });
  const metricName =
    options.utf8Names === false
      ? legacyName
      : fc.oneof({ weight: 4, arbitrary: legacyName }, { weight: 1, arbitrary: utf8Name });
  const labelName = (
    options.utf8Names === false
      ? legacyName
      : fc.oneof({ weight: 4, arbitrary: legacyName }, { weight: 1, arbitrary: utf8Name })
  ).filter((n) => n !== '__name__' && n !== 'le' && n !== 'quantile');
  const labelValue = fc.string({ unit: char, maxLength: 10 });
  const labels = fc
    .array(fc.tuple(labelName, labelValue), { maxLength: 4 })
    .map((pairs) => Labels.fromPairs(pairs));
  const help = fc.option(fc.string({ unit: char, maxLength: 20 }), { nil: undefined });
  const om = format === 'openmetrics';
  const timestamp = fc.option(
    om ? fc.integer({ min: -1e12, max: 1e13 }) : fc.integer({ min: 0, max: 1e13 }),
    {
      nil: undefined,
    },
  );
  const exemplar = om
    ? fc.option(
        fc.record(
          { labels, value, timestampMs: fc.integer({ min: 0, max: 1e13 }) },
          { requiredKeys: ['labels', 'value'] },
        ),
        { nil: undefined },
      )
    : fc.constant(undefined);
  const sample = (name: string, extra?: fc.Arbitrary<Labels>): fc.Arbitrary<ExposedSample> =>
    fc.record({ labels: extra ?? labels, value, timestampMs: timestamp, exemplar }).map((s) => {
      const out: { -readonly [K in keyof ExposedSample]: ExposedSample[K] } = {
        name,
        labels: s.labels,
        value: s.value,
      };
      if (s.timestampMs !== undefined) out.timestampMs = s.timestampMs;
      if (s.exemplar !== undefined && (name.endsWith('_total') || name.endsWith('_bucket')))
        out.exemplar = s.exemplar;
      return out;
    });
  const types: MetricType[] = om
    ? ['counter', 'gauge', 'histogram', 'gaugehistogram', 'summary', 'info', 'stateset', 'unknown']
    : ['counter', 'gauge', 'histogram', 'summary', 'untyped'];
  const bound = fc.oneof(fc.constant('+Inf'), value.filter(Number.isFinite).map(formatOpenMetricsFloat));
  return fc
    .record({ base: metricName, type: fc.constantFrom(...types), help })
    .chain(({ base, type, help }) => {
      const name = type === 'counter' && !om ? `${base}_total` : base;
      const withLe = labels.chain((l) => bound.map((le) => l.builder().set('le', le).labels()));
      const withQuantile = labels.chain((l) => bound.map((q) => l.builder().set('quantile', q).labels()));
      let samples: fc.Arbitrary<ExposedSample>;
      switch (type) {
        case 'counter':
          samples = om ? fc.oneof(sample(`${name}_total`), sample(`${name}_created`)) : sample(name);
          break;
        case 'histogram':
          samples = fc.oneof(
            sample(`${name}_bucket`, withLe),
            sample(`${name}_sum`),
            sample(`${name}_count`),
          );
          break;
        case 'gaugehistogram':
          samples = fc.oneof(
            sample(`${name}_bucket`, withLe),
            sample(`${name}_gsum`),
            sample(`${name}_gcount`),
          );
          break;
        case 'summary':
          samples = fc.oneof(sample(name, withQuantile), sample(`${name}_sum`), sample(`${name}_count`));
          break;
        case 'info':
          samples = sample(`${name}_info`);
          break;
        default:
          samples = sample(name);
      }
      const unit = om
        ? fc.option(
            legacyName.map((u) => u.toLowerCase()),
            { nil: undefined },
          )
        : fc.constant(undefined);
      return fc.record({ samples: fc.array(samples, { maxLength: 5 }), unit }).map(({ samples, unit }) => {
        const family: { -readonly [K in keyof MetricFamily]: MetricFamily[K] } = {
          name: unit === undefined ? name : `${name}_${unit}`,
          type,
          samples:
            unit === undefined
              ? samples
              : samples.map((s) => ({ ...s, name: s.name.replace(name, `${name}_${unit}`) })),
        };
        if (help !== undefined) family.help = help;
        if (unit !== undefined) family.unit = unit;
        return family;
      });
    });
}
