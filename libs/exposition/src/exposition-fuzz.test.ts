import { Buffer } from 'node:buffer';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Entry } from './entry.ts';
import type { ExpositionFormat } from './exposition-format.ts';
import { ExpositionParser } from './exposition-parser.ts';
import { formatText } from './format-text.ts';
import { ExpositionParseError } from './parse-error.ts';
import { parseFamilies } from './parse-families.ts';
import { arbitraryFamily } from '../test/arbitrary-families.ts';
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
      { seed: SEED, numRuns: 300 },
    );
  });

  it.each(formats)('on random exposition-like tokens (%s)', (format) => {
    const token = fc.constantFrom(...alphabet);
    fc.assert(
      fc.property(fc.array(token, { maxLength: 120 }), (tokens) => {
        drain(Buffer.from(tokens.join(''), 'utf8'), format);
      }),
      { seed: SEED, numRuns: 300 },
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
      { seed: SEED, numRuns: 100 },
    );
  });
});

describe('round trip: parseFamilies(formatText(families)) = families', () => {
  it.each(formats)('%s', (format) => {
    fc.assert(
      fc.property(fc.array(arbitraryFamily(format), { maxLength: 6 }), (families) => {
        const text = formatText(families, format);
        expect(plain(parseFamilies(text, format))).toEqual(plain(families));
      }),
      { seed: SEED, numRuns: 100 },
    );
  });
});
