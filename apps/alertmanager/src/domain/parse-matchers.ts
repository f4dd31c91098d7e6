import { InvalidRegexError } from '@argus/model';
import type { MatchType } from '@argus/model';
import { MatcherParseError } from '../errors.ts';
import { AmMatcher } from './am-matcher.ts';

/** Which matcher grammar to accept, as Alertmanager's `--enable-feature` modes. */
export type MatcherParseMode = 'fallback' | 'utf8' | 'classic';

/**
 * Parses one matcher or a list of them (`{a="b", c=~"d"}`, braces optional, one trailing
 * comma allowed). `fallback` (the default) tries the UTF-8 grammar and then the classic
 * one, reporting the UTF-8 error when both fail. Throws {@link MatcherParseError}.
 */
export function parseMatchers(input: string, mode: MatcherParseMode = 'fallback'): AmMatcher[] {
  if (mode === 'classic') return parseClassic(input);
  if (mode === 'utf8') return parseUtf8(input);
  try {
    return parseUtf8(input);
  } catch (utf8Error) {
    try {
      return parseClassic(input);
    } catch {
      throw utf8Error;
    }
  }
}

/** Parses exactly one matcher (`amtool`-style `name=value`). */
export function parseMatcher(input: string, mode: MatcherParseMode = 'fallback'): AmMatcher {
  const all = parseMatchers(input, mode);
  if (all.length !== 1)
    throw new MatcherParseError(`expected exactly one matcher in ${JSON.stringify(input)}`);
  return all[0]!;
}

function build(type: MatchType, name: string, value: string, input: string): AmMatcher {
  try {
    return new AmMatcher(type, name, value);
  } catch (error) {
    if (error instanceof InvalidRegexError) {
      throw new MatcherParseError(`${input}: invalid regular expression ${JSON.stringify(value)}`, {
        cause: error,
      });
    }
    throw error;
  }
}

// ---- UTF-8 grammar (Alertmanager 0.27+ `matcher/parse`) ----

const SPECIAL = new Set(['{', '}', '!', '=', '~', ',', '\\', '"', "'", '`']);

interface Token {
  kind: 'open' | 'close' | 'comma' | 'op' | 'quoted' | 'unquoted' | 'end';
  text: string;
  pos: number;
}

function lex(input: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < input.length) {
    const c = input[i]!;
    if (/\s/u.test(c)) {
      i++;
      continue;
    }
    const start = i;
    if (c === '{' || c === '}' || c === ',') {
      tokens.push({ kind: c === '{' ? 'open' : c === '}' ? 'close' : 'comma', text: c, pos: i });
      i++;
    } else if (c === '=' || c === '!') {
      const two = input.slice(i, i + 2);
      if (two === '=~' || two === '!=' || two === '!~') {
        tokens.push({ kind: 'op', text: two, pos: i });
        i += 2;
      } else if (c === '=') {
        tokens.push({ kind: 'op', text: '=', pos: i });
        i++;
      } else {
        throw new MatcherParseError(
          `${i}:${i + 1}: ${c}: invalid input: expected an operator such as '=', '!=', '=~' or '!~'`,
        );
      }
    } else if (c === '"') {
      i++;
      while (i < input.length && input[i] !== '"') {
        if (input[i] === '\\') i++;
        i++;
      }
      if (i >= input.length)
        throw new MatcherParseError(`${start}:${input.length}: ${input.slice(start)}: missing end "`);
      i++;
      tokens.push({ kind: 'quoted', text: input.slice(start, i), pos: start });
    } else if (SPECIAL.has(c)) {
      throw new MatcherParseError(`${i}:${i + 1}: ${c}: invalid input`);
    } else {
      while (i < input.length && !SPECIAL.has(input[i]!) && !/\s/u.test(input[i]!)) i++;
      tokens.push({ kind: 'unquoted', text: input.slice(start, i), pos: start });
    }
  }
  tokens.push({ kind: 'end', text: '', pos: input.length });
  return tokens;
}

function unquoteGo(text: string, pos: number): string {
  try {
    const value: unknown = JSON.parse(
      text
        .replace(/\\x([0-9a-fA-F]{2})/g, '\\u00$1')
        .replace(/\\a/g, '\\u0007')
        .replace(/\\v/g, '\\u000b'),
    );
    if (typeof value === 'string') return value;
  } catch {
    // reported below
  }
  throw new MatcherParseError(`${pos}:${pos + text.length}: ${text}: invalid input`);
}

function parseUtf8(input: string): AmMatcher[] {
  const tokens = lex(input);
  let k = 0;
  const out: AmMatcher[] = [];
  let braced = false;
  if (tokens[k]!.kind === 'open') {
    braced = true;
    k++;
  }
  const expectName = (): string => {
    const t = tokens[k]!;
    if (t.kind === 'unquoted') return (k++, t.text);
    if (t.kind === 'quoted') return (k++, unquoteGo(t.text, t.pos));
    throw new MatcherParseError(
      t.kind === 'end'
        ? `${t.pos}:${t.pos}: unexpected end of input, expected label name`
        : `${t.pos}:${t.pos + t.text.length}: ${t.text}: expected label name`,
    );
  };
  for (;;) {
    const t = tokens[k]!;
    if (t.kind === 'end') {
      if (braced) throw new MatcherParseError(`${t.pos}:${t.pos}: missing closing '}'`);
      break;
    }
    if (t.kind === 'close') {
      if (!braced) throw new MatcherParseError(`${t.pos}:${t.pos + 1}: }: unexpected '}'`);
      k++;
      if (tokens[k]!.kind !== 'end')
        throw new MatcherParseError(`${tokens[k]!.pos}: unexpected input after '}'`);
      break;
    }
    const name = expectName();
    const op = tokens[k]!;
    if (op.kind !== 'op') {
      throw new MatcherParseError(
        op.kind === 'end'
          ? `${op.pos}:${op.pos}: unexpected end of input, expected one of '=~' '!=' '=' '!~'`
          : `${op.pos}:${op.pos + op.text.length}: ${op.text}: expected one of '=~' '!=' '=' '!~'`,
      );
    }
    k++;
    const v = tokens[k]!;
    let value: string;
    if (v.kind === 'unquoted') value = v.text;
    else if (v.kind === 'quoted') value = unquoteGo(v.text, v.pos);
    else {
      throw new MatcherParseError(
        v.kind === 'end'
          ? `${v.pos}:${v.pos}: unexpected end of input, expected label value`
          : `${v.pos}:${v.pos + v.text.length}: ${v.text}: expected label value`,
      );
    }
    k++;
    out.push(build(op.text as MatchType, name, value, input));
    const sep = tokens[k]!;
    if (sep.kind === 'comma') k++;
    else if (sep.kind !== 'end' && sep.kind !== 'close') {
      throw new MatcherParseError(
        `${sep.pos}:${sep.pos + sep.text.length}: ${sep.text}: expected a comma or close brace`,
      );
    }
  }
  return out;
}

// ---- classic grammar (Alertmanager ≤ 0.26 `pkg/labels.ParseMatchers`) ----

const CLASSIC_MATCHER = /^\s*([a-zA-Z_:][a-zA-Z0-9_:]*)\s*(=~|=|!=|!~)\s*([\s\S]*?)\s*$/;

function parseClassic(input: string): AmMatcher[] {
  let body = input.trim();
  const open = body.startsWith('{');
  const close = body.endsWith('}');
  if (open !== close) throw new MatcherParseError(`bad matcher format: ${input}`);
  if (open) body = body.slice(1, -1);
  const parts: string[] = [];
  let quoted = false;
  let escaped = false;
  let start = 0;
  for (let i = 0; i < body.length; i++) {
    const c = body[i]!;
    if (escaped) escaped = false;
    else if (c === '\\') escaped = true;
    else if (c === '"') quoted = !quoted;
    else if (c === ',' && !quoted) {
      parts.push(body.slice(start, i));
      start = i + 1;
    }
  }
  const last = body.slice(start);
  if (last.trim() !== '' || parts.length === 0) parts.push(last);
  const out: AmMatcher[] = [];
  for (const part of parts) {
    if (part.trim() === '' && parts.length === 1 && body.trim() === '') continue;
    const m = CLASSIC_MATCHER.exec(part);
    if (!m) throw new MatcherParseError(`bad matcher format: ${part}`);
    let raw = m[3]!;
    if (raw.length >= 2 && raw.startsWith('"') && raw.endsWith('"')) raw = raw.slice(1, -1);
    let value = '';
    for (let i = 0; i < raw.length; i++) {
      const c = raw[i]!;
      if (c === '\\' && i + 1 < raw.length) {
        const n = raw[i + 1]!;
        if (n === '\\' || n === '"') value += n;
        else if (n === 'n') value += '\n';
        else value += c + n;
        i++;
      } else if (c === '"') {
        throw new MatcherParseError(`matcher value contains unescaped double quote: ${m[3]!}`);
      } else value += c;
    }
    out.push(build(m[2] as MatchType, m[1]!, value, input));
  }
  return out;
}
