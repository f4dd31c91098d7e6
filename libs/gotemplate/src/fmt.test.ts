// Go's fmt.Sprintf, per the fmt package documentation and Go's output.
import { describe, expect, it } from 'vitest';
import { GoTypedString, float64, sprint, sprintf } from './index.ts';

describe('sprintf', () => {
  it.each([
    ['%d', [42], '42'],
    ['%5d|%-5d|%05d', [42, 42, -42], '   42|42   |-0042'],
    ['%+d % d', [5, 5], '+5  5'],
    ['%x %X %#x %o %#o %O %b', [255, 255, 255, 8, 8, 8, 5], 'ff FF 0xff 10 010 0o10 101'],
    ['%c %q %U %#U', [65, 120, 0x1f600, 0x41], "A 'x' U+1F600 U+0041 'A'"],
    ['%f %.2f %8.3f %-8.1f|', [float64(3), 3.14159, 3.14159, 2.5], '3.000000 3.14    3.142 2.5     |'],
    ['%.0f %.0f %.0f %.1f', [0.5, 1.5, 2.5, 0.25], '0 2 2 0.2'],
    ['%e %E %.2e', [1234.5678, 0.000123, float64(0)], '1.234568e+03 1.230000E-04 0.00e+00'],
    [
      '%g %g %g %g %.3g',
      [float64(1e6), float64(100000), 1e-5, 0.0001, 1234.5],
      '1e+06 100000 1e-05 0.0001 1.23e+03',
    ],
    ['%v %v %v', [float64(1e21), 123456789.5, -0.5], '1e+21 1.234567895e+08 -0.5'],
    ['%s|%10s|%-10s|%.2s', ['go', 'go', 'go', 'gopher'], 'go|        go|go        |go'],
    ['%q %+q %#q', ['a"b\n', 'é', 'raw'], '"a\\"b\\n" "\\u00e9" `raw`'],
    ['%x % x %X', ['hi', 'hi', 'é'], '6869 68 69 C3A9'],
    ['%t %v', [true, false], 'true false'],
    [
      '%v %d %q',
      [
        ['a', 'b'],
        [1, 2],
        ['a', 'b'],
      ],
      '[a b] [1 2] ["a" "b"]',
    ],
    ['%v', [{ b: 1, a: [2] }], 'map[a:[2] b:1]'],
    [
      '%T %T %T %T %T',
      [1, 1.5, 'x', true, new GoTypedString('template.HTML', '')],
      'int float64 string bool template.HTML',
    ],
    ['%d %s', [1], '1 %!s(MISSING)'],
    ['%d', [1, 'x', 2], '1%!(EXTRA string=x, int=2)'],
    ['%d %s %t', ['x', 1, 1], '%!d(string=x) %!s(int=1) %!t(int=1)'],
    ['%s %v %d', [null, null, null], '%!s(<nil>) <nil> %!d(<nil>)'],
    ['%z', [1], '%!z(int=1)'],
    ['100%%', [], '100%'],
    ['%', [], '%!(NOVERB)'],
    ['%*d|%-*d|%.*f', [5, 1, 4, 2, 2, 3.14159], '    1|2   |3.14'],
    ['%[2]s %[1]s %s', ['a', 'b'], 'b a b'],
    ['%[3]s', ['a'], '%!s(BADINDEX)'],
  ])('%s', (format, args, want) => {
    expect(sprintf(format, args as unknown[])).toBe(want);
  });

  it('sprint puts spaces between non-string operands only', () => {
    expect(sprint([1, 2, 'a', 'b', 3, true])).toBe('1 2ab3 true');
  });
});
