import { describe, expect, it } from 'vitest';
import { ALL_PARSER_FEATURES, ParseError, parseExpr } from '../index.ts';
import type { ParserOptions } from '../index.ts';

/** Invalid queries and the error upstream prints for them (first error, with position). */
const cases: ReadonlyArray<{ input: string; want: string; options?: ParserOptions }> = [
  // Empty input and lexical errors.
  { input: '', want: 'unknown position: parse error: no expression found in input' },
  { input: '# just a comment\n\n', want: '1:1: parse error: no expression found in input' },
  { input: '1+', want: '1:3: parse error: unexpected end of input' },
  { input: '.', want: "1:1: parse error: unexpected character: '.'" },
  { input: '2.5.', want: '1:1: parse error: bad number or duration syntax: "2.5."' },
  { input: '100..4', want: '1:1: parse error: bad number or duration syntax: "100.."' },
  { input: '0deadbeef', want: '1:1: parse error: bad number or duration syntax: "0de"' },
  { input: '1 /', want: '1:4: parse error: unexpected end of input' },
  { input: '*1', want: '1:1: parse error: unexpected <op:*>' },
  { input: '(1))', want: "1:5: parse error: unexpected right parenthesis ')'" },
  { input: '((1)', want: '1:5: parse error: unclosed left parenthesis' },
  { input: '(', want: '1:2: parse error: unclosed left parenthesis' },
  {
    input: '9'.repeat(309),
    want: `1:1: parse error: error parsing number: strconv.ParseFloat: parsing "${'9'.repeat(309)}": value out of range`,
  },
  { input: '1 !~ 1', want: "1:3: parse error: unexpected character after '!': '~'" },
  { input: '1 =~ 1', want: "1:3: parse error: unexpected character after '=': '~'" },
  { input: '@@', want: '1:1: parse error: unexpected <op:@>' },
  { input: '-=', want: '1:2: parse error: unexpected "="' },
  { input: '++-++-+-+-<', want: '1:11: parse error: unexpected <op:<>' },
  { input: 'e-+=/(0)', want: '1:4: parse error: unexpected "="' },
  { input: '}', want: "1:1: parse error: unexpected character: '}'" },
  { input: 'some}', want: "1:5: parse error: unexpected character: '}'" },
  { input: '`\\``', want: '1:4: parse error: unterminated raw string' },
  { input: '"\\', want: '1:1: parse error: escape sequence not terminated' },
  { input: '"\\c"', want: "1:1: parse error: unknown escape sequence U+0063 'c'" },
  { input: '"\\x."', want: "1:1: parse error: illegal character U+002E '.' in escape sequence" },
  { input: '"\\ud800"', want: '1:1: parse error: escape sequence is an invalid Unicode code point' },
  { input: '"abc', want: '1:1: parse error: unterminated quoted string' },
  { input: 'foo\n  + $', want: "2:5: parse error: unexpected character: '$'" },
  { input: 'é + 1', want: "1:1: parse error: unexpected character: 'é'" },
  { input: '"é" + $', want: "1:8: parse error: unexpected character: '$'" },
  // Scalars and operators.
  { input: '1 and 1', want: '1:1: parse error: set operator "and" not allowed in binary scalar expression' },
  { input: '1 == 1', want: '1:3: parse error: comparisons between scalars must use BOOL modifier' },
  { input: '1 or 1', want: '1:1: parse error: set operator "or" not allowed in binary scalar expression' },
  {
    input: '1 unless 1',
    want: '1:1: parse error: set operator "unless" not allowed in binary scalar expression',
  },
  {
    input: '-"string"',
    want: '1:1: parse error: unary expression only allowed on expressions of type scalar or instant vector, got "string"',
  },
  {
    input: '-test[5m]',
    want: '1:1: parse error: unary expression only allowed on expressions of type scalar or instant vector, got "range vector"',
  },
  { input: '*test', want: '1:1: parse error: unexpected <op:*>' },
  {
    input: '1 offset 1d',
    want: '1:1: parse error: offset modifier must be preceded by an instant vector selector or range vector selector or a subquery',
  },
  { input: 'foo offset 1s offset 2s', want: '1:1: parse error: offset may not be set multiple times' },
  { input: 'a - on(b) ignoring(c) d', want: '1:11: parse error: unexpected <ignoring>' },
  {
    input: 'foo and 1',
    want: '1:1: parse error: set operator "and" not allowed in binary scalar expression',
  },
  {
    input: '1 or on(bar) foo',
    want: '1:1: parse error: vector matching only allowed between instant vectors',
  },
  {
    input: 'foo == on(bar) 10',
    want: '1:1: parse error: vector matching only allowed between instant vectors',
  },
  { input: 'foo + group_left(baz) bar', want: '1:7: parse error: unexpected <group_left>' },
  {
    input: 'foo and on(bar) group_left(baz) bar',
    want: '1:1: parse error: no grouping allowed for "and" operation',
  },
  {
    input: 'foo or on(bar) group_right(baz) bar',
    want: '1:1: parse error: no grouping allowed for "or" operation',
  },
  {
    input: 'http_requests{group="production"} + on(instance) group_left(job,instance) cpu_count{type="smp"}',
    want: '1:35: parse error: label "instance" must not occur in ON and GROUP clause at once',
  },
  {
    input: 'foo + bool bar',
    want: '1:5: parse error: bool modifier can only be used on comparison operators',
  },
  {
    input: 'foo and bool 10',
    want: '1:5: parse error: bool modifier can only be used on comparison operators',
  },
  { input: 'foo + on(a)', want: '1:12: parse error: unexpected end of input' },
  {
    input: 'foo + on a bar',
    want: '1:10: parse error: unexpected identifier "a" in grouping opts, expected "("',
  },
  // Selectors.
  { input: '{', want: '1:2: parse error: unexpected end of input inside braces' },
  { input: 'some{', want: '1:6: parse error: unexpected end of input inside braces' },
  {
    input: 'some_metric{a=b}',
    want: '1:15: parse error: unexpected identifier "b" in label matching, expected string',
  },
  { input: 'some_metric{a:b="b"}', want: "1:14: parse error: unexpected character inside braces: ':'" },
  { input: 'foo{a*"b"}', want: "1:6: parse error: unexpected character inside braces: '*'" },
  { input: 'foo{a>="b"}', want: "1:6: parse error: unexpected character inside braces: '>'" },
  {
    input: 'foo{gibberish}',
    want: '1:14: parse error: unexpected "}" in label matching, expected label matching operator',
  },
  { input: 'foo{1}', want: "1:5: parse error: unexpected character inside braces: '1'" },
  { input: '{}', want: '1:1: parse error: vector selector must contain at least one non-empty matcher' },
  { input: '{x=""}', want: '1:1: parse error: vector selector must contain at least one non-empty matcher' },
  {
    input: '{x=~".*"}',
    want: '1:1: parse error: vector selector must contain at least one non-empty matcher',
  },
  {
    input: '{x!~".+"}',
    want: '1:1: parse error: vector selector must contain at least one non-empty matcher',
  },
  {
    input: '{x!="a"}',
    want: '1:1: parse error: vector selector must contain at least one non-empty matcher',
  },
  {
    input: 'foo{__name__="bar"}',
    want: '1:1: parse error: metric name must not be set twice: "foo" or "bar"',
  },
  { input: 'foo{"bar"}', want: '1:1: parse error: metric name must not be set twice: "foo" or "bar"' },
  { input: 'foo{__name__= =}', want: '1:15: parse error: unexpected "=" in label matching, expected string' },
  { input: 'foo{,}', want: '1:5: parse error: unexpected "," in label matching, expected identifier or "}"' },
  {
    input: 'foo{__name__ == "bar"}',
    want: '1:15: parse error: unexpected "=" in label matching, expected string',
  },
  {
    input: 'foo{__name__="bar" lol}',
    want: '1:20: parse error: unexpected identifier "lol" in label matching, expected "," or "}"',
  },
  { input: 'foo{"a"=}', want: '1:9: parse error: unexpected "}" in label matching, expected string' },
  { input: 'foo{a=~"("}', want: '1:5: parse error: error parsing regexp: missing closing ): `^(?s:()$`' },
  {
    input: 'foo{a=~"a**"}',
    want: '1:5: parse error: error parsing regexp: invalid nested repetition operator: `**`',
  },
  // Ranges, subqueries, offset and @.
  { input: 'foo[5mm]', want: '1:5: parse error: bad number or duration syntax: "5mm"' },
  { input: 'foo[5m1]', want: '1:5: parse error: bad number or duration syntax: "5m1"' },
  { input: 'foo[5m:1m1]', want: '1:8: parse error: bad number or duration syntax: "1m1"' },
  { input: 'foo[5y1hs]', want: '1:5: parse error: unknown unit "hs" in duration "5y1hs"' },
  { input: 'foo[5m1h]', want: '1:5: parse error: not a valid duration string: "5m1h"' },
  { input: 'foo[5m1m]', want: '1:5: parse error: not a valid duration string: "5m1m"' },
  { input: 'foo[0m]', want: '1:5: parse error: duration must be greater than 0' },
  { input: 'foo["5m"]', want: `1:5: parse error: unexpected character in duration expression: '"'` },
  {
    input: 'foo[]',
    want: '1:5: parse error: unexpected "]" in subquery or range selector, expected number, duration, step(), or range()',
  },
  { input: 'foo[-1]', want: '1:5: parse error: duration must be greater than 0' },
  { input: 'some_metric[5m] OFFSET 1mm', want: '1:24: parse error: bad number or duration syntax: "1mm"' },
  {
    input: 'some_metric[5m] OFFSET',
    want: '1:23: parse error: unexpected end of input in offset, expected number, duration, step(), or range()',
  },
  { input: 'some_metric OFFSET 1m[5m]', want: '1:22: parse error: no offset modifiers allowed before range' },
  { input: 'some_metric[5m] @', want: '1:18: parse error: unexpected end of input in @, expected timestamp' },
  { input: 'some_metric @ 1234 [5m]', want: '1:20: parse error: no @ modifiers allowed before range' },
  { input: 'some_metric @ start() [5m]', want: '1:23: parse error: no @ modifiers allowed before range' },
  { input: 'some_metric @ end()[5m]', want: '1:20: parse error: no @ modifiers allowed before range' },
  {
    input: 'some_metric offset step()[5m]',
    want: '1:26: parse error: no offset modifiers allowed before range',
  },
  { input: '(foo + bar)[5m]', want: '1:12: parse error: ranges only allowed for vector selectors' },
  { input: 'foo @ +Inf', want: '1:1: parse error: timestamp out of bounds for @ modifier: +Inf' },
  { input: 'foo @ -Inf', want: '1:1: parse error: timestamp out of bounds for @ modifier: -Inf' },
  { input: 'foo @ NaN', want: '1:1: parse error: timestamp out of bounds for @ modifier: NaN' },
  {
    input: 'foo @ 9223372036854775808.000000',
    want: '1:1: parse error: timestamp out of bounds for @ modifier: 9223372036854775808.000000',
  },
  {
    input: 'rate(some_metric[5m]) @ 1234',
    want: '1:1: parse error: @ modifier must be preceded by an instant vector selector or range vector selector or a subquery',
  },
  { input: 'foo @ 1 @ 2', want: '1:1: parse error: @ <timestamp> may not be set multiple times' },
  { input: 'foo{bar="baz"}[', want: '1:16: parse error: unexpected end of input in duration expression' },
  {
    input: 'test[5d] OFFSET 10s [10m:5s]',
    want: '1:1: parse error: subquery is only allowed on instant vector, got matrix instead',
  },
  {
    input: 'rate(food[1m])[1h] offset 1h',
    want: '1:15: parse error: ranges only allowed for vector selectors',
  },
  { input: 'foo[5s x 5s]', want: "1:8: parse error: unexpected character: 'x', expected ':'" },
  { input: 'foo[5s s 5s]', want: "1:8: parse error: unexpected character: 's', expected ':'" },
  { input: '1[5m] smoothed', want: '1:2: parse error: ranges only allowed for vector selectors' },
  { input: 'foo[5m:5m:5m]', want: "1:10: parse error: unexpected colon ':'" },
  {
    input: 'foo[5m 5m]',
    want: '1:8: parse error: unexpected duration "5m" in subquery or range, expected ":" or "]"',
  },
  {
    input: 'foo[5m:5m 5m]',
    want: '1:11: parse error: unexpected duration "5m" in subquery selector, expected "]"',
  },
  // Aggregations.
  {
    input: 'sum without(==)(some_metric)',
    want: '1:13: parse error: unexpected <op:==> in grouping opts, expected label',
  },
  {
    input: 'sum without(,)(some_metric)',
    want: '1:13: parse error: unexpected "," in grouping opts, expected label',
  },
  {
    input: 'sum without(foo,,)(some_metric)',
    want: '1:17: parse error: unexpected "," in grouping opts, expected label',
  },
  { input: 'sum some_metric by (test)', want: '1:5: parse error: unexpected identifier "some_metric"' },
  {
    input: 'sum (some_metric) by test',
    want: '1:22: parse error: unexpected identifier "test" in grouping opts, expected "("',
  },
  { input: 'sum () by (test)', want: '1:1: parse error: no arguments for aggregate expression provided' },
  { input: 'MIN keep_common (some_metric)', want: '1:5: parse error: unexpected identifier "keep_common"' },
  { input: 'MIN (some_metric) keep_common', want: '1:19: parse error: unexpected identifier "keep_common"' },
  { input: 'sum (some_metric) without (test) by (test)', want: '1:34: parse error: unexpected <by>' },
  { input: 'sum without (test) (some_metric) by (test)', want: '1:34: parse error: unexpected <by>' },
  {
    input: 'topk(some_metric)',
    want: '1:1: parse error: wrong number of arguments for aggregate expression provided, expected 2, got 1',
  },
  {
    input: 'topk(some_metric,)',
    want: '1:17: parse error: trailing commas not allowed in function call args',
  },
  {
    input: 'topk(some_metric, other_metric)',
    want: '1:6: parse error: expected type scalar in aggregation parameter, got instant vector',
  },
  {
    input: 'count_values(5, other_metric)',
    want: '1:14: parse error: expected type string in aggregation parameter, got scalar',
  },
  { input: 'sum(foo bar)', want: '1:9: parse error: unexpected identifier "bar" in aggregation' },
  { input: 'sum by (a) 5', want: '1:12: parse error: unexpected number "5" in aggregation' },
  { input: 'sum(', want: '1:5: parse error: unclosed left parenthesis' },
  { input: 'sum(rate(', want: '1:10: parse error: unclosed left parenthesis' },
  { input: 'sum by ("foo)(some_metric{})', want: '1:9: parse error: unterminated quoted string' },
  { input: 'sum by ("")(foo)', want: '1:9: parse error: invalid label name for grouping: ""' },
  {
    input: 'limitk(1, foo)',
    want: '1:1: parse error: limitk() is experimental and must be enabled with --enable-feature=promql-experimental-functions',
    options: {},
  },
  // Function calls.
  { input: 'floor()', want: '1:1: parse error: expected 1 argument(s) in call to "floor", got 0' },
  {
    input: 'floor(some_metric, other_metric)',
    want: '1:1: parse error: expected 1 argument(s) in call to "floor", got 2',
  },
  {
    input: 'floor(1)',
    want: '1:7: parse error: expected type instant vector in call to function "floor", got scalar',
  },
  {
    input: 'hour(some_metric, some_metric, some_metric)',
    want: '1:1: parse error: expected at most 1 argument(s) in call to "hour", got 3',
  },
  {
    input: 'label_join(a, "b")',
    want: '1:1: parse error: expected at least 3 argument(s) in call to "label_join", got 2',
  },
  { input: 'time(some_metric)', want: '1:1: parse error: expected 0 argument(s) in call to "time", got 1' },
  {
    input: 'non_existent_function_far_bar()',
    want: '1:1: parse error: unknown function with name "non_existent_function_far_bar"',
  },
  {
    input: 'rate(some_metric)',
    want: '1:6: parse error: expected type range vector in call to function "rate", got instant vector',
  },
  { input: 'a>b()', want: '1:3: parse error: unknown function with name "b"' },
  {
    input: 'rate(avg)',
    want: '1:6: parse error: expected type range vector in call to function "rate", got instant vector',
  },
  { input: 'rate(foo[5m],)', want: '1:13: parse error: trailing commas not allowed in function call args' },
  {
    input: 'sort_by_label(foo, "a")',
    want: '1:1: parse error: function "sort_by_label" is not enabled',
    options: {},
  },
  {
    input: 'info(rate(http_request_counter_total{}[5m]), target_info{foo="bar"})',
    want: '1:46: parse error: expected label selectors only, got vector selector instead',
  },
  {
    input: 'info(http_request_counter_total{namespace="zzz"}, {foo="bar"} == 1)',
    want: '1:51: parse error: expected label selectors only',
  },
  // Duration expressions and experimental modifiers.
  {
    input: 'foo[5m+1m]',
    want: '1:5: parse error: experimental duration expression is not enabled',
    options: {},
  },
  {
    input: 'foo offset step()',
    want: '1:12: parse error: experimental duration expression is not enabled',
    options: {},
  },
  {
    input: 'foo[step]',
    want: '1:9: parse error: unexpected "]" in subquery or range selector, expected number, duration, step(), or range()',
  },
  { input: 'foo[step()/0d]', want: '1:11: parse error: division by zero' },
  { input: 'foo[5s%0d]', want: '1:7: parse error: modulo by zero' },
  { input: 'foo offset (4d/0)', want: '1:15: parse error: division by zero' },
  { input: 'foo offset 9.5e10', want: '1:12: parse error: duration out of range' },
  { input: 'foo[9.5e10]', want: '1:5: parse error: duration out of range' },
  {
    input: 'foo[1m] anchored',
    want: '1:1: parse error: anchored modifier is experimental and not enabled',
    options: {},
  },
  {
    input: 'foo[1m] smoothed anchored',
    want: '1:1: parse error: anchored and smoothed modifiers cannot be used together',
  },
  { input: 'foo[1m:] anchored', want: '1:1: parse error: anchored modifier is not supported for subqueries' },
  {
    input: 'a + fill(0) b',
    want: '1:1: parse error: binop fill modifiers are experimental and not enabled',
    options: {},
  },
  {
    input: '1 + fill(0) b',
    want: '1:1: parse error: filling in missing series only allowed between instant vectors',
  },
  {
    input: 'a and fill(0) b',
    want: '1:1: parse error: filling in missing series not allowed for set operators',
  },
];

describe('parse errors', () => {
  it.each(cases)('$input', ({ input, want, options }) => {
    let caught: unknown;
    try {
      parseExpr(input, options ?? ALL_PARSER_FEATURES);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(ParseError);
    expect((caught as ParseError).message).toBe(want);
    expect((caught as ParseError).code).toBe('promql_parse_error');
  });

  it('reports every type error of a query, in upstream order (the innermost subquery is valid)', () => {
    const query = '(' + '-{}-1'.repeat(100) + ')' + '[1m:]'.repeat(10);
    const err = (() => {
      try {
        parseExpr(query);
      } catch (e) {
        return e as ParseError;
      }
      throw new Error('expected a parse error');
    })();
    expect(err.errors).toHaveLength(109);
    expect(err.errors[0]!.position).toBe('1:3');
    expect(err.errors[99]!.message).toBe('vector selector must contain at least one non-empty matcher');
    expect(err.errors[100]!.message).toBe('subquery is only allowed on instant vector, got matrix instead');
  });
});
