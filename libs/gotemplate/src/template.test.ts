// Go text/template behaviour on plain JavaScript data, where Debian's amtool
// (Alertmanager data only, Go 1.19) cannot be the oracle. Expected values follow
// the Go documentation and Go's behaviour (Go 1.22 for `range <int>`, 1.23 for `else with`).
import { describe, expect, it } from 'vitest';
import { GO_TYPE, GoFloat, Template, TemplateExecError, TemplateParseError, float64 } from './index.ts';
import type { TemplateOptions } from './index.ts';

class Person {
  readonly [GO_TYPE] = 'main.Person';
  constructor(
    readonly Name: string,
    readonly Age: number,
  ) {}

  Greet(whom: string): string {
    return `hi ${whom}, I am ${this.Name}`;
  }

  Fail(): string {
    throw new Error('boom');
  }
}

interface Case {
  name: string;
  template: string;
  data?: unknown;
  want: string;
  options?: TemplateOptions;
}

const render = (c: Pick<Case, 'template' | 'data' | 'options'>): string => {
  try {
    return new Template('t', c.options).parse(c.template).execute(c.data);
  } catch (e) {
    if (e instanceof TemplateParseError || e instanceof TemplateExecError) return `ERR ${e.message}`;
    throw e;
  }
};

const cases: Case[] = [
  { name: 'map prints sorted', template: '{{.}}', data: { b: 2, a: 1 }, want: 'map[a:1 b:2]' },
  { name: 'slice prints with spaces', template: '{{.}}', data: ['a', 'b'], want: '[a b]' },
  {
    name: 'nested containers',
    template: '{{.}}',
    data: { l: [1, [2, 3]], m: { x: 'y' } },
    want: 'map[l:[1 [2 3]] m:map[x:y]]',
  },
  {
    name: 'JS Map with int keys sorted numerically',
    template: '{{.}}',
    data: new Map([
      [10, 'a'],
      [9, 'b'],
    ]),
    want: 'map[9:b 10:a]',
  },
  { name: 'struct prints fields in order', template: '{{.}}', data: new Person('Ann', 30), want: '{Ann 30}' },
  {
    name: 'struct %+v',
    template: '{{printf "%+v" .}}',
    data: new Person('Ann', 30),
    want: '{Name:Ann Age:30}',
  },
  { name: 'missing key prints <no value>', template: '{{.missing}}', data: {}, want: '<no value>' },
  {
    name: 'nil value prints <no value> at top level',
    template: '{{.a}}',
    data: { a: null },
    want: '<no value>',
  },
  {
    name: 'nil value prints <nil> through print',
    template: '{{print .a .missing}}',
    data: { a: null },
    want: '<nil> <nil>',
  },
  { name: 'nil data', template: '{{.}}', data: undefined, want: '<no value>' },
  {
    name: 'missingkey=zero on map[string]interface{} still prints <no value>',
    template: '{{.missing}}',
    data: {},
    options: { missingKey: 'zero' },
    want: '<no value>',
  },
  {
    name: 'missingkey=error',
    template: '{{.missing}}',
    data: {},
    options: { missingKey: 'error' },
    want: 'ERR template: t:1:2: executing "t" at <.missing>: map has no entry for key "missing"',
  },
  {
    name: 'nil pointer evaluating a field of nil',
    template: '{{.a.b}}',
    data: { a: null },
    want: 'ERR template: t:1:4: executing "t" at <.a.b>: nil pointer evaluating interface {}.b',
  },
  {
    name: 'error position on a later line',
    template: 'x\n  {{ .a.b }}',
    data: { a: null },
    want: 'ERR template: t:2:7: executing "t" at <.a.b>: nil pointer evaluating interface {}.b',
  },
  { name: 'field of missing value is missing', template: '{{.a.b.c}}', data: {}, want: '<no value>' },
  { name: 'range over int (Go 1.22)', template: '{{range 3}}{{.}}{{end}}', want: '012' },
  { name: 'range over int with variable', template: '{{range $i := 3}}{{$i}},{{end}}', want: '0,1,2,' },
  { name: 'range over zero int runs else', template: '{{range 0}}x{{else}}none{{end}}', want: 'none' },
  {
    name: 'range over int with two variables fails',
    template: '{{range $i, $v := 3}}{{end}}',
    want: 'ERR template: t:1:18: executing "t" at <3>: can\'t use 3 to iterate over more than one variable',
  },
  {
    name: 'range over map in key order',
    template: '{{range .}}{{.}}{{end}}',
    data: { b: 2, a: 1, c: 3 },
    want: '123',
  },
  {
    name: 'range over map with key and value',
    template: '{{range $k, $v := .}}{{$k}}={{$v}};{{end}}',
    data: new Map([
      [2, 'x'],
      [1, 'y'],
    ]),
    want: '1=y;2=x;',
  },
  { name: 'range over nil runs else', template: '{{range .x}}a{{else}}b{{end}}', data: {}, want: 'b' },
  {
    name: 'range over a string fails',
    template: '{{range .}}{{end}}',
    data: 'abc',
    want: 'ERR template: t:1:8: executing "t" at <.>: range can\'t iterate over abc',
  },
  {
    name: 'break and continue',
    template: '{{range .}}{{if eq . 2}}{{continue}}{{end}}{{if eq . 4}}{{break}}{{end}}{{.}}{{end}}',
    data: [1, 2, 3, 4, 5],
    want: '13',
  },
  {
    name: 'variables assigned in range persist',
    template: '{{$s := 0}}{{range .}}{{$s = .}}{{end}}{{$s}}',
    data: [1, 2, 3],
    want: '3',
  },
  { name: 'with binds dot', template: '{{with .a}}{{.}}{{end}}', data: { a: 'A' }, want: 'A' },
  {
    name: 'with declares a variable',
    template: '{{with $x := .a}}{{$x}}{{.}}{{end}}',
    data: { a: 'A' },
    want: 'AA',
  },
  {
    name: 'else with (Go 1.23)',
    template: '{{with .a}}{{.}}{{else with .b}}b={{.}}{{else}}none{{end}}',
    data: { b: 'B' },
    want: 'b=B',
  },
  {
    name: 'else if chain',
    template: '{{if eq . 1}}one{{else if eq . 2}}two{{else}}many{{end}}',
    data: 2,
    want: 'two',
  },
  {
    name: 'zero values are false',
    template: '{{if .a}}1{{end}}{{if .b}}2{{end}}{{if .c}}3{{end}}{{if .d}}4{{end}}{{if .e}}5{{end}}',
    data: { a: 0, b: '', c: [], d: {}, e: false },
    want: '',
  },
  { name: 'struct is true', template: '{{if .}}yes{{end}}', data: new Person('A', 0), want: 'yes' },
  {
    name: 'and/or return the deciding value',
    template: '{{and 1 "" 2}}|{{or 0 "" "x" 1}}|{{or 0 ""}}|{{and 1 2}}',
    want: '|x||2',
  },
  { name: 'and short-circuits', template: '{{and false (index .a 5)}}', data: { a: [] }, want: 'false' },
  { name: 'or short-circuits', template: '{{or true .a.b.c}}', data: { a: null }, want: 'true' },
  { name: 'struct field', template: '{{.Name}} {{.Age}}', data: new Person('Ann', 30), want: 'Ann 30' },
  {
    name: 'method with argument',
    template: '{{.Greet "Bob"}}',
    data: new Person('Ann', 30),
    want: 'hi Bob, I am Ann',
  },
  {
    name: 'method with piped argument',
    template: '{{"Bob" | .Greet}}',
    data: new Person('Ann', 30),
    want: 'hi Bob, I am Ann',
  },
  {
    name: 'method arity',
    template: '{{.Greet}}',
    data: new Person('Ann', 30),
    want: 'ERR template: t:1:2: executing "t" at <.Greet>: wrong number of args for Greet: want 1 got 0',
  },
  {
    name: 'method error',
    template: '{{.Fail}}',
    data: new Person('Ann', 30),
    want: 'ERR template: t:1:2: executing "t" at <.Fail>: error calling Fail: boom',
  },
  {
    name: 'unknown struct field',
    template: '{{.Nope}}',
    data: new Person('Ann', 30),
    want: 'ERR template: t:1:2: executing "t" at <.Nope>: can\'t evaluate field Nope in type main.Person',
  },
  {
    name: 'field with arguments',
    template: '{{.Name 1}}',
    data: new Person('Ann', 30),
    want: 'ERR template: t:1:2: executing "t" at <.Name>: Name has arguments but cannot be invoked as function',
  },
  {
    name: 'float64 prints like Go',
    template: '{{.a}} {{.b}} {{.c}}',
    data: { a: float64(2), b: 0.1, c: float64(1e21) },
    want: '2 0.1 1e+21',
  },
  {
    name: '%f needs a float64',
    template: '{{printf "%.2f" .a}} {{printf "%.2f" .b}}',
    data: { a: float64(2), b: 2 },
    want: '2.00 %!f(int=02)',
  },
  {
    name: 'int and float64 do not compare',
    template: '{{eq .a .b}}',
    data: { a: 1, b: new GoFloat(1) },
    want: 'ERR template: t:1:2: executing "t" at <eq .a .b>: error calling eq: incompatible types for comparison',
  },
  { name: 'eq with several arguments', template: '{{eq 3 1 2 3}} {{eq "a" "b" "c"}}', want: 'true false' },
  { name: 'eq of missing values', template: '{{eq .a .b}} {{eq .a "x"}}', data: {}, want: 'true false' },
  { name: 'lt on strings is bytewise', template: '{{lt "B" "a"}} {{lt "a" "ab"}}', want: 'true true' },
  {
    name: 'len counts UTF-8 bytes',
    template: '{{len "héllo"}} {{len .}}',
    data: { a: 1, b: 2 },
    want: '6 2',
  },
  { name: 'index nested', template: '{{index . "a" 1 "b"}}', data: { a: [0, { b: 'deep' }] }, want: 'deep' },
  { name: 'index of missing map key', template: '{{index . "zz"}}', data: { a: 1 }, want: '<no value>' },
  {
    name: 'index out of range',
    template: '{{index . 3}}',
    data: [1],
    want: 'ERR template: t:1:2: executing "t" at <index . 3>: error calling index: index out of range: 3',
  },
  {
    name: 'slice of slice and string',
    template: '{{slice . 1 3}} {{slice "hello" 1 3}} {{slice . 2}}',
    data: [1, 2, 3, 4],
    want: '[2 3] el [3 4]',
  },
  {
    name: 'custom function',
    template: '{{add 1 2}}',
    options: { funcs: { add: (a: number, b: number) => a + b } },
    want: '3',
  },
  {
    name: 'custom function with a Go signature',
    template: '{{rep "ab" 3}}',
    options: { funcs: { rep: { fn: (s: string, n: number) => s.repeat(n), params: ['string', 'int'] } } },
    want: 'ababab',
  },
  {
    name: 'custom function arity checked',
    template: '{{rep "ab"}}',
    options: { funcs: { rep: { fn: (s: string, n: number) => s.repeat(n), params: ['string', 'int'] } } },
    want: 'ERR template: t:1:2: executing "t" at <rep>: wrong number of args for rep: want 2 got 1',
  },
  {
    name: 'custom function argument type checked',
    template: '{{rep "ab" "3"}}',
    options: { funcs: { rep: { fn: (s: string, n: number) => s.repeat(n), params: ['string', 'int'] } } },
    want: 'ERR template: t:1:11: executing "t" at <"3">: expected integer; found "3"',
  },
  {
    name: 'custom function error',
    template: '{{boom}}',
    options: {
      funcs: {
        boom: () => {
          throw new Error('bad');
        },
      },
    },
    want: 'ERR template: t:1:2: executing "t" at <boom>: error calling boom: bad',
  },
  { name: 'call', template: '{{call .f 21}}', data: { f: (x: number) => x * 2 }, want: '42' },
  {
    name: 'custom delimiters',
    template: '[[ .a ]] {{ .a }}',
    data: { a: 1 },
    options: { leftDelim: '[[', rightDelim: ']]' },
    want: '1 {{ .a }}',
  },
  {
    name: 'define and template with pipeline',
    template: '{{define "x"}}<{{.}}>{{end}}{{template "x" .a}}{{template "x"}}',
    data: { a: 1 },
    want: '<1><<no value>>',
  },
  { name: 'block defines and runs', template: '{{block "b" .}}[{{.}}]{{end}}', data: 'v', want: '[v]' },
  {
    name: 'templates do not see caller variables',
    template: '{{define "x"}}{{$}}{{end}}{{$v := 1}}{{template "x" 2}}',
    want: '2',
  },
  {
    name: 'parenthesised pipeline and chain',
    template: '{{(index . 0).Name}} {{(printf "%s-%s" "a" "b" | printf "%q")}}',
    data: [new Person('P', 1)],
    want: 'P "a-b"',
  },
  { name: 'trim markers', template: 'a  {{- 1 -}}  \n b {{ 2 -}}\n c', want: 'a1b 2c' },
  { name: 'negative number is not a trim marker', template: '{{-3}}', want: '-3' },
  { name: 'comments', template: 'a {{- /* x */ -}} b{{/* y */}}', want: 'ab' },
  {
    name: 'number syntax',
    template: "{{0x1F}} {{0o17}} {{017}} {{0b101}} {{1_000}} {{1e3}} {{'a'}} {{.5}}",
    want: '31 15 15 5 1000 1000 97 0.5',
  },
  {
    name: 'strings and escapes',
    template: '{{"a\\tb"}}|{{`raw\\n`}}|{{"\\u00e9\\x41"}}',
    want: 'a\tb|raw\\n|éA',
  },
  {
    name: 'html, js, urlquery',
    template: '{{html "<a&\'\\">"}} {{js "it\'s <b>"}} {{urlquery "a b&c"}}',
    want: "&lt;a&amp;&#39;&#34;&gt; it\\'s \\u003Cb\\u003E a+b%26c",
  },
  { name: 'print spacing', template: '{{print 1 2 "a" 3 "b" "c"}}', want: '1 2a3bc' },
  { name: 'println', template: '{{println 1 "a"}}', want: '1 a\n' },
];

const parseErrors: { name: string; template: string; want: string }[] = [
  {
    name: 'unexpected brace in operand',
    template: '{{ .X }',
    want: 'template: t:1: unexpected "}" in operand',
  },
  {
    name: 'line number of parse error',
    template: 'a\nb\n{{ .X }\n',
    want: 'template: t:3: unexpected "}" in operand',
  },
  {
    name: 'undefined function',
    template: '{{ nope 1 }}',
    want: 'template: t:1: function "nope" not defined',
  },
  { name: 'undefined variable', template: '{{ $x }}', want: 'template: t:1: undefined variable "$x"' },
  { name: 'missing end', template: '{{ if . }}x', want: 'template: t:1: unexpected EOF' },
  { name: 'stray end', template: 'x{{ end }}', want: 'template: t:1: unexpected {{end}}' },
  {
    name: 'break outside range',
    template: '{{ break }}',
    want: 'template: t:1: {{break}} outside {{range}}',
  },
  { name: 'unterminated string', template: '{{ "abc }}', want: 'template: t:1: unterminated quoted string' },
  { name: 'unclosed action', template: '{{ .X ', want: 'template: t:1: unclosed action' },
  { name: 'illegal number', template: '{{ 0x }}', want: 'template: t:1: illegal number syntax: "0x"' },
  { name: 'bad number', template: '{{ 3k }}', want: 'template: t:1: bad number syntax: "3k"' },
  {
    name: 'missing value for if',
    template: '{{ if }}{{ end }}',
    want: 'template: t:1: missing value for if',
  },
  {
    name: 'non-executable pipeline stage',
    template: '{{ .X | 1 }}',
    want: 'template: t:1: non executable command in pipeline stage 2',
  },
  { name: 'unclosed comment', template: '{{/* x', want: 'template: t:1: unclosed comment' },
  {
    name: 'multiple definition',
    template: '{{define "a"}}1{{end}}{{define "a"}}2{{end}}',
    want: 'template: t:1: template: multiple definition of template "a"',
  },
];

describe('text/template', () => {
  it.each(cases)('$name', (c) => {
    expect(render(c)).toBe(c.want);
  });

  it.each(parseErrors)('parse error: $name', ({ template, want }) => {
    const t = new Template('t');
    expect(() => t.parse(template)).toThrow(TemplateParseError);
    expect(() => t.parse(template)).toThrow(want);
  });

  it('keeps template sets independent after clone', () => {
    const base = new Template('base').parse('{{define "x"}}base{{end}}{{template "x"}}');
    const copy = base.clone().parse('{{define "x"}}copy{{end}}', 'other');
    expect(base.execute(null)).toBe('base');
    expect(copy.execute(null)).toBe('copy');
  });

  it('executes a named template and reports unknown names', () => {
    const t = new Template('root').parse('{{define "a"}}A{{.}}{{end}}');
    expect(t.execute(1, 'a')).toBe('A1');
    expect(() => t.execute(1, 'b')).toThrow('template: no template "b" associated with template "root"');
  });

  it('prints a JS Date as a Go time.Time', () => {
    expect(new Template('t').parse('{{.}}').execute(new Date('2024-01-02T03:04:05.678Z'))).toBe(
      '2024-01-02 03:04:05.678 +0000 UTC',
    );
  });

  it("stops endless template recursion with Go's message", () => {
    const t = new Template('t').parse('{{define "r"}}{{template "r" .}}{{end}}{{template "r" 1}}');
    expect(() => t.execute(null)).toThrow(
      'executing "r" at <{{template "r" .}}>: exceeded maximum template depth (500)',
    );
  });

  it('reports cyclic data as an execution error', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(() => new Template('t').parse('{{.}}').execute(cyclic)).toThrow(TemplateExecError);
  });

  it('parses once and executes many times with different data', () => {
    const t = new Template('t').parse('{{range .}}{{.}}{{end}}');
    expect(t.execute([1, 2])).toBe('12');
    expect(t.execute(['x'])).toBe('x');
  });
});

describe('html/template escaping', () => {
  const html = (template: string, data?: unknown): string =>
    new Template('h', {
      mode: 'html',
      funcs: { safe: { fn: (s: string) => ({ toString: () => s }), params: ['string'] } },
    })
      .parse(template)
      .execute(data);

  it.each([
    [
      'text',
      '<p>{{.}}</p>',
      '<b>"Tom" & \'Jerry\'+',
      '<p>&lt;b&gt;&#34;Tom&#34; &amp; &#39;Jerry&#39;&#43;</p>',
    ],
    ['quoted attribute', '<p title="{{.}}">', 'a"b', '<p title="a&#34;b">'],
    ['unquoted attribute', '<p class={{.}}>', 'a b', '<p class=a&#32;b>'],
    ['unsafe URL scheme', '<a href="{{.}}">', 'javascript:alert(1)', '<a href="#ZgotmplZ">'],
    ['URL normalised', '<a href="{{.}}">', 'http://x/a b?c="d"', '<a href="http://x/a%20b?c=%22d%22">'],
    ['URL query part escaped', '<a href="/s?q={{.}}">', 'a&b c/d', '<a href="/s?q=a%26b%20c%2fd">'],
    ['missing value is empty', '<p>{{.missing}}</p>', {}, '<p></p>'],
    ['comments dropped', '<!-- secret -->a<!-- -->b', null, 'ab'],
    [
      'script gets JS values',
      '<script>var s = {{.}};</script>',
      'a"</script>',
      '<script>var s = "a\\"\\u003c/script\\u003e";</script>',
    ],
    [
      'textarea is RCDATA',
      '<textarea>{{.}}</textarea>',
      '</textarea>',
      '<textarea>&lt;/textarea&gt;</textarea>',
    ],
  ])('%s', (_name, template, data, want) => {
    expect(html(template as string, data)).toBe(want);
  });
});
