import { describe, expect, it } from 'vitest';
import { parseMatchers } from './parse-matchers.ts';

describe('parseMatchers', () => {
  it.each([
    { input: 'foo=bar', want: ['foo="bar"'] },
    { input: '{foo="bar", baz=~"qux.*",}', want: ['foo="bar"', 'baz=~"qux.*"'] },
    { input: 'foo!="bar"', want: ['foo!="bar"'] },
    { input: 'foo!~bar', want: ['foo!~"bar"'] },
    { input: 'foo=', want: ['foo=""'] },
    { input: '{env =~ "prod|staging"}', want: ['env=~"prod|staging"'] },
    { input: '"service.name"="api"', want: ['"service.name"="api"'] },
    { input: 'foo="a\\"b"', want: ['foo="a\\"b"'] },
    { input: 'foo="x,y", bar=z', want: ['foo="x,y"', 'bar="z"'] },
    { input: 'foo=🙂', want: ['foo="🙂"'] },
  ])('$input', ({ input, want }) => {
    expect(parseMatchers(input).map(String)).toEqual(want);
  });

  it.each(['{foo=bar', 'foo', '=bar', 'foo=~"(("', 'foo=bar}'])('refuses %s', (input) => {
    expect(() => parseMatchers(input)).toThrow();
  });

  it('matches anchored and treats a missing label as empty', () => {
    const [m] = parseMatchers('job=~"api|web"');
    expect(m!.matchesLabels({ job: 'api' })).toBe(true);
    expect(m!.matchesLabels({ job: 'xapi' })).toBe(false);
    expect(parseMatchers('level!="critical"')[0]!.matchesLabels({})).toBe(true);
  });
});
