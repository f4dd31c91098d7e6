import { describe, expect, it } from 'vitest';
import { InvalidRegexError } from './errors.ts';
import { Matcher, type MatchType } from './matcher.ts';

describe('Matcher', () => {
  it.each<{ type: MatchType; value: string; input: string; want: boolean }>([
    { type: '=', value: 'a', input: 'a', want: true },
    { type: '=', value: 'a', input: 'ab', want: false },
    { type: '=', value: '', input: '', want: true },
    { type: '!=', value: 'a', input: 'b', want: true },
    { type: '!=', value: 'a', input: 'a', want: false },
    { type: '=~', value: 'a.c', input: 'abc', want: true },
    { type: '=~', value: 'a.c', input: 'xabcx', want: false }, // fully anchored
    { type: '=~', value: 'a|b', input: 'a', want: true },
    { type: '=~', value: 'a|b', input: 'ab', want: false },
    { type: '=~', value: 'foo.*', input: 'foobar', want: true },
    { type: '=~', value: 'foo.*', input: 'fo', want: false },
    { type: '=~', value: '.*', input: '', want: true },
    { type: '=~', value: '.+', input: '', want: false },
    { type: '=~', value: 'a.b', input: 'a\nb', want: true }, // dot matches newline
    { type: '=~', value: '(?i)ABC', input: 'abc', want: true },
    { type: '=~', value: 'ab*', input: 'a', want: true },
    { type: '=~', value: 'x|y.*', input: 'yes', want: true },
    { type: '!~', value: 'a|b', input: 'c', want: true },
    { type: '!~', value: 'a|b', input: 'b', want: false },
    { type: '!~', value: '.*', input: 'anything', want: false },
  ])('$type $value on $input → $want', ({ type, value, input, want }) => {
    expect(Matcher.of(type, 'l', value).matches(input)).toBe(want);
  });

  it('exposes set matches and literal prefixes for index lookups', () => {
    expect(Matcher.regex('l', 'foo|bar|baz').setMatches).toEqual(['foo', 'bar', 'baz']);
    expect(Matcher.regex('l', 'ba(r|z)').setMatches).toBeUndefined();
    expect(Matcher.regex('l', 'api_.*').literalPrefix).toBe('api_');
    expect(Matcher.regex('l', 'abc+').literalPrefix).toBe('abc');
    expect(Matcher.regex('l', 'abc*').literalPrefix).toBe('ab');
    expect(Matcher.notRegex('l', 'api_.*').literalPrefix).toBe('');
  });

  it('knows whether an absent label matches', () => {
    expect(Matcher.equal('l', '').matchesEmpty).toBe(true);
    expect(Matcher.regex('l', 'a?').matchesEmpty).toBe(true);
    expect(Matcher.regex('l', 'a+').matchesEmpty).toBe(false);
    expect(Matcher.notEqual('l', 'x').matchesEmpty).toBe(true);
  });

  it('rejects patterns RE2 refuses, including backreferences', () => {
    expect(() => Matcher.regex('l', '(a')).toThrow(InvalidRegexError);
    expect(() => Matcher.regex('l', '(a)\\1')).toThrow(InvalidRegexError);
  });

  it('answers a catastrophic-backtracking pattern in linear time', () => {
    const m = Matcher.regex('l', '(a+)+$');
    expect(m.matches('a'.repeat(5000) + 'b')).toBe(false);
  });

  it('prints in PromQL syntax', () => {
    expect(Matcher.regex('job', 'a"b').toString()).toBe('job=~"a\\"b"');
    expect(Matcher.equal('a.b', 'x').toString()).toBe('"a.b"="x"');
  });
});
