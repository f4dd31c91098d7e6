import { describe, expect, it } from 'vitest';
import {
  ALL_PARSER_FEATURES,
  DurationExprError,
  FUNCTIONS,
  ParseError,
  exprType,
  goQuote,
  hasDurationExpressions,
  inspect,
  parseExpr,
  parseMetricSelector,
  parserOptionsFromFeatures,
  positionOf,
  resolveDurations,
} from '../index.ts';
import type {
  BinaryExpr,
  Expr,
  MatrixSelector,
  NumberLiteral,
  SubqueryExpr,
  VectorSelector,
} from '../index.ts';

const parse = (q: string) => parseExpr(q, ALL_PARSER_FEATURES);

describe('number literals', () => {
  it.each([
    ['1', 1],
    ['+Inf', Infinity],
    ['-inf', -Infinity],
    ['.5', 0.5],
    ['5.', 5],
    ['123.4567', 123.4567],
    ['5e-3', 0.005],
    ['0xc', 12],
    ['0X_1F', 31],
    ['0755', 493],
    ['08', 8],
    ['-0755', -493],
    ['+5.5e-3', 0.0055],
    ['1_000_000', 1_000_000],
    ['1_0.5e1_0', 10.5e10],
    ['9223372036854775808', 9223372036854775808],
    ['1m30s', 90],
    ['250ms', 0.25],
  ])('%s is %d', (input, want) => {
    const e = parse(input) as NumberLiteral;
    expect(e.kind).toBe('NumberLiteral');
    expect(e.value).toBe(want);
    expect(e.pos).toEqual({ start: 0, end: input.length });
  });

  it('marks duration literals, so they print back as durations', () => {
    expect((parse('5m') as NumberLiteral).duration).toBe(true);
    expect((parse('300') as NumberLiteral).duration).toBe(false);
  });

  it('folds NaN and signs like upstream', () => {
    expect(Number.isNaN((parse('NaN') as NumberLiteral).value)).toBe(true);
    expect((parse('- -1') as NumberLiteral).value).toBe(1);
    expect(parse('-(1)').kind).toBe('UnaryExpr');
  });
});

describe('strings', () => {
  it.each([
    ['"double-quoted string \\" with escaped quote"', 'double-quoted string " with escaped quote'],
    ["'single-quoted string \\' with escaped quote'", "single-quoted string ' with escaped quote"],
    ['`backtick \\n raw`', 'backtick \\n raw'],
    ['"\\a\\b\\f\\n\\r\\t\\v\\\\ \\u1234 \\U00010111 \\101 ☺"', '\x07\b\f\n\r\t\v\\ \u1234 \u{10111} A ☺'],
  ])('%s', (input, want) => {
    expect(parse(input)).toMatchObject({ kind: 'StringLiteral', value: want });
  });

  it('keeps invalid UTF-8 escapes as lone surrogates that print back as \\x bytes', () => {
    const s = parse('"a\\xc5z"');
    expect(s.kind).toBe('StringLiteral');
    const value = (s as { value: string }).value;
    expect(value.isWellFormed()).toBe(false);
    expect(goQuote(value)).toBe('"a\\xc5z"');
    expect((parse('"\\xc3\\xa9"') as { value: string }).value).toBe('é');
  });
});

describe('selectors', () => {
  it('adds the metric-name matcher last and records positions', () => {
    const vs = parse('foo{a="b", c=~"d.*"}') as VectorSelector;
    expect(vs.name).toBe('foo');
    expect(vs.matchers.map((m) => m.toString())).toEqual(['a="b"', 'c=~"d.*"', '__name__="foo"']);
    expect(vs.pos).toEqual({ start: 0, end: 20 });
  });

  it('reads UTF-8 names in braces without setting name', () => {
    const vs = parse('{"my.metric", "a.b"="c"}') as VectorSelector;
    expect(vs.name).toBeUndefined();
    expect(vs.matchers.map((m) => [m.name, m.type, m.value])).toEqual([
      ['__name__', '=', 'my.metric'],
      ['a.b', '=', 'c'],
    ]);
  });

  it('lets keywords name metrics where upstream does', () => {
    for (const word of ['sum', 'by', 'offset', 'start', 'step', 'anchored', 'and', 'min']) {
      expect(parse(`${word}{x="1"}`)).toMatchObject({ kind: 'VectorSelector', name: word });
    }
    expect(parse('sum(sum)')).toMatchObject({
      kind: 'AggregateExpr',
      expr: { kind: 'VectorSelector', name: 'sum' },
    });
    expect(parse('fill + fill_left')).toMatchObject({
      kind: 'BinaryExpr',
      lhs: { name: 'fill' },
      rhs: { name: 'fill_left' },
    });
  });

  it('applies offset, @ and ranges to the nearest selector, in milliseconds', () => {
    const m = parse('foo[5m] offset -1h30m @ 100.5') as MatrixSelector;
    expect(m.rangeMs).toBe(300_000);
    expect(m.vectorSelector.offsetMs).toBe(-5_400_000);
    expect(m.vectorSelector.at).toBe(100_500);
    expect(m.pos).toEqual({ start: 0, end: 29 });
    expect(parse('foo @ 3.3335')).toMatchObject({ at: 3334 });
    expect(parse('foo @ start()')).toMatchObject({ at: 'start' });
    expect(parse('foo[1m] anchored')).toMatchObject({ vectorSelector: { anchored: true } });
    const bin = parse('a + b offset 5m') as BinaryExpr;
    expect(bin.rhs).toMatchObject({ kind: 'VectorSelector', offsetMs: 300_000 });
  });

  it('parses subqueries with default and explicit steps', () => {
    const sq = parse('rate(foo[1m])[30m:] offset 1m @ end()') as SubqueryExpr;
    expect(sq).toMatchObject({
      kind: 'SubqueryExpr',
      rangeMs: 1_800_000,
      stepMs: 0,
      offsetMs: 60_000,
      at: 'end',
    });
    expect(parse('foo[1h:5s]')).toMatchObject({ rangeMs: 3_600_000, stepMs: 5000 });
  });
});

describe('operators', () => {
  it('follows upstream precedence and associativity', () => {
    expect(parse('1 + 2 * 3')).toMatchObject({ op: '+', rhs: { op: '*' } });
    expect(parse('1 - 2 + 3')).toMatchObject({ op: '+', lhs: { op: '-' } });
    const pow = parse('2 ^ 3 ^ 2') as BinaryExpr;
    expect(pow.rhs.kind).toBe('BinaryExpr');
    expect(parse('-1 ^ 2')).toMatchObject({ kind: 'UnaryExpr', expr: { kind: 'BinaryExpr', op: '^' } });
    expect(parse('-1 * 2')).toMatchObject({ kind: 'BinaryExpr', op: '*', lhs: { value: -1 } });
    const mixed = parse('a or b and c unless d == bool e + f * g ^ h') as BinaryExpr;
    expect(mixed.op).toBe('or');
    expect(mixed.rhs).toMatchObject({
      op: 'unless',
      lhs: { op: 'and' },
      rhs: { op: '==', rhs: { op: '+', rhs: { op: '*', rhs: { op: '^' } } } },
    });
    expect(parse('a - b - c')).toMatchObject({ op: '-', lhs: { op: '-' }, rhs: { name: 'c' } });
    expect(parse('h </ 0.5')).toMatchObject({ op: '</' });
  });

  it('describes vector matching only between instant vectors', () => {
    expect((parse('a * on(x) group_left(y) b') as BinaryExpr).matching).toEqual({
      card: 'many-to-one',
      on: true,
      labels: ['x'],
      include: ['y'],
      fill: { lhs: undefined, rhs: undefined },
    });
    expect((parse('a and b') as BinaryExpr).matching?.card).toBe('many-to-many');
    expect((parse('a + 1') as BinaryExpr).matching).toBeUndefined();
    expect((parse('a + fill_left(1) fill_right(2) b') as BinaryExpr).matching?.fill).toEqual({
      lhs: 1,
      rhs: 2,
    });
    expect((parse('a + fill(-Inf) b') as BinaryExpr).matching?.fill).toEqual({
      lhs: -Infinity,
      rhs: -Infinity,
    });
  });

  it('computes result types', () => {
    expect(exprType(parse('1 + 2'))).toBe('scalar');
    expect(exprType(parse('1 + foo'))).toBe('vector');
    expect(exprType(parse('foo[5m]'))).toBe('matrix');
    expect(exprType(parse('"x"'))).toBe('string');
    expect(exprType(parse('scalar(foo) * 2'))).toBe('scalar');
  });
});

describe('aggregations and calls', () => {
  it('accepts the grouping before or after the arguments', () => {
    const want = { kind: 'AggregateExpr', op: 'sum', grouping: ['a', 'b.c'], without: true };
    expect(parse('sum without (a, "b.c") (x)')).toMatchObject(want);
    expect(parse('sum(x) without (a, "b.c",)')).toMatchObject(want);
    expect(parse('SUM(x) BY (job)')).toMatchObject({ op: 'sum', grouping: ['job'] });
  });

  it('keeps parameters of topk, quantile, count_values, limitk, limit_ratio', () => {
    for (const [q, kind] of [
      ['topk(3, x)', 'NumberLiteral'],
      ['quantile(0.9, x)', 'NumberLiteral'],
      ['count_values("v", x)', 'StringLiteral'],
      ['limitk(2, x)', 'NumberLiteral'],
      ['limit_ratio(-0.5, x)', 'NumberLiteral'],
    ] as const) {
      expect(parse(q)).toMatchObject({ param: { kind }, expr: { kind: 'VectorSelector' } });
    }
  });

  it('checks functions against their signatures, including variadic ones', () => {
    expect(parse('round(x)')).toMatchObject({ func: { name: 'round' } });
    expect(parse('label_join(x, "d", ",", "a", "b", "c")')).toMatchObject({ args: { length: 6 } });
    expect(parse('histogram_quantiles(x, "q", 0.1, 0.5, 0.9)')).toMatchObject({ args: { length: 5 } });
    expect(parse('info(x)')).toMatchObject({ func: { name: 'info' } });
    const info = parse('info(x, {k=~".*"})') as { args: Expr[] };
    expect(info.args[1]).toMatchObject({ kind: 'VectorSelector', bypassEmptyMatcherCheck: true });
    expect(FUNCTIONS.get('rate')).toMatchObject({
      argTypes: ['matrix'],
      returnType: 'vector',
      experimental: false,
    });
  });

  it('gates experimental functions and features behind their options', () => {
    for (const q of [
      'sort_by_label(x, "a")',
      'limitk(1, x)',
      'x[5m+1m]',
      'x[1m] smoothed',
      'a + fill(0) b',
    ]) {
      expect(() => parseExpr(q)).toThrow(ParseError);
      expect(() => parse(q)).not.toThrow();
    }
    expect(
      parserOptionsFromFeatures([
        'promql-experimental-functions',
        'promql-duration-expr',
        'promql-extended-range-selectors',
        'promql-binop-fill-modifiers',
        'other',
      ]),
    ).toEqual(ALL_PARSER_FEATURES);
  });
});

describe('duration expressions', () => {
  it('evaluates static expressions at parse time', () => {
    expect(parse('x[2m*(10+5)]')).toMatchObject({ rangeMs: 1_800_000, rangeExpr: { op: '*' } });
    expect(parse('x[29s+1s:((((8 - 2) / 3) * 7s) % 4) + 8000ms]')).toMatchObject({
      rangeMs: 30_000,
      stepMs: 10_000,
    });
    expect(parse('x offset -(2 * 3s)')).toMatchObject({ offsetMs: -6000 });
    expect(parse('x offset 100 + 2')).toMatchObject({ kind: 'BinaryExpr', lhs: { offsetMs: 100_000 } });
    expect(parse('x offset -2 ^ 2')).toMatchObject({ kind: 'BinaryExpr', op: '^', lhs: { offsetMs: -2000 } });
  });

  it('resolves step() and range() per query', () => {
    const e = parse('count_over_time(x[max_of(step() * 2, 1s)] offset -range())');
    expect(hasDurationExpressions(e)).toBe(true);
    expect(hasDurationExpressions(parse('rate(x[5m])'))).toBe(false);
    resolveDurations(e, { stepMs: 15_000, rangeMs: 3_600_000 });
    const m = (e as { args: MatrixSelector[] }).args[0]!;
    expect(m.rangeMs).toBe(30_000);
    expect(m.vectorSelector.offsetMs).toBe(-3_600_000);
    expect(() => resolveDurations(parse('x[step()]'), { stepMs: 0, rangeMs: 0 })).toThrow(DurationExprError);
    expect(() => resolveDurations(parse('x[1m - step()]'), { stepMs: 120_000, rangeMs: 0 })).toThrow(
      /duration must be greater than 0/,
    );
  });
});

describe('positions', () => {
  it('gives upstream line:column (byte columns) for string offsets', () => {
    expect(positionOf('a\nbé c', 5)).toEqual({ line: 2, column: 5 });
    expect(positionOf('abc', 0)).toEqual({ line: 1, column: 1 });
  });

  it('covers every node with its source text', () => {
    const query = 'sum by (job) (rate(foo{a="b"}[5m] offset 1m)) / on() group_left -bar @ 5';
    const seen: string[] = [];
    inspect(parse(query), (node) => {
      seen.push(query.slice(node.pos.start, node.pos.end));
    });
    expect(seen).toEqual([
      query,
      'sum by (job) (rate(foo{a="b"}[5m] offset 1m))',
      'rate(foo{a="b"}[5m] offset 1m)',
      'foo{a="b"}[5m] offset 1m',
      'foo{a="b"}',
      '-bar @ 5',
      'bar @ 5',
    ]);
  });
});

describe('robustness', () => {
  it('handles long operator chains and sign runs without deep recursion', () => {
    const chain = 'a' + ' or a'.repeat(20_000);
    expect(parse(chain).kind).toBe('BinaryExpr');
    expect(parse('-'.repeat(20_000) + '1')).toMatchObject({ value: 1 });
  });

  it('refuses absurd nesting with a parse error instead of crashing', () => {
    expect(() => parse('('.repeat(20_000) + '1' + ')'.repeat(20_000))).toThrow(
      /expression nesting is too deep/,
    );
  });
});

describe('parseMetricSelector', () => {
  it('returns the matchers of a series selector', () => {
    expect(parseMetricSelector('up{job="a", i=~"x.*"}').map(String)).toEqual([
      'job="a"',
      'i=~"x.*"',
      '__name__="up"',
    ]);
    expect(parseMetricSelector('{"my.metric"}').map(String)).toEqual(['__name__="my.metric"']);
    expect(parseMetricSelector('{a=~".*"}').map(String)).toEqual(['a=~".*"']);
  });

  it.each([
    ['', 'unknown position: parse error: unexpected end of input'],
    ['up + 1', '1:4: parse error: unexpected <op:+>'],
    ['rate(up[5m])', '1:5: parse error: unexpected "("'],
    ['up{', '1:4: parse error: unexpected end of input inside braces'],
    ['up[5m]', '1:3: parse error: unexpected "["'],
  ])('refuses %j', (input, want) => {
    expect(() => parseMetricSelector(input)).toThrow(want);
  });
});
