import { Buffer } from 'node:buffer';
import { describe, expect, it } from 'vitest';
import { Entry } from './entry.ts';
import type { ExpositionFormat } from './exposition-format.ts';
import { ExpositionParser } from './exposition-parser.ts';
import { ExpositionParseError } from './parse-error.ts';

/** Every entry of `input` rendered as one line, for table-driven comparisons. */
function entries(input: string | Uint8Array, format: ExpositionFormat): string[] {
  const p = new ExpositionParser(typeof input === 'string' ? Buffer.from(input) : input, format);
  const out: string[] = [];
  while (true) {
    const e = p.next();
    switch (e) {
      case Entry.EOF:
        return out;
      case Entry.Series: {
        let line = `${p.labels().toString()} ${p.value}`;
        if (p.hasTimestamp) line += ` @${p.timestampMs}`;
        if (p.hasExemplar) {
          line += ` # ${p.exemplarLabels().toString()} ${p.exemplarValue}`;
          if (p.exemplarHasTimestamp) line += ` @${p.exemplarTimestampMs}`;
        }
        out.push(line);
        break;
      }
      case Entry.Help:
        out.push(`help ${p.metadataName()} ${JSON.stringify(p.help())}`);
        break;
      case Entry.Type:
        out.push(`type ${p.metadataName()} ${p.metricType()}`);
        break;
      case Entry.Unit:
        out.push(`unit ${p.metadataName()} ${p.unit()}`);
        break;
      case Entry.Comment:
        out.push(`comment ${JSON.stringify(p.comment())}`);
        break;
    }
  }
}

interface ValidCase {
  name: string;
  format: ExpositionFormat;
  input: string;
  want: string[];
}

const valid: ValidCase[] = [
  {
    name: 'text: metadata, labels, timestamps, escapes, special values',
    format: 'text',
    input: [
      '# HELP go_gc_duration_seconds A summary of the GC invocation durations.',
      '# \tTYPE go_gc_duration_seconds summary',
      'go_gc_duration_seconds{quantile="0"} 4.9351e-05',
      'go_gc_duration_seconds{quantile="0.25",} 7.424100000000001e-05',
      'go_gc_duration_seconds_sum 0.001',
      'go_gc_duration_seconds_count 99',
      '# Hrandom comment starting with prefix of HELP',
      '#',
      'wind_speed{A="2",c="3"} 12345',
      '# comment with escaped \\n newline',
      'nohelp1{} 1',
      '  leading_space 2  1520879607789  ',
      '',
      'escaped{a="x\\"y\\\\z\\nw",b="\\t"} -Inf',
      'nan NaN',
      'inf +Inf',
      'spaces_between { a = "1" b="2" } 1',
      'no_space{a="1"}2',
    ].join('\n'),
    want: [
      'help go_gc_duration_seconds "A summary of the GC invocation durations."',
      'type go_gc_duration_seconds summary',
      '{__name__="go_gc_duration_seconds", quantile="0.0"} 0.000049351',
      '{__name__="go_gc_duration_seconds", quantile="0.25"} 0.00007424100000000001',
      '{__name__="go_gc_duration_seconds_sum"} 0.001',
      '{__name__="go_gc_duration_seconds_count"} 99',
      'comment "Hrandom comment starting with prefix of HELP"',
      'comment ""',
      '{A="2", __name__="wind_speed", c="3"} 12345',
      'comment "comment with escaped \\\\n newline"',
      '{__name__="nohelp1"} 1',
      '{__name__="leading_space"} 2 @1520879607789',
      '{__name__="escaped", a="x\\"y\\\\z\\nw", b="\\\\t"} -Infinity',
      '{__name__="nan"} NaN',
      '{__name__="inf"} Infinity',
      '{__name__="spaces_between", a="1", b="2"} 1',
      '{__name__="no_space", a="1"} 2',
    ],
  },
  {
    name: 'text: HELP escapes only backslash and newline',
    format: 'text',
    input: '# HELP m a \\\\ b \\n c \\" d\n# TYPE m untyped\nm 1\n',
    want: ['help m "a \\\\ b \\n c \\\\\\" d"', 'type m untyped', '{__name__="m"} 1'],
  },
  {
    name: 'text: UTF-8 quoted metric and label names',
    format: 'text',
    input: [
      '# HELP "my.metric" dotted',
      '# TYPE "my.metric" gauge',
      '{"my.metric", "label.name"="v", job="j"} 1',
      '{job="j", "my.metric"} 2',
      'plain{"bücher"="ja"} 3',
    ].join('\n'),
    want: [
      'help my.metric "dotted"',
      'type my.metric gauge',
      '{__name__="my.metric", job="j", "label.name"="v"} 1',
      '{__name__="my.metric", job="j"} 2',
      '{__name__="plain", "bücher"="ja"} 3',
    ],
  },
  {
    name: 'text: histogram le normalized, empty label value dropped, newline inside label value',
    format: 'text',
    input: '# TYPE h histogram\nh_bucket{le="1",x=""} 1\nh_bucket{le="+Inf"} 2\nm{a="multi\nline"} 3\n',
    want: [
      'type h histogram',
      '{__name__="h_bucket", le="1.0"} 1',
      '{__name__="h_bucket", le="+Inf"} 2',
      '{__name__="m", a="multi\\nline"} 3',
    ],
  },
  {
    name: 'text: no trailing newline, blank lines, CR-free',
    format: 'text',
    input: '\n\na 1\n\n\nb 2',
    want: ['{__name__="a"} 1', '{__name__="b"} 2'],
  },
  {
    name: 'text: empty input',
    format: 'text',
    input: '',
    want: [],
  },
  {
    name: 'openmetrics: the spec example with unit, exemplar, timestamps and EOF',
    format: 'openmetrics',
    input: [
      '# TYPE acme_http_router_request_seconds summary',
      '# UNIT acme_http_router_request_seconds seconds',
      '# HELP acme_http_router_request_seconds Latency though all of ACME\'s global HTTP router. \\"quoted\\"',
      'acme_http_router_request_seconds_sum{path="/api/v1",method="GET"} 9036.32',
      'acme_http_router_request_seconds_count{path="/api/v1",method="GET"} 807283.0',
      'acme_http_router_request_seconds_created{path="/api/v1",method="GET"} 1605281325.0',
      '# TYPE foo counter',
      'foo_total 17.0 1520879607.789 # {id="counter-test"} 5',
      'foo_created 1520872607.123',
      '# TYPE bar histogram',
      'bar_bucket{le="0.01"} 1 # {trace_id="abc",} 0.005 1520879607.1',
      'bar_bucket{le="+Inf"} 2',
      '# TYPE st stateset',
      'st{st="a"} 1',
      '# TYPE i info',
      'i_info{version="1.2"} 1',
      '# TYPE gh gaugehistogram',
      'gh_gcount 1',
      '# TYPE u unknown',
      '{"u.v",l="x"} -1.5e-3',
      '# EOF',
    ].join('\n'),
    want: [
      'type acme_http_router_request_seconds summary',
      'unit acme_http_router_request_seconds seconds',
      'help acme_http_router_request_seconds "Latency though all of ACME\'s global HTTP router. \\"quoted\\""',
      '{__name__="acme_http_router_request_seconds_sum", method="GET", path="/api/v1"} 9036.32',
      '{__name__="acme_http_router_request_seconds_count", method="GET", path="/api/v1"} 807283',
      '{__name__="acme_http_router_request_seconds_created", method="GET", path="/api/v1"} 1605281325',
      'type foo counter',
      '{__name__="foo_total"} 17 @1520879607789 # {id="counter-test"} 5',
      '{__name__="foo_created"} 1520872607.123',
      'type bar histogram',
      '{__name__="bar_bucket", le="0.01"} 1 # {trace_id="abc"} 0.005 @1520879607100',
      '{__name__="bar_bucket", le="+Inf"} 2',
      'type st stateset',
      '{__name__="st", st="a"} 1',
      'type i info',
      '{__name__="i_info", version="1.2"} 1',
      'type gh gaugehistogram',
      '{__name__="gh_gcount"} 1',
      'type u unknown',
      '{__name__="u.v", l="x"} -0.0015',
    ],
  },
  {
    name: 'openmetrics: EOF with trailing newline, empty HELP and unit',
    format: 'openmetrics',
    input: '# HELP a \n# UNIT a \na 1\n# EOF\n',
    want: ['help a ""', 'unit a ', '{__name__="a"} 1'],
  },
  {
    name: 'openmetrics: negative and exponent timestamps',
    format: 'openmetrics',
    input: 'a 1 -1.5\nb 1 1.5e3\n# EOF',
    want: ['{__name__="a"} 1 @-1500', '{__name__="b"} 1 @1500000'],
  },
];

describe('ExpositionParser accepts', () => {
  it.each(valid)('$name', ({ input, format, want }) => {
    expect(entries(input, format)).toEqual(want);
  });
});

interface InvalidCase {
  format: ExpositionFormat;
  input: string;
  line: number;
  column: number;
  reason: string;
}

const invalid: InvalidCase[] = [
  { format: 'text', input: 'a', line: 1, column: 2, reason: 'expected value after metric, got "\\n"' },
  { format: 'text', input: "a{b='c'} 1\n", line: 1, column: 5, reason: 'expected label value, got "\'"' },
  { format: 'text', input: 'a{b=\n', line: 1, column: 5, reason: 'expected label value, got "\\n"' },
  {
    format: 'text',
    input: 'a{\xff="foo"} 1\n',
    line: 1,
    column: 3,
    reason: 'expected label name, got "\ufffd"',
  },
  { format: 'text', input: 'ok 1\na true\n', line: 2, column: 3, reason: 'invalid float value "true"' },
  {
    format: 'text',
    input: 'something_weird{problem="',
    line: 1,
    column: 25,
    reason: 'expected label value, got "\\"" (unterminated string)',
  },
  {
    format: 'text',
    input: 'empty_label_name{=""} 0',
    line: 1,
    column: 18,
    reason: 'expected label name, got "="',
  },
  { format: 'text', input: 'foo 1_2\n', line: 1, column: 5, reason: 'invalid float value "1_2"' },
  { format: 'text', input: 'foo 0x1p-3\n', line: 1, column: 5, reason: 'invalid float value "0x1p-3"' },
  { format: 'text', input: 'foo 1e400\n', line: 1, column: 5, reason: 'invalid float value "1e400"' },
  {
    format: 'text',
    input: 'foo 0 1_2\n',
    line: 1,
    column: 8,
    reason: 'expected next entry after timestamp, got "_2"',
  },
  {
    format: 'text',
    input: 'foo 0 -1\n',
    line: 1,
    column: 7,
    reason: 'expected timestamp or new record, got "-1"',
  },
  {
    format: 'text',
    input: 'foo 1 99999999999999999999\n',
    line: 1,
    column: 7,
    reason: 'timestamp out of range "99999999999999999999"',
  },
  {
    format: 'text',
    input: '{a="ok"} 1\n',
    line: 1,
    column: 1,
    reason: 'metric name not set while parsing: "{a=\\"ok\\"}"',
  },
  {
    format: 'text',
    input: 'm{"a","b"} 1\n',
    line: 1,
    column: 6,
    reason: 'metric name already set while parsing: "m{\\"a\\","',
  },
  {
    format: 'text',
    input: '# TYPE #\n',
    line: 1,
    column: 8,
    reason: 'expected metric name after TYPE, got "#"',
  },
  {
    format: 'text',
    input: '# HELP \n',
    line: 1,
    column: 8,
    reason: 'expected metric name after HELP, got "\\n"',
  },
  { format: 'text', input: '# TYPE m gauge2\n', line: 1, column: 10, reason: 'invalid metric type "gauge2"' },
  { format: 'text', input: '# TYPE m info\n', line: 1, column: 10, reason: 'invalid metric type "info"' },
  {
    format: 'text',
    input: 'm{a="\xff"} 1\n',
    line: 1,
    column: 6,
    reason: 'invalid UTF-8 label value: "\ufffd"',
  },
  {
    format: 'text',
    input: 'm 1 # {a="b"} 1\n',
    line: 1,
    column: 5,
    reason: 'expected timestamp or new record, got "#"',
  },
  {
    format: 'text',
    input: 'a 1\n\nb{c="d",c="e"} 1\n',
    line: 3,
    column: 1,
    reason: 'duplicate label name "c"',
  },
  { format: 'openmetrics', input: 'a 1\n', line: 2, column: 1, reason: 'data does not end with # EOF' },
  { format: 'openmetrics', input: 'a 1', line: 1, column: 4, reason: 'data does not end with # EOF' },
  {
    format: 'openmetrics',
    input: 'a 1\n# EOF\nb 2\n',
    line: 3,
    column: 1,
    reason: 'unexpected data after # EOF',
  },
  {
    format: 'openmetrics',
    input: '\n# EOF\n',
    line: 1,
    column: 1,
    reason: 'expected a valid start token, got "\\n"',
  },
  {
    format: 'openmetrics',
    input: '# just a comment\n# EOF\n',
    line: 1,
    column: 1,
    reason: 'expected a valid start token, got "#"',
  },
  {
    format: 'openmetrics',
    input: 'a  1\n# EOF\n',
    line: 1,
    column: 2,
    reason: 'expected value after metric, got " "',
  },
  {
    format: 'openmetrics',
    input: 'a{b="c" } 1\n# EOF\n',
    line: 1,
    column: 8,
    reason: 'expected comma or brace close, got " "',
  },
  {
    format: 'openmetrics',
    input: 'a{b="c\nd"} 1\n# EOF\n',
    line: 1,
    column: 5,
    reason: 'expected label value, got "\\"c\\n" (unterminated string)',
  },
  { format: 'openmetrics', input: 'a 1 NaN\n# EOF\n', line: 1, column: 5, reason: 'invalid timestamp NaN' },
  {
    format: 'openmetrics',
    input: 'a 1 # {"x"} 1\n# EOF\n',
    line: 1,
    column: 11,
    reason: 'expected label name, got "}"',
  },
  {
    format: 'openmetrics',
    input: 'a 1 # {x="y"}\n# EOF\n',
    line: 1,
    column: 14,
    reason: 'expected value after exemplar labels, got "\\n"',
  },
  {
    format: 'openmetrics',
    input: '# TYPE a untyped\n# EOF\n',
    line: 1,
    column: 10,
    reason: 'invalid metric type "untyped"',
  },
  {
    format: 'openmetrics',
    input: '# UNIT a_seconds bytes\n# EOF\n',
    line: 1,
    column: 18,
    reason: 'unit "bytes" not a suffix of metric "a_seconds"',
  },
  {
    format: 'openmetrics',
    input: '# HELP a\n# EOF\n',
    line: 1,
    column: 9,
    reason: 'expected text in HELP, got "\\n"',
  },
  { format: 'openmetrics', input: '# EOF\n\n', line: 2, column: 1, reason: 'unexpected data after # EOF' },
  { format: 'openmetrics', input: '# EOFa 1', line: 1, column: 6, reason: 'unexpected data after # EOF' },
  {
    format: 'openmetrics',
    input: 'a\t1\n# EOF\n',
    line: 1,
    column: 2,
    reason: 'expected value after metric, got "\\t"',
  },
  {
    format: 'openmetrics',
    input: '# TYPE c  counter\n# EOF\n',
    line: 1,
    column: 10,
    reason: 'invalid metric type " counter"',
  },
  {
    format: 'openmetrics',
    input: 'a{b="c"d="e"} 1\n# EOF\n',
    line: 1,
    column: 8,
    reason: 'expected comma or brace close, got "d"',
  },
  {
    format: 'openmetrics',
    input: 'a 1 # {bb, a="dd"} 1\n# EOF\n',
    line: 1,
    column: 10,
    reason: 'expected label name, got ","',
  },
  { format: 'openmetrics', input: '', line: 1, column: 1, reason: 'data does not end with # EOF' },
];

describe('ExpositionParser rejects', () => {
  it.each(invalid)('$format $input', ({ format, input, line, column, reason }) => {
    const p = new ExpositionParser(Buffer.from(input, 'latin1'), format);
    let error: unknown;
    try {
      while (true) {
        const e = p.next();
        if (e === Entry.EOF) break;
        if (e === Entry.Series) p.labels();
      }
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ExpositionParseError);
    const e = error as ExpositionParseError;
    expect({ line: e.line, column: e.column, reason: e.reason }).toEqual({ line, column, reason });
    expect(e.message).toBe(`${line}:${column}: ${reason}`);
    expect(e.code).toBe('exposition_parse_error');
  });

  it('stays failed after an error', () => {
    const p = new ExpositionParser(Buffer.from('a{ 1\nb 2\n'), 'text');
    expect(() => p.next()).toThrow(ExpositionParseError);
    expect(() => p.next()).toThrow(ExpositionParseError);
  });
});

describe('ExpositionParser series accessors', () => {
  it('exposes raw series bytes and a cache key, and labels in line order', () => {
    const input = Buffer.from('x 0\nhttp_requests_total{method="post",code="200"} 1027 1395066363000\n');
    const p = new ExpositionParser(input, 'text');
    expect(p.next()).toBe(Entry.Series);
    expect(p.next()).toBe(Entry.Series);
    expect(p.seriesKey()).toBe('http_requests_total{method="post",code="200"}');
    expect(Buffer.from(p.rawSeries()).toString()).toBe(p.seriesKey());
    expect(p.labelCount).toBe(2);
    expect([p.labelName(0), p.labelValue(0), p.labelName(1), p.labelValue(1)]).toEqual([
      'method',
      'post',
      'code',
      '200',
    ]);
    expect(p.labels(false).toString()).toBe('{code="200", method="post"}');
    expect(p.timestampMs).toBe(1395066363000);
    expect(p.next()).toBe(Entry.EOF);
    expect(p.next()).toBe(Entry.EOF);
  });

  it('returns the same string instance for repeated label values (interning)', () => {
    const p = new ExpositionParser(
      Buffer.from('a{job="node-exporter-long-value"} 1\nb{job="node-exporter-long-value"} 2\n'),
      'text',
    );
    p.next();
    const first = p.labelValue(0);
    p.next();
    expect(p.labelValue(0)).toBe(first);
  });

  it('keeps le as written when normalization is off', () => {
    const p = new ExpositionParser(Buffer.from('# TYPE h histogram\nh_bucket{le="1"} 1\n'), 'text', {
      normalizeFloatLabelValues: false,
    });
    p.next();
    p.next();
    expect(p.labelValue(0)).toBe('1');
  });

  it('reads lines with more labels than the per-position memo holds', () => {
    const pairs = Array.from({ length: 40 }, (_, i) => `l${String(i).padStart(2, '0')}="v${i}"`);
    const line = `many{${pairs.join(',')}} 1\n`;
    const p = new ExpositionParser(Buffer.from(line + line.replace('v39', 'w39')), 'text');
    p.next();
    expect(p.labelCount).toBe(40);
    expect(p.labels().size).toBe(41);
    p.next();
    expect(p.labelValue(39)).toBe('w39');
    expect(p.labelValue(0)).toBe('v0');
  });

  it('reads a Uint8Array that is not a Buffer', () => {
    const bytes = new TextEncoder().encode(
      'a_metric_with_a_long_name_beyond_24{lbl="a value longer than 24 bytes"} 1\n',
    );
    expect(entries(bytes, 'text')).toEqual([
      '{__name__="a_metric_with_a_long_name_beyond_24", lbl="a value longer than 24 bytes"} 1',
    ]);
  });
});

describe('ExpositionParser.nextIfSeries', () => {
  const key = (text: string) => Buffer.from(text);

  it('reads a line whose series part is the given key without parsing it again', () => {
    const buf = Buffer.from('# HELP a x\na{x="1"} 1.5 1000\n\na{x="2"}\t2\nb 3\n');
    const p = new ExpositionParser(buf, 'text');
    const k1 = key('a{x="1"}');
    expect(p.nextIfSeries(k1, 0, k1.length)).toBe(false); // a HELP line comes first
    expect(p.next()).toBe(Entry.Help);
    expect(p.nextIfSeries(k1, 0, k1.length)).toBe(true);
    expect([p.value, p.hasTimestamp, p.timestampMs]).toEqual([1.5, true, 1000]);
    expect(buf.subarray(p.seriesStart, p.seriesEnd).toString()).toBe('a{x="1"}');
    expect(() => p.labels()).toThrow('not parsed');
    // Another series than the key: nothing consumed.
    expect(p.nextIfSeries(k1, 0, k1.length)).toBe(false);
    expect(p.next()).toBe(Entry.Series);
    expect(p.labels().toString()).toBe('{__name__="a", x="2"}');
    const b = key('b');
    expect(p.nextIfSeries(b, 0, 1)).toBe(true);
    expect(p.value).toBe(3);
    expect(p.next()).toBe(Entry.EOF);
  });

  it('does not take a name-only key for a series with labels, nor a prefix of a longer name', () => {
    const p = new ExpositionParser(Buffer.from('a {x="1"} 1\nab 2\n'), 'text');
    const a = key('a');
    expect(p.nextIfSeries(a, 0, 1)).toBe(false);
    expect(p.next()).toBe(Entry.Series);
    expect(p.labels().toString()).toBe('{__name__="a", x="1"}');
    expect(p.nextIfSeries(a, 0, 1)).toBe(false);
    expect(p.next()).toBe(Entry.Series);
    expect(p.metricName()).toBe('ab');
  });

  it('still fails a bad value, and is never taken for OpenMetrics', () => {
    const p = new ExpositionParser(Buffer.from('a 1x\n'), 'text');
    expect(() => p.nextIfSeries(key('a'), 0, 1)).toThrow(ExpositionParseError);
    expect(() => p.next()).toThrow(ExpositionParseError);
    const om = new ExpositionParser(Buffer.from('a 1\n# EOF\n'), 'openmetrics');
    expect(om.nextIfSeries(key('a'), 0, 1)).toBe(false);
  });
});
