import { Buffer } from 'node:buffer';
import { Entry } from './entry.ts';
import { detectFormat } from './exposition-format.ts';
import type { ExpositionFormat } from './exposition-format.ts';
import { ExpositionParser } from './exposition-parser.ts';
import type { ExpositionParserOptions } from './exposition-parser.ts';
import type { ExposedSample, MetricFamily, MetricType } from './metric-family.ts';

interface MutableFamily {
  name: string;
  type: MetricType;
  help?: string;
  unit?: string;
  samples: ExposedSample[];
}

const SUFFIXES: Partial<Record<MetricType, readonly string[]>> = {
  counter: ['_total', '_created'],
  histogram: ['_bucket', '_sum', '_count', '_created'],
  gaugehistogram: ['_bucket', '_gsum', '_gcount', '_created'],
  summary: ['_sum', '_count', '_created'],
  info: ['_info'],
};

/** Whether a sample named `name` belongs to the family `family` of type `type`. */
export function isSampleOfFamily(name: string, family: string, type: MetricType): boolean {
  if (name === family) return true;
  if (!name.startsWith(family)) return false;
  const suffix = name.slice(family.length);
  return SUFFIXES[type]?.includes(suffix) ?? false;
}

/**
 * Parses a whole exposition into metric families, in exposition order. A family starts at
 * its first HELP, TYPE or UNIT line and takes the samples that follow and belong to it by
 * name (`x`, `x_total`, `x_bucket`, `x_sum`, `x_count`, `x_created`, … by type); a sample
 * outside any announced family makes its own family of type `untyped` (text) or `unknown`
 * (OpenMetrics). Labels exclude `__name__`. `format` is a format or a `Content-Type`
 * (unknown types read as the text format). Throws {@link ExpositionParseError}.
 */
export function parseFamilies(
  input: Uint8Array | string,
  format: ExpositionFormat | string | undefined,
  options?: ExpositionParserOptions,
): MetricFamily[] {
  const fmt: ExpositionFormat = format === 'text' || format === 'openmetrics' ? format : detectFormat(format);
  const buf = typeof input === 'string' ? Buffer.from(input, 'utf8') : input;
  const parser = new ExpositionParser(buf, fmt, options);
  const untyped: MetricType = fmt === 'openmetrics' ? 'unknown' : 'untyped';
  const families: MutableFamily[] = [];
  const typed = new Set<MutableFamily>();
  let current: MutableFamily | undefined;

  // A metadata line joins the family announced just before it, unless that family already
  // has samples or this kind of metadata (two families sharing a name stay apart).
  const metadataFamily = (name: string, field: 'help' | 'type' | 'unit'): MutableFamily => {
    const taken =
      field === 'type' ? current !== undefined && typed.has(current) : current?.[field] !== undefined;
    if (current !== undefined && current.name === name && current.samples.length === 0 && !taken)
      return current;
    current = { name, type: untyped, samples: [] };
    families.push(current);
    return current;
  };

  while (true) {
    const entry = parser.next();
    if (entry === Entry.EOF) break;
    switch (entry) {
      case Entry.Series: {
        const name = parser.metricName();
        if (current === undefined || !isSampleOfFamily(name, current.name, current.type)) {
          current = { name, type: untyped, samples: [] };
          families.push(current);
        }
        const sample: { -readonly [K in keyof ExposedSample]: ExposedSample[K] } = {
          name,
          labels: parser.labels(false),
          value: parser.value,
        };
        if (parser.hasTimestamp) sample.timestampMs = parser.timestampMs;
        if (parser.hasExemplar) {
          sample.exemplar = parser.exemplarHasTimestamp
            ? {
                labels: parser.exemplarLabels(),
                value: parser.exemplarValue,
                timestampMs: parser.exemplarTimestampMs,
              }
            : { labels: parser.exemplarLabels(), value: parser.exemplarValue };
        }
        current.samples.push(sample);
        break;
      }
      case Entry.Help:
        metadataFamily(parser.metadataName(), 'help').help = parser.help();
        break;
      case Entry.Type:
        {
          const family = metadataFamily(parser.metadataName(), 'type');
          family.type = parser.metricType();
          typed.add(family);
        }
        break;
      case Entry.Unit:
        metadataFamily(parser.metadataName(), 'unit').unit = parser.unit();
        break;
      default:
        break;
    }
  }
  return families;
}
