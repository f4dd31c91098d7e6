import { Matcher } from '@argus/model';
import type { MatchType } from '@argus/model';

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*/;
const LABEL = /^[a-zA-Z_][a-zA-Z0-9_]*/;
const OP = /^(=~|!~|!=|=)/;

/**
 * Parses the `match_target` selector of `/api/v1/targets/metadata` (`{job="x",instance=~"a.*"}`,
 * optionally with a metric name before the braces) into matchers. Strings are PromQL's:
 * double or single quoted with Go escapes, or backquoted raw. A bad selector throws an
 * error naming the position.
 */
export function parseTargetSelector(input: string): Matcher[] {
  let rest = input.trim();
  const matchers: Matcher[] = [];
  const fail = (what: string): never => {
    throw new Error(`parse error at char ${input.length - rest.length + 1}: ${what}`);
  };
  const name = NAME.exec(rest);
  if (name) {
    matchers.push(Matcher.equal('__name__', name[0]));
    rest = rest.slice(name[0].length).trimStart();
    if (rest === '') return matchers;
  }
  if (!rest.startsWith('{')) fail('unexpected character, expected "{"');
  rest = rest.slice(1).trimStart();
  while (!rest.startsWith('}')) {
    const label = LABEL.exec(rest) ?? fail('expected label name');
    rest = rest.slice(label[0].length).trimStart();
    const op = OP.exec(rest) ?? fail('expected label matching operator');
    rest = rest.slice(op[0].length).trimStart();
    const [value, length] = readString(rest) ?? fail('expected quoted string');
    rest = rest.slice(length).trimStart();
    matchers.push(Matcher.of(op[0] as MatchType, label[0], value));
    if (rest.startsWith(',')) rest = rest.slice(1).trimStart();
    else if (!rest.startsWith('}')) fail('expected "," or "}"');
  }
  if (rest.slice(1).trim() !== '') fail('unexpected characters after "}"');
  if (matchers.length === 0 || matchers.every((m) => m.matchesEmpty))
    fail('vector selector must contain at least one non-empty matcher');
  return matchers;
}

/** A quoted string at the start of `s`: its value and the characters it spans. */
function readString(s: string): [string, number] | undefined {
  const quote = s[0];
  if (quote === '`') {
    const end = s.indexOf('`', 1);
    return end < 0 ? undefined : [s.slice(1, end), end + 1];
  }
  if (quote !== '"' && quote !== "'") return undefined;
  let out = '';
  for (let i = 1; i < s.length; i++) {
    const c = s[i]!;
    if (c === quote) return [out, i + 1];
    if (c !== '\\') {
      out += c;
      continue;
    }
    const next = s[++i];
    const simple: Record<string, string> = { n: '\n', t: '\t', r: '\r', '\\': '\\', '"': '"', "'": "'" };
    if (next !== undefined && next in simple) out += simple[next];
    else if (next === 'u' || next === 'x') {
      const width = next === 'u' ? 4 : 2;
      const hex = s.slice(i + 1, i + 1 + width);
      if (!/^[0-9a-fA-F]+$/.test(hex) || hex.length !== width) return undefined;
      out += String.fromCharCode(parseInt(hex, 16));
      i += width;
    } else return undefined;
  }
  return undefined;
}
