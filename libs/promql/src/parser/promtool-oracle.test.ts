import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseExpr } from '../index.ts';

/**
 * Invalid queries whose grammar is the same in Prometheus 2.42 and 3.x (no durations as
 * numbers, no duration arithmetic, no 3.x functions, no regex errors whose anchoring changed):
 * Debian's promtool (2.42) is a local oracle for their error text and position.
 */
const queries: readonly string[] = [
  'sum(foo bar)',
  'sum by (a) 5',
  'sum(rate(foo[5m] bar))',
  'rate(foo[5m] bar)',
  'sum(1 + )',
  'topk(5 foo)',
  'sum(foo) by',
  'foo @ 5 @ 6',
  'foo{a="b"',
  '(foo',
  'avg(x) + ',
  'foo{a=b}',
  'foo{gibberish}',
  'foo{,}',
  'foo{__name__="bar" lol}',
  'sum without(==)(some_metric)',
  'sum (some_metric) by test',
  'MIN keep_common (some_metric)',
  'a - on(b) ignoring(c) d',
  'foo + group_left(baz) bar',
  'foo and on(bar) group_left(baz) bar',
  '-"string"',
  '1 == 1',
  'rate(some_metric)',
  'floor(1)',
  'hour(a, b, c)',
  'label_join(a, "b")',
  'non_existent()',
  '{x=""}',
  'foo{__name__="bar"}',
  '"\\c"',
  '"\\x."',
  '1 !~ 1',
  '(1))',
  '((1)',
  'foo[5m:1m1]',
  'topk(some_metric,)',
  'count_values(5, other_metric)',
  'rate(some_metric[5m]) @ 1234',
  'some_metric @ 1234 [5m]',
  '(foo + bar)[5m]',
  'test[5d] OFFSET 10s [10m:5s]',
  'vector 5m >=',
  '%',
  '> / <= 5m != count_values }',
  '} >= by (a) group_left ignoring {',
  '1 >=',
  '/ NaN',
  '[5m] end() + Inf [5m:]',
  'offset rate >= * % sum(',
  '<',
  'Inf sum bool a= @ >= 1e3 foo',
  'x{ 0x1f rate( topk',
  'unless group_left : /',
  '^ < bool { unless <=',
  'bool : > by rate ignoring ) {',
  '!= label_replace on rate <',
  ') label_replace 0.5 { or - =~',
  'ignoring 1h30m * foo and',
  '0x1f without : rate start() group_left * *',
  'group_right { rate',
  '=~ ]',
  '( 0.5 %',
  '== 0x1f 0x1f } ] Inf',
  '] [5m:] bool 0x1f +',
  ': !~ start() } sum( * group_left',
  'time() 1e3 label_replace Inf',
  '>= / a= x{',
  'Inf on',
  'x{ end()',
  'and count_values',
  '* 5m ^ 0x1f count_values 0.5 )',
  'sum and NaN',
  'unless "job" == group_right 5m',
  'x{',
  '<= and rate group_left by ignoring by',
  '{ offset 1h30m 1e3 bool',
  'NaN - x{ bar bool',
  '0x1f == { { / by (a) >=',
  'rate( ) by foo',
  '{ * group_right , scalar by (a) offset',
  'sum topk }',
  'sum : 1h30m end() 1e3 -',
  '{ ^ == { by (a) !~ 1e3',
  'sum( , - rate( bool =',
  '1e3 >= 1 @ by (a)',
  'sum by',
  'sum( 1e3 - / topk - group_left time()',
  'NaN or topk ( offset NaN or ,',
  'offset [5m] [5m] + label_replace ] <= bar',
  'foo @ [5m] start()',
  'sum( > bool bar }',
  'and ^ without @',
];

const promtool = spawnSync('promtool', ['--version'], { encoding: 'utf8' });

describe.runIf(promtool.status === 0)('parse errors against promtool 2.42', () => {
  it('reports the same first error, with the same position', () => {
    const dir = mkdtempSync(join(tmpdir(), 'promql-oracle-'));
    try {
      const file = join(dir, 'rules.yml');
      const rules = queries.map((q) => `  - record: r\n    expr: ${JSON.stringify(q)}\n`).join('');
      writeFileSync(file, `groups:\n- name: g\n  rules:\n${rules}`);
      const out = spawnSync('promtool', ['check', 'rules', file], { encoding: 'utf8' });
      const theirs = new Map<number, string>();
      for (const line of (out.stdout + out.stderr).split('\n')) {
        const m = /rule (\d+), "r": could not parse expression: (.*)$/.exec(line);
        if (m) theirs.set(Number(m[1]) - 1, m[2]!);
      }
      expect(theirs.size).toBe(queries.length);
      const differences = queries.flatMap((q, i) => {
        let ours = 'parsed';
        try {
          parseExpr(q);
        } catch (err) {
          ours = (err as Error).message;
        }
        return ours === theirs.get(i) ? [] : [{ query: q, ours, promtool: theirs.get(i) }];
      });
      expect(differences).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
