// Token types, keyword tables and character classes of the PromQL lexer (lexer.ts).
import { goQuote } from './go-format.ts';

/**
 * Token kinds. Punctuation and operators are spelled as in PromQL; keywords, aggregation
 * operators and the `start`/`end`/`step`/`range` preprocessors use their lower-case word.
 */
export type TokenType =
  | 'EOF'
  | 'ERROR'
  | 'IDENTIFIER'
  | 'METRIC_IDENTIFIER'
  | 'NUMBER'
  | 'DURATION'
  | 'STRING'
  | '('
  | ')'
  | '{'
  | '}'
  | '['
  | ']'
  | ','
  | '='
  | ':'
  | '+'
  | '-'
  | '*'
  | '/'
  | '%'
  | '^'
  | '=='
  | '!='
  | '<'
  | '<='
  | '>'
  | '>='
  | '=~'
  | '!~'
  | '@'
  | '</'
  | '>/'
  | 'and'
  | 'or'
  | 'unless'
  | 'atan2'
  | AggregatorWord
  | KeywordWord
  | 'start'
  | 'end'
  | 'step'
  | 'range'
  | 'min_of'
  | 'max_of';

export type AggregatorWord =
  | 'sum'
  | 'avg'
  | 'count'
  | 'min'
  | 'max'
  | 'group'
  | 'stddev'
  | 'stdvar'
  | 'topk'
  | 'bottomk'
  | 'count_values'
  | 'quantile'
  | 'limitk'
  | 'limit_ratio';

export type KeywordWord =
  | 'offset'
  | 'smoothed'
  | 'anchored'
  | 'by'
  | 'without'
  | 'on'
  | 'ignoring'
  | 'group_left'
  | 'group_right'
  | 'fill'
  | 'fill_left'
  | 'fill_right'
  | 'bool';

/** One lexical item: its kind, its exact source text and where it starts (string index). */
export interface Token {
  readonly type: TokenType;
  /** Source text; for ERROR tokens the lexer's message. */
  readonly text: string;
  readonly pos: number;
  readonly end: number;
}

export const AGGREGATORS: ReadonlySet<string> = new Set<AggregatorWord>([
  'sum',
  'avg',
  'count',
  'min',
  'max',
  'group',
  'stddev',
  'stdvar',
  'topk',
  'bottomk',
  'count_values',
  'quantile',
  'limitk',
  'limit_ratio',
]);

export const KEYWORDS: ReadonlySet<string> = new Set<KeywordWord>([
  'offset',
  'smoothed',
  'anchored',
  'by',
  'without',
  'on',
  'ignoring',
  'group_left',
  'group_right',
  'fill',
  'fill_left',
  'fill_right',
  'bool',
]);

export const WORD_OPERATORS: ReadonlySet<string> = new Set(['and', 'or', 'unless', 'atan2']);
export const PREPROCESSORS: ReadonlySet<string> = new Set(['start', 'end', 'step', 'range']);

export const SYMBOL_OPERATORS: ReadonlySet<string> = new Set([
  '+',
  '-',
  '*',
  '/',
  '%',
  '^',
  '==',
  '!=',
  '<',
  '<=',
  '>',
  '>=',
  '=~',
  '!~',
  '@',
  '</',
  '>/',
]);

export const PUNCTUATION: ReadonlySet<string> = new Set(['(', ')', '{', '}', '[', ']', ',', '=', ':']);

/** Upstream's description of a token in "unexpected …" messages. */
export function describeToken(t: Token): string {
  switch (t.type) {
    case 'EOF':
      return 'end of input';
    case 'ERROR':
      return t.text;
    case 'IDENTIFIER':
      return `identifier ${goQuote(t.text)}`;
    case 'METRIC_IDENTIFIER':
      return `metric identifier ${goQuote(t.text)}`;
    case 'NUMBER':
      return `number ${truncatedQuote(t.text)}`;
    case 'DURATION':
      return `duration ${truncatedQuote(t.text)}`;
    case 'STRING':
      return `string ${truncatedQuote(t.text)}`;
  }
  if (KEYWORDS.has(t.type)) return `<${t.text}>`;
  if (SYMBOL_OPERATORS.has(t.type) || WORD_OPERATORS.has(t.type)) return `<op:${t.text}>`;
  if (AGGREGATORS.has(t.type)) return `<aggr:${t.text}>`;
  return truncatedQuote(t.text);
}

/** Go `%q`, or `%.10q...` for text longer than ten bytes, as upstream's Item.String. */
export function truncatedQuote(text: string): string {
  if (utf8ByteLength(text) <= 10) return goQuote(text);
  return goQuote(Array.from(text).slice(0, 10).join('')) + '...';
}

export function utf8ByteLength(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    n += c < 0x80 ? 1 : c < 0x800 ? 2 : c >= 0xd800 && c <= 0xdbff ? 4 : c >= 0xdc00 && c <= 0xdfff ? 0 : 3;
  }
  return n;
}

/** Whether a token kind is listed in `ItemTypeStr` upstream (punctuation, operators, keywords). */
export function isPunctuationOrWord(type: TokenType): boolean {
  return (
    PUNCTUATION.has(type) ||
    SYMBOL_OPERATORS.has(type) ||
    WORD_OPERATORS.has(type) ||
    AGGREGATORS.has(type) ||
    KEYWORDS.has(type) ||
    PREPROCESSORS.has(type)
  );
}

/** Lower-case word → token kind for every keyword-like word of the statement lexer. */
export const WORD_TYPES: ReadonlyMap<string, TokenType> = new Map(
  [...KEYWORDS, ...AGGREGATORS, ...WORD_OPERATORS, ...PREPROCESSORS].map((w) => [w, w as TokenType]),
);

export const EOF = -1;

export function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;
}
export function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}
export function isAlpha(c: number): boolean {
  return c === 0x5f || (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a);
}
export function isAlphaNumeric(c: number): boolean {
  return isAlpha(c) || isDigit(c);
}
export function has(set: string, c: number): boolean {
  if (c === EOF || c > 0x7f) return false;
  return set.indexOf(String.fromCharCode(c)) >= 0;
}

export type Mode = 'statements' | 'duration';

export function digitVal(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x61 && c <= 0x66) return c - 0x61 + 10;
  if (c >= 0x41 && c <= 0x46) return c - 0x41 + 10;
  return 16;
}
