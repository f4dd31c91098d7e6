// Prometheus's template functions, with results from the Prometheus template
// reference and Prometheus's own template tests.
import { describe, expect, it } from 'vitest';
import { Template, float64, prometheusFuncs } from './index.ts';

const run = (text: string, data?: unknown): string =>
  new Template('t', { funcs: prometheusFuncs({ externalURL: 'http://prom.example:9090/prefix/' }) })
    .parse(text)
    .execute(data);

describe('prometheus functions', () => {
  it.each([
    ['{{ humanize 1234567.0 }}', '1.235M'],
    ['{{ humanize 1000 }}', '1k'],
    ['{{ humanize 0.0012 }}', '1.2m'],
    ['{{ humanize 0 }}', '0'],
    ['{{ humanize -1500 }}', '-1.5k'],
    ['{{ humanize "2e9" }}', '2G'],
    ['{{ humanize1024 1048576 }}', '1Mi'],
    ['{{ humanize1024 1 }}', '1'],
    ['{{ humanize1024 1536.0 }}', '1.5ki'],
    ['{{ humanizeDuration 0 }}', '0s'],
    ['{{ humanizeDuration 1.5 }}', '1.5s'],
    ['{{ humanizeDuration 0.25 }}', '250ms'],
    ['{{ humanizeDuration 0.000001 }}', '1us'],
    ['{{ humanizeDuration 61 }}', '1m 1s'],
    ['{{ humanizeDuration 3661 }}', '1h 1m 1s'],
    ['{{ humanizeDuration 90061 }}', '1d 1h 1m 1s'],
    ['{{ humanizeDuration -61 }}', '-1m 1s'],
    ['{{ humanizePercentage 0.1234567 }}', '12.35%'],
    ['{{ humanizePercentage 0.5 }}', '50%'],
    ['{{ humanizeTimestamp 1435065584.128 }}', '2015-06-23 13:19:44.128 +0000 UTC'],
    ['{{ title "aaa bbb" }}', 'Aaa Bbb'],
    ['{{ toUpper "aaa" }} {{ toLower "AAA" }}', 'AAA aaa'],
    ['{{ match "a+" "baaa" }} {{ reReplaceAll "(a+)" "<$1>" "baaa" }}', 'true b<aaa>'],
    ['{{ (args 1 "x").arg1 }}', 'x'],
    [
      '{{ stripPort "example.com:9090" }} {{ stripPort "[::1]:80" }} {{ stripPort "host" }}',
      'example.com ::1 host',
    ],
    ['{{ stripDomain "node1.example.com:9100" }} {{ stripDomain "10.0.0.1:80" }}', 'node1:9100 10.0.0.1:80'],
    ['{{ parseDuration "1h30m" }}', '5400'],
    ['{{ externalURL }} {{ pathPrefix }}', 'http://prom.example:9090/prefix/ /prefix'],
  ])('%s', (text, want) => {
    expect(run(text)).toBe(want);
  });

  it('keeps float64 values as Go floats ($value is a float64 in Prometheus)', () => {
    expect(run('{{ printf "%.2f" .value }} {{ .value }}', { value: float64(2) })).toBe('2.00 2');
  });

  it('reports values that are not numbers', () => {
    expect(() => run('{{ humanize "abc" }}')).toThrow(
      'error calling humanize: strconv.ParseFloat: parsing "abc": invalid syntax',
    );
  });
});
