import { describe, expect, it } from 'vitest';
import { parseTargetSelector } from './match-target.ts';

describe('parseTargetSelector', () => {
  it('parses matchers of every kind, quotes and escapes', () => {
    const ms = parseTargetSelector(`{job="node", instance=~'h.*', env!="a\\"b", x!~\`y\\z\`}`);
    expect(ms.map((m) => [m.name, m.type, m.value])).toEqual([
      ['job', '=', 'node'],
      ['instance', '=~', 'h.*'],
      ['env', '!=', 'a"b'],
      ['x', '!~', 'y\\z'],
    ]);
    expect(parseTargetSelector('up').map((m) => [m.name, m.value])).toEqual([['__name__', 'up']]);
  });

  it('refuses bad selectors with the position', () => {
    expect(() => parseTargetSelector('{job=node}')).toThrow('parse error at char 6: expected quoted string');
    expect(() => parseTargetSelector('{job=""}')).toThrow('at least one non-empty matcher');
    expect(() => parseTargetSelector('{job="a"')).toThrow('expected');
  });
});
