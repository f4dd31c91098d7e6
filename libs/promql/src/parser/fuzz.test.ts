import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ALL_PARSER_FEATURES, ParseError, exprToString, parseExpr, prettify } from '../index.ts';
import type { Expr } from '../index.ts';
import { shape } from './test-support.ts';

/** Parses, and insists that failure is always a ParseError (never a crash). */
function tryParse(query: string): Expr | undefined {
  try {
    return parseExpr(query, ALL_PARSER_FEATURES);
  } catch (err) {
    if (err instanceof ParseError) {
      expect(err.message).toMatch(/^(\d+:\d+|unknown position|invalid position): parse error: ./);
      return undefined;
    }
    throw err;
  }
}

/** PromQL words and symbols, so random sequences often get deep into the grammar. */
const TOKENS = [
  'foo',
  'bar',
  'sum',
  'rate',
  'histogram_quantile',
  'topk',
  'count_values',
  'by',
  'without',
  'on',
  'ignoring',
  'group_left',
  'group_right',
  'bool',
  'offset',
  '@',
  'start()',
  'end()',
  'step()',
  'range()',
  'min_of',
  'max_of',
  'anchored',
  'smoothed',
  'fill',
  'fill_left',
  'fill_right',
  'and',
  'or',
  'unless',
  'atan2',
  'time()',
  'vector',
  'scalar',
  'label_replace',
  'info',
  'limitk',
  'Inf',
  'NaN',
  '1',
  '0.5',
  '0x1f',
  '1e3',
  '5m',
  '1h30m',
  '-',
  '+',
  '*',
  '/',
  '%',
  '^',
  '==',
  '!=',
  '<',
  '>',
  '<=',
  '>=',
  '</',
  '>/',
  '(',
  ')',
  '[',
  ']',
  '{',
  '}',
  ',',
  ':',
  '=',
  '=~',
  '!~',
  '"job"',
  "'a\\nb'",
  '`x`',
  '"a.b"',
  '#c\n',
];

describe('parser fuzzing', () => {
  it('never crashes or hangs on arbitrary text', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 60, unit: 'binary' }), (s) => {
        tryParse(s);
      }),
      { numRuns: 2000, seed: 4242 },
    );
  });

  it('never crashes on token soup, and whatever parses prints back to an equal tree', () => {
    let parsed = 0;
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...TOKENS), { maxLength: 14 }), fc.boolean(), (tokens, spaced) => {
        const e = tryParse(tokens.join(spaced ? ' ' : ''));
        if (!e) return;
        parsed++;
        const text = exprToString(e);
        const again = parseExpr(text, ALL_PARSER_FEATURES);
        expect(shape(again)).toEqual(shape(e));
        expect(exprToString(again)).toBe(text);
        expect(shape(parseExpr(prettify(e, 12), ALL_PARSER_FEATURES))).toEqual(shape(e));
      }),
      { numRuns: 3000, seed: 777 },
    );
    // The property is only meaningful if a fair share of the soup is valid PromQL.
    expect(parsed).toBeGreaterThan(150);
  });

  it('round-trips generated well-formed expressions', () => {
    const name = fc.constantFrom('up', 'http_requests_total', 'node_cpu_seconds_total', 'a:b:c');
    const label = fc.constantFrom('job', 'instance', 'le', 'a.b', 'ü');
    const value = fc.string({ maxLength: 6 });
    const matcher = fc
      .tuple(label, fc.constantFrom('=', '!=', '=~', '!~'), value)
      .map(
        ([l, op, v]) =>
          `${/^[a-z_]+$/.test(l) ? l : JSON.stringify(l)}${op}${JSON.stringify(op.includes('~') ? v.replace(/[\\^$.|?*+()[\]{}]/g, '') : v)}`,
      );
    const selector = fc
      .tuple(name, fc.array(matcher, { maxLength: 3 }))
      .map(([n, ms]) => (ms.length > 0 ? `${n}{${ms.join(', ')}}` : n));
    const duration = fc.constantFrom('5m', '1h', '30s', '90', '1h30m', '250ms');
    const { expr } = fc.letrec<{ expr: string }>((tie) => ({
      expr: fc.oneof(
        { depthSize: 'small', withCrossShrink: true },
        selector,
        fc
          .double({ noNaN: false })
          .map((d) => (Number.isFinite(d) ? String(d) : Number.isNaN(d) ? 'NaN' : d > 0 ? 'Inf' : '-Inf')),
        fc.tuple(selector, duration).map(([s, d]) => `rate(${s}[${d}])`),
        fc
          .tuple(
            tie('expr'),
            fc.constantFrom('+', '-', '*', '/', '%', '^', 'atan2', '> bool', '== bool'),
            tie('expr'),
          )
          .map(([a, op, b]) => `${a} ${op} ${b}`),
        fc
          .tuple(
            selector,
            fc.constantFrom('and', 'or', 'unless', '+ on(job) group_left(le)', '/ ignoring(instance)'),
            selector,
          )
          .map(([a, op, b]) => `${a} ${op} ${b}`),
        fc
          .tuple(
            fc.constantFrom('sum', 'avg', 'max', 'stddev'),
            fc.constantFrom('', ' by (job)', ' without (le, "a.b")'),
            selector,
          )
          .map(([op, g, s]) => `${op}${g}(${s})`),
        fc.tuple(tie('expr')).map(([e]) => `(${e})`),
        fc.tuple(tie('expr')).map(([e]) => `-${e}`),
        fc
          .tuple(selector, duration, fc.constantFrom('', ' offset 1m', ' offset -30s', ' @ 1000', ' @ end()'))
          .map(([s, d, m]) => `max_over_time(${s}[${d}:]${m})`),
      ),
    }));
    let parsed = 0;
    fc.assert(
      fc.property(expr, (q) => {
        const e = tryParse(q);
        if (!e) return;
        parsed++;
        const text = exprToString(e);
        expect(shape(parseExpr(text, ALL_PARSER_FEATURES))).toEqual(shape(e));
      }),
      { numRuns: 800, seed: 99 },
    );
    expect(parsed).toBeGreaterThan(640);
  });
});
