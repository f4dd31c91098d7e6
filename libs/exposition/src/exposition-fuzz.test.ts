import { Buffer } from 'node:buffer';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Labels } from '@argus/model';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Entry } from './entry.ts';
import type { ExpositionFormat } from './exposition-format.ts';
import { ExpositionParser } from './exposition-parser.ts';
import { formatText } from './format-text.ts';
import { formatOpenMetricsFloat } from './go-float.ts';
import type { ExposedSample, MetricFamily, MetricType } from './metric-family.ts';
import { ExpositionParseError } from './parse-error.ts';
import { parseFamilies } from './parse-families.ts';
import { plain } from '../test/plain-families.ts';

const SEED = 20261128;
const formats: ExpositionFormat[] = ['text', 'openmetrics'];

/**
 * Parses to the end, reading every accessor; returns the number of entries. Any throw other
 * than ExpositionParseError fails the property; so does an entry count beyond the input size
 * (the parser must make progress on every call).
 */
function drain(bytes: Uint8Array, format: ExpositionFormat): number {
  const p = new ExpositionParser(bytes, format);
  let entries = 0;
  try {
    while (true) {
      const e = p.next();
      if (e === Entry.EOF) break;
      entries++;
      if (entries > bytes.length + 1) throw new Error('parser made no progress');
      if (e === Entry.Series) {
        p.labels();
        p.seriesKey();
        if (p.hasExemplar) p.exemplarLabels();
      } else if (e === Entry.Help) p.help();
      else if (e === Entry.Unit) p.unit();
      else if (e === Entry.Comment) p.comment();
      else p.metadataName();
    }
  } catch (err) {
    if (!(err instanceof ExpositionParseError)) throw err;
    expect(err.line).toBeGreaterThanOrEqual(1);
    expect(err.column).toBeGreaterThanOrEqual(1);
  }
  return entries;
}

const alphabet = [
  ...'abc_:{}="\\, \t\n#01.-+eE',
  'HELP ',
  'TYPE ',
  'UNIT ',
  '# EOF',
  'NaN',
  '+Inf',
  '\xff',
  '\u00e9',
];

describe('fuzzing: no crash, no hang', () => {
  it.each(formats)('on random bytes (%s)', (format) => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 400 }), (bytes) => {
        drain(bytes, format);
      }),
      { seed: SEED, numRuns: 500 },
    );
  });

  it.each(formats)('on random exposition-like tokens (%s)', (format) => {
    const token = fc.constantFrom(...alphabet);
    fc.assert(
      fc.property(fc.array(token, { maxLength: 120 }), (tokens) => {
        drain(Buffer.from(tokens.join(''), 'utf8'), format);
      }),
      { seed: SEED, numRuns: 500 },
    );
  });

  const fixture = readFileSync(
    resolve(import.meta.dirname, '../../../../shared/conformance/node_exporter/fixtures/e2e-output.txt'),
  ).subarray(0, 60_000);
  const mutation = fc.record({
    at: fc.nat(),
    kind: fc.constantFrom('insert', 'delete', 'replace'),
    bytes: fc.uint8Array({ minLength: 1, maxLength: 4 }),
  });

  it.each(formats)('on mutated real expositions (%s)', (format) => {
    const valid = Buffer.from(
      format === 'openmetrics' ? formatText(parseFamilies(fixture, 'text'), 'openmetrics') : fixture,
    ).subarray(0, 8000);
    fc.assert(
      fc.property(fc.array(mutation, { minLength: 1, maxLength: 6 }), (mutations) => {
        let bytes: Uint8Array = Uint8Array.from(valid);
        for (const m of mutations) {
          const at = m.at % (bytes.length + 1);
          const head = bytes.subarray(0, at);
          const tail = bytes.subarray(m.kind === 'insert' ? at : Math.min(bytes.length, at + m.bytes.length));
          bytes = Buffer.concat(m.kind === 'delete' ? [head, tail] : [head, m.bytes, tail]);
        }
        drain(bytes, format);
      }),
      { seed: SEED, numRuns: 150 },
    );
  });
});

// ---- generators of valid families for the round trip ----

// Characters that matter to the grammar, mixed into arbitrary Unicode.
const tricky = fc.constantFrom('\\', '"', '\n', '{', '}', ',', '=', ' ', '#', '\t', '\u00e9', '\u{1F600}');
const char = fc.oneof(tricky, fc.string({ unit: 'grapheme', minLength: 1, maxLength: 1 }));
const legacyName = fc.stringMatching(/^[a-zA-Z_][a-zA-Z0-9_]{0,12}$/);
const utf8Name = fc.string({ unit: char, minLength: 1, maxLength: 8 });
const metricName = fc.oneof({ weight: 4, arbitrary: legacyName }, { weight: 1, arbitrary: utf8Name });
const labelName = fc
  .oneof({ weight: 4, arbitrary: legacyName }, { weight: 1, arbitrary: utf8Name })
  .filter((n) => n !== '__name__' && n !== 'le' && n !== 'quantile');
const labelValue = fc.string({ unit: char, maxLength: 10 });
const labels = fc
  .array(fc.tuple(labelName, labelValue), { maxLength: 4 })
  .map((pairs) => Labels.fromPairs(pairs));
const value = fc.double().map((v) => (Object.is(v, -0) ? 0 : v));
const help = fc.option(fc.string({ unit: char, maxLength: 20 }), { nil: undefined });

function arbitraryFamily(format: ExpositionFormat): fc.Arbitrary<MetricFamily> {
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
      if (s.exemplar !== undefined) out.exemplar = s.exemplar;
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

describe('round trip: parseFamilies(formatText(families)) = families', () => {
  it.each(formats)('%s', (format) => {
    fc.assert(
      fc.property(fc.array(arbitraryFamily(format), { maxLength: 6 }), (families) => {
        const text = formatText(families, format);
        expect(plain(parseFamilies(text, format))).toEqual(plain(families));
      }),
      { seed: SEED, numRuns: 150 },
    );
  });
});
