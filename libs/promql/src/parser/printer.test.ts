import { describe, expect, it } from 'vitest';
import { ALL_PARSER_FEATURES, exprToString, parseExpr, parseQueryJson, prettify } from '../index.ts';

const parse = (q: string) => parseExpr(q, ALL_PARSER_FEATURES);

/** `in` printed by `String()` upstream; `out` omitted means the input is already canonical. */
const printed: ReadonlyArray<{ in: string; out?: string }> = [
  { in: 'sum by() (task:errors:rate10s{job="s"})', out: 'sum(task:errors:rate10s{job="s"})' },
  { in: 'sum by(code) (task:errors:rate10s{job="s"})', out: 'sum by (code) (task:errors:rate10s{job="s"})' },
  {
    in: 'sum without() (task:errors:rate10s{job="s"})',
    out: 'sum without () (task:errors:rate10s{job="s"})',
  },
  { in: 'sum(x) without(instance)', out: 'sum without (instance) (x)' },
  { in: 'sum by("foo.bar") (x)', out: 'sum by ("foo.bar") (x)' },
  { in: 'topk(5, task:errors:rate10s{job="s"})' },
  { in: 'count_values("value", task:errors:rate10s{job="s"})' },
  { in: 'a - on() c', out: 'a - on () c' },
  { in: 'a - on(b) c', out: 'a - on (b) c' },
  { in: 'a - on(b) group_left(x, y) c', out: 'a - on (b) group_left (x, y) c' },
  { in: 'a - on(b) group_left c', out: 'a - on (b) group_left () c' },
  { in: 'a - on(b) group_left() (c)', out: 'a - on (b) group_left () (c)' },
  { in: 'a - ignoring(b) c', out: 'a - ignoring (b) c' },
  { in: 'a - ignoring() c', out: 'a - c' },
  { in: 'a - ignoring() group_left(__metric__) c', out: 'a - ignoring () group_left (__metric__) c' },
  { in: 'a + fill(-23) b', out: 'a + fill (-23) b' },
  { in: 'a + fill_left(-23) fill_right(42) b', out: 'a + fill_left (-23) fill_right (42) b' },
  { in: 'a + fill_right(1e6) fill_left(NaN) b', out: 'a + fill_left (NaN) fill_right (1e+06) b' },
  { in: 'a + fill_left(5) fill_right(5) b', out: 'a + fill (5) b' },
  { in: 'a + on(b) group_left fill(-23) c', out: 'a + on (b) group_left () fill (-23) c' },
  { in: 'up > bool 0' },
  { in: 'a offset 1m' },
  { in: 'a offset -7m' },
  { in: 'a offset 90', out: 'a offset 1m30s' },
  { in: 'a{c="d"}[5m] offset 1m' },
  { in: 'a[12m] offset -3m' },
  { in: 'a[1h:5m] offset 1m' },
  { in: 'a[100]', out: 'a[1m40s]' },
  { in: 'a[4.018] @ 2.345', out: 'a[4s18ms] @ 2.345' },
  { in: 'a anchored' },
  { in: 'a{b="c"}[5m] anchored @ start() offset 1m' },
  { in: 'a{b="c"}[5m] smoothed offset 1m' },
  { in: '{__name__="a"}' },
  { in: 'a{b!~"c"}[1m]' },
  { in: 'a @ 10', out: 'a @ 10.000' },
  { in: 'a @ -100.5', out: 'a @ -100.500' },
  { in: 'a[1m] @ end()' },
  { in: '{__name__="",a="x"}' },
  { in: '{"a.b"="c"}' },
  { in: '{"0"="1"}' },
  { in: '{"_0"="1"}', out: '{_0="1"}' },
  { in: '{``="0"}', out: '{""="0"}' },
  { in: '{"my.metric", "a.b"="c"}', out: '{"a.b"="c",__name__="my.metric"}' },
  { in: 'foo{z="1", a="2", b=~"x"}', out: 'foo{a="2",b=~"x",z="1"}' },
  { in: 'foo{a="\\u00e9\\t\\x01"}', out: 'foo{a="é\\t\\x01"}' },
  { in: "label_replace(x, 'a', \"b\", `c\\d`, '\\'')", out: 'label_replace(x, "a", "b", "c\\\\d", "\'")' },
  { in: '1048576' },
  { in: '1e21 + 1e-7 + 0x10 + 0755 + 1_000', out: '1000000000000000000000 + 0.0000001 + 16 + 493 + 1000' },
  { in: '+Inf - -Inf + nan', out: '+Inf - -Inf + NaN' },
  { in: '-1^2', out: '-1 ^ 2' },
  { in: '- -1', out: '1' },
  { in: '-(1)' },
  { in: '2 ^ 3 ^ 2' },
  { in: '(2 ^ 3) ^ 2' },
  { in: 'time() - 1h30m' },
  { in: 'foo[step()]' },
  { in: 'foo[-(step())]' },
  { in: 'foo offset +(5)', out: 'foo offset (5)' },
  { in: 'foo offset -(5)' },
  { in: 'foo offset (5m)' },
  { in: 'foo[(5m):(1m)]' },
  { in: 'foo offset +min_of(10s, 20s)', out: 'foo offset min_of(10s, 20s)' },
  {
    in: 'foo offset -min_of(10s, +max_of(step() ^ 2, 2))',
    out: 'foo offset -min_of(10s, max_of(step() ^ 2, 2))',
  },
  { in: 'foo[200-min_of(-step()^+step(),1)]', out: 'foo[200 - min_of(-step() ^ step(), 1)]' },
  { in: 'foo[max_of(range(), 5s)]' },
  { in: 'foo offset 5s-8', out: 'foo offset 5s - 8' },
  { in: 'foo offset -1^1', out: 'foo offset -1s ^ 1' },
  { in: 'predict_linear(foo[1h], 3000)' },
  { in: 'sum by("üüü") (foo)', out: 'sum by ("üüü") (foo)' },
  { in: 'foo / on(legacy, "üüü") bar', out: 'foo / on (legacy, "üüü") bar' },
  { in: 'h </ 0.5 or h >/ 1' },
  { in: 'start() + end() - step() * range()' },
  { in: 'info(foo, {k8s_cluster_name=~".+"})' },
  { in: 'limitk(2, foo) or limit_ratio(0.5, foo)' },
];

describe('exprToString', () => {
  it.each(printed)('$in', ({ in: input, out }) => {
    expect(exprToString(parse(input))).toBe(out ?? input);
  });
});

/** Golden `Pretty()` outputs at a 10-character line limit, as upstream's prettifier tests use. */
const pretty: ReadonlyArray<{ in: string; out: string }> = [
  { in: 'sum(foo)', out: 'sum(foo)' },
  { in: 'sum by() (task:errors:rate10s{job="s"})', out: 'sum(\n  task:errors:rate10s{job="s"}\n)' },
  {
    in: 'sum(task:errors:rate10s{job="s"}) without(job,foo)',
    out: 'sum without (job, foo) (\n  task:errors:rate10s{job="s"}\n)',
  },
  { in: 'topk(10, ask:errors:rate10s{job="s"})', out: 'topk(\n  10,\n  ask:errors:rate10s{job="s"}\n)' },
  {
    in: 'sum by(job,foo) (sum by(job,foo) (task:errors:rate10s{job="s"}))',
    out: 'sum by (job, foo) (\n  sum by (job, foo) (\n    task:errors:rate10s{job="s"}\n  )\n)',
  },
  { in: 'a+b', out: 'a + b' },
  { in: 'a == bool 1', out: '  a\n== bool\n  1' },
  { in: 'a + ignoring(job) b', out: '  a\n+ ignoring (job)\n  b' },
  { in: 'foo_1 + foo_2 + foo_3', out: '    foo_1\n  +\n    foo_2\n+\n  foo_3' },
  { in: 'foo + baar + foo_3', out: '  foo + baar\n+\n  foo_3' },
  {
    in: 'foo_1 + ignoring(foo) foo_2 + ignoring(job) group_left foo_3 + on(instance) group_right foo_4',
    out: '      foo_1\n    + ignoring (foo)\n      foo_2\n  + ignoring (job) group_left ()\n    foo_3\n+ on (instance) group_right ()\n  foo_4',
  },
  { in: 'rate(foo[1m])', out: 'rate(\n  foo[1m]\n)' },
  {
    in: 'max_over_time(rate(demo_api_request_duration_seconds_count[1m])[1m:] @ start() offset 1m)',
    out: 'max_over_time(\n  rate(\n    demo_api_request_duration_seconds_count[1m]\n  )[1m:] @ start() offset 1m\n)',
  },
  {
    in: 'label_replace(up{job="api-server",service="a:c"}, "foo", "$1", "service", "(.*):.*")',
    out: 'label_replace(\n  up{job="api-server",service="a:c"},\n  "foo",\n  "$1",\n  "service",\n  "(.*):.*"\n)',
  },
  { in: '((_foo_long_))', out: '(\n  (\n    _foo_long_\n  )\n)' },
  { in: '(((foo_long)))', out: '(\n  (\n    (foo_long)\n  )\n)' },
  { in: 'vector_selector @ start()', out: 'vector_selector @ start()' },
  {
    in: '(foo_long + bar_long + bar_2_long)',
    out: '(\n      foo_long\n    +\n      bar_long\n  +\n    bar_2_long\n)',
  },
  {
    in: '(node_timex_offset_seconds > 0.05 and deriv(node_timex_offset_seconds[5m]) >= 0) or (node_timex_offset_seconds < -0.05 and deriv(node_timex_offset_seconds[5m]) <= 0)',
    out: [
      '  (',
      '        node_timex_offset_seconds',
      '      >',
      '        0.05',
      '    and',
      '        deriv(',
      '          node_timex_offset_seconds[5m]',
      '        )',
      '      >=',
      '        0',
      '  )',
      'or',
      '  (',
      '        node_timex_offset_seconds',
      '      <',
      '        -0.05',
      '    and',
      '        deriv(',
      '          node_timex_offset_seconds[5m]',
      '        )',
      '      <=',
      '        0',
      '  )',
    ].join('\n'),
  },
  {
    in: 'min by (job, integration) (rate(alertmanager_notifications_failed_total{job="alertmanager", integration=~".*"}[5m]) / rate(alertmanager_notifications_total{job="alertmanager", integration="~.*"}[5m])) > 0.01',
    out: [
      '  min by (job, integration) (',
      '      rate(',
      '        alertmanager_notifications_failed_total{integration=~".*",job="alertmanager"}[5m]',
      '      )',
      '    /',
      '      rate(',
      '        alertmanager_notifications_total{integration="~.*",job="alertmanager"}[5m]',
      '      )',
      '  )',
      '>',
      '  0.01',
    ].join('\n'),
  },
  {
    in: '-histogram_quantile(0.9, -rate(foo[1m] @ start()))',
    out: '-histogram_quantile(\n  0.9,\n  -rate(\n    foo[1m] @ start()\n  )\n)',
  },
  { in: 'rate(foo[-5m+35m])', out: 'rate(\n  foo[-5m + 35m]\n)' },
];

describe('prettify', () => {
  it.each(pretty)('$in', ({ in: input, out }) => {
    expect(prettify(parse(input), 10)).toBe(out);
  });

  it('keeps expressions that fit in 100 characters on one line', () => {
    const q =
      'sum by (job) (rate(http_requests_total{code=~"5.."}[5m])) / sum by (job) (rate(http_requests_total[5m]))';
    expect(prettify(parse(q))).toBe(
      '  sum by (job) (rate(http_requests_total{code=~"5.."}[5m]))\n/\n  sum by (job) (rate(http_requests_total[5m]))',
    );
    expect(prettify(parse('rate(x[5m])'))).toBe('rate(x[5m])');
  });
});

describe('parseQueryJson', () => {
  it('encodes the tree as upstream parse_query does, keys in Go order', () => {
    const json = JSON.stringify(
      parseQueryJson(parse('sum by (job) (rate(foo{a="b"}[5m] offset 1m)) > bool 0.5')),
    );
    expect(json).toBe(
      '{"bool":true,"lhs":{"expr":{"args":[{"anchored":false,"matchers":[{"name":"a","type":"=","value":"b"},' +
        '{"name":"__name__","type":"=","value":"foo"}],"name":"foo","offset":60000,"range":300000,"smoothed":false,' +
        '"startOrEnd":null,"timestamp":null,"type":"matrixSelector"}],"func":{"argTypes":["matrix"],"name":"rate",' +
        '"returnType":"vector","variadic":0},"type":"call"},"grouping":["job"],"op":"sum","param":null,"type":"aggregation",' +
        '"without":false},"matching":null,"op":">","rhs":{"type":"numberLiteral","val":"0.5"},"type":"binaryExpr"}',
    );
    expect(parseQueryJson(parse('a and on() b @ end()'))).toMatchObject({
      matching: {
        card: 'many-to-many',
        on: true,
        labels: [],
        include: [],
        fillValues: { lhs: null, rhs: null },
      },
      rhs: { startOrEnd: 'end', timestamp: null },
    });
  });
});
