import { goQuote, goQuoteRune, goRuneDescription } from './go-format.ts';

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

type AggregatorWord =
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

type KeywordWord =
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

const KEYWORDS: ReadonlySet<string> = new Set<KeywordWord>([
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

const WORD_OPERATORS: ReadonlySet<string> = new Set(['and', 'or', 'unless', 'atan2']);
const PREPROCESSORS: ReadonlySet<string> = new Set(['start', 'end', 'step', 'range']);

const SYMBOL_OPERATORS: ReadonlySet<string> = new Set([
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

const PUNCTUATION: ReadonlySet<string> = new Set(['(', ')', '{', '}', '[', ']', ',', '=', ':']);

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
function truncatedQuote(text: string): string {
  if (utf8ByteLength(text) <= 10) return goQuote(text);
  return goQuote(Array.from(text).slice(0, 10).join('')) + '...';
}

function utf8ByteLength(s: string): number {
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
const WORD_TYPES: ReadonlyMap<string, TokenType> = new Map(
  [...KEYWORDS, ...AGGREGATORS, ...WORD_OPERATORS, ...PREPROCESSORS].map((w) => [w, w as TokenType]),
);

const EOF = -1;

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;
}
function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}
function isAlpha(c: number): boolean {
  return c === 0x5f || (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a);
}
function isAlphaNumeric(c: number): boolean {
  return isAlpha(c) || isDigit(c);
}
function has(set: string, c: number): boolean {
  if (c === EOF || c > 0x7f) return false;
  return set.indexOf(String.fromCharCode(c)) >= 0;
}

type Mode = 'statements' | 'duration';

/**
 * The PromQL lexer, a port of upstream's state machine: tokens come one at a time and the
 * lexer tracks braces, brackets and parentheses itself. A lexical error yields one ERROR
 * token (its text is upstream's message, its position the start of the bad item), then EOF.
 */
export class Lexer {
  #pos = 0;
  #start = 0;
  #parenDepth = 0;
  #braceOpen = false;
  #bracketOpen = false;
  #mode: Mode = 'statements';
  #gotColon = false;
  #gotDuration = false;
  #done = false;

  constructor(readonly input: string) {}

  /** The next token; EOF forever once the input or an error has ended the scan. */
  next(): Token {
    if (this.#done) return this.#token('EOF', this.#pos, '');
    for (;;) {
      this.#start = this.#pos;
      const t = this.#braceOpen
        ? this.#lexInsideBraces()
        : this.#mode === 'duration'
          ? this.#lexDurationExpr()
          : this.#lexStatements();
      if (t === null) continue;
      if (t.type === 'ERROR' || t.type === 'EOF') this.#done = true;
      return t;
    }
  }

  // --- character access (code points, like Go's rune decoding) ---

  #peek(): number {
    if (this.#pos >= this.input.length) return EOF;
    return this.input.codePointAt(this.#pos)!;
  }

  #nextChar(): number {
    if (this.#pos >= this.input.length) {
      this.#width = 0;
      return EOF;
    }
    const c = this.input.codePointAt(this.#pos)!;
    this.#width = c > 0xffff ? 2 : 1;
    this.#pos += this.#width;
    return c;
  }
  #width = 0;

  #backup(): void {
    this.#pos -= this.#width;
  }

  #accept(valid: string): boolean {
    if (has(valid, this.#nextChar())) return true;
    this.#backup();
    return false;
  }

  #is(valid: string): boolean {
    return has(valid, this.#peek());
  }

  #acceptRun(valid: string): void {
    while (has(valid, this.#nextChar()));
    this.#backup();
  }

  #token(type: TokenType, pos = this.#start, text = this.input.slice(pos, this.#pos)): Token {
    return { type, text, pos, end: pos + text.length };
  }

  #emit(type: TokenType): Token {
    return this.#token(type, this.#start, this.input.slice(this.#start, this.#pos));
  }

  /** An ERROR token at `pos` (default: the start of the current item, as upstream's `l.start`). */
  #error(message: string, pos = this.#start): Token {
    return { type: 'ERROR', text: message, pos, end: this.input.length };
  }

  #skipLineComment(): void {
    while (this.#pos < this.input.length) {
      const c = this.input.charCodeAt(this.#pos);
      if (c === 0x0a || c === 0x0d) break;
      this.#pos++;
    }
  }

  // --- states ---

  #lexStatements(): Token | null {
    if (this.input.charCodeAt(this.#pos) === 0x23 /* # */) {
      this.#skipLineComment();
      return null;
    }
    const r = this.#nextChar();
    if (r === EOF) {
      if (this.#parenDepth !== 0) return this.#error('unclosed left parenthesis');
      if (this.#bracketOpen) return this.#error('unclosed left bracket');
      return this.#emit('EOF');
    }
    if (isSpace(r)) {
      while (isSpace(this.#peek())) this.#nextChar();
      return null;
    }
    switch (r) {
      case 0x2c:
        return this.#emit(',');
      case 0x2a:
        return this.#emit('*');
      case 0x2f:
        return this.#emit('/');
      case 0x25:
        return this.#emit('%');
      case 0x2b:
        return this.#emit('+');
      case 0x2d:
        return this.#emit('-');
      case 0x5e:
        return this.#emit('^');
      case 0x40:
        return this.#emit('@');
      case 0x3d: {
        const t = this.#peek();
        if (t === 0x3d) {
          this.#nextChar();
          return this.#emit('==');
        }
        if (t === 0x7e) return this.#error(`unexpected character after '=': ${goQuoteRune(t)}`);
        return this.#emit('=');
      }
      case 0x21: {
        const t = this.#nextChar();
        if (t !== 0x3d) return this.#error(`unexpected character after '!': ${goQuoteRune(t)}`);
        return this.#emit('!=');
      }
      case 0x3c: {
        const t = this.#peek();
        if (t === 0x3d) {
          this.#nextChar();
          return this.#emit('<=');
        }
        if (t === 0x2f) {
          this.#nextChar();
          return this.#emit('</');
        }
        return this.#emit('<');
      }
      case 0x3e: {
        const t = this.#peek();
        if (t === 0x3d) {
          this.#nextChar();
          return this.#emit('>=');
        }
        if (t === 0x2f) {
          this.#nextChar();
          return this.#emit('>/');
        }
        return this.#emit('>');
      }
      case 0x22:
      case 0x27:
        return this.#lexString(r);
      case 0x60:
        return this.#lexRawString();
      case 0x28:
        this.#parenDepth++;
        return this.#emit('(');
      case 0x29: {
        const t = this.#emit(')');
        this.#parenDepth--;
        if (this.#parenDepth < 0) return this.#error(`unexpected right parenthesis ${goQuoteRune(r)}`, t.end);
        return t;
      }
      case 0x7b:
        this.#braceOpen = true;
        return this.#emit('{');
      case 0x5b: {
        if (this.#bracketOpen) return this.#error(`unexpected left bracket ${goQuoteRune(r)}`);
        this.#gotColon = false;
        const t = this.#emit('[');
        while (isSpace(this.#peek())) this.#nextChar();
        this.#bracketOpen = true;
        this.#mode = 'duration';
        return t;
      }
      case 0x5d:
        if (!this.#bracketOpen) return this.#error(`unexpected right bracket ${goQuoteRune(r)}`);
        this.#bracketOpen = false;
        return this.#emit(']');
    }
    if (isDigit(r) || (r === 0x2e && isDigit(this.#peek()))) {
      this.#backup();
      return this.#lexNumberOrDuration();
    }
    if (isAlpha(r) || r === 0x3a) {
      if (!this.#bracketOpen) {
        this.#backup();
        return this.#lexKeywordOrIdentifier();
      }
      if (r === 0x3a) {
        if (this.#gotColon) return this.#error(`unexpected colon ${goQuoteRune(r)}`);
        this.#gotColon = true;
        return this.#emit(':');
      }
      const keyword = this.#scanDurationKeyword();
      if (keyword) return keyword;
      return this.#error(`unexpected character: ${goQuoteRune(r)}, expected ':'`);
    }
    return this.#error(`unexpected character: ${goQuoteRune(r)}`);
  }

  #lexDurationExpr(): Token | null {
    const r = this.#nextChar();
    switch (r) {
      case EOF:
        return this.#error('unexpected end of input in duration expression');
      case 0x5d:
        this.#bracketOpen = false;
        this.#gotColon = false;
        this.#mode = 'statements';
        return this.#emit(']');
      case 0x3a: {
        const t = this.#emit(':');
        if (!this.#gotDuration)
          return this.#error('unexpected colon before duration in duration expression', t.end);
        if (this.#gotColon) return this.#error('unexpected repeated colon in duration expression', t.end);
        this.#gotColon = true;
        return t;
      }
      case 0x28:
        this.#parenDepth++;
        return this.#emit('(');
      case 0x29: {
        const t = this.#emit(')');
        this.#parenDepth--;
        if (this.#parenDepth < 0) return this.#error(`unexpected right parenthesis ${goQuoteRune(r)}`, t.end);
        return t;
      }
      case 0x2b:
        return this.#emit('+');
      case 0x2d:
        return this.#emit('-');
      case 0x2a:
        return this.#emit('*');
      case 0x2f:
        return this.#emit('/');
      case 0x25:
        return this.#emit('%');
      case 0x5e:
        return this.#emit('^');
      case 0x2c:
        return this.#emit(',');
    }
    if (isSpace(r)) {
      while (isSpace(this.#peek())) this.#nextChar();
      return null;
    }
    if (isAlpha(r)) {
      const keyword = this.#scanDurationKeyword();
      if (keyword) return keyword;
      return this.#error(`unexpected character in duration expression: ${goQuoteRune(r)}`);
    }
    if (isDigit(r) || (r === 0x2e && isDigit(this.#peek()))) {
      this.#backup();
      this.#gotDuration = true;
      this.#mode = 'statements';
      return this.#lexNumberOrDuration();
    }
    return this.#error(`unexpected character in duration expression: ${goQuoteRune(r)}`);
  }

  /** `step`, `range`, `min_of`, `max_of` inside brackets (any letter case). */
  #scanDurationKeyword(): Token | null {
    while (isAlpha(this.#peek())) this.#nextChar();
    const word = this.input.slice(this.#start, this.#pos).toLowerCase();
    if (word === 'step' || word === 'range' || word === 'min_of' || word === 'max_of')
      return this.#emit(word);
    return null;
  }

  #lexInsideBraces(): Token | null {
    if (this.input.charCodeAt(this.#pos) === 0x23) {
      this.#skipLineComment();
      return null;
    }
    const r = this.#nextChar();
    if (r === EOF) return this.#error('unexpected end of input inside braces');
    if (isSpace(r)) {
      while (isSpace(this.#peek())) this.#nextChar();
      return null;
    }
    if (isAlpha(r)) {
      const input = this.input;
      let i = this.#pos;
      while (i < input.length && isAlphaNumeric(input.charCodeAt(i))) i++;
      this.#pos = i;
      return this.#emit('IDENTIFIER');
    }
    switch (r) {
      case 0x2c:
        return this.#emit(',');
      case 0x22:
      case 0x27:
        return this.#lexString(r);
      case 0x60:
        return this.#lexRawString();
      case 0x3d:
        if (this.#peek() === 0x7e) {
          this.#nextChar();
          return this.#emit('=~');
        }
        return this.#emit('=');
      case 0x21: {
        const nr = this.#nextChar();
        if (nr === 0x7e) return this.#emit('!~');
        if (nr === 0x3d) return this.#emit('!=');
        return this.#error(`unexpected character after '!' inside braces: ${goQuoteRune(nr)}`);
      }
      case 0x7b:
        return this.#error(`unexpected left brace ${goQuoteRune(r)}`);
      case 0x7d:
        this.#braceOpen = false;
        return this.#emit('}');
    }
    return this.#error(`unexpected character inside braces: ${goQuoteRune(r)}`);
  }

  #lexString(quote: number): Token {
    const input = this.input;
    for (;;) {
      // Fast path over plain characters; escapes, line ends and the quote go the long way.
      let i = this.#pos;
      for (
        let c = input.charCodeAt(i);
        i < input.length && c !== quote && c !== 0x5c && c !== 0x0a;
        c = input.charCodeAt(++i)
      );
      this.#pos = i;
      const c = this.#nextChar();
      if (c === 0x5c) {
        const err = this.#lexEscape(quote);
        if (err) return err;
        continue;
      }
      if (c === EOF || c === 0x0a) return this.#error('unterminated quoted string');
      if (c === quote) return this.#emit('STRING');
    }
  }

  #lexEscape(quote: number): Token | null {
    let ch = this.#nextChar();
    let n: number;
    let base: number;
    let max: number;
    switch (ch) {
      case 0x61:
      case 0x62:
      case 0x66:
      case 0x6e:
      case 0x72:
      case 0x74:
      case 0x76:
      case 0x5c:
      case quote:
        return null;
      case 0x78:
        ch = this.#nextChar();
        [n, base, max] = [2, 16, 255];
        break;
      case 0x75:
        ch = this.#nextChar();
        [n, base, max] = [4, 16, 0x10ffff];
        break;
      case 0x55:
        ch = this.#nextChar();
        [n, base, max] = [8, 16, 0x10ffff];
        break;
      case EOF:
        return this.#error('escape sequence not terminated');
      default:
        if (ch >= 0x30 && ch <= 0x37) {
          [n, base, max] = [3, 8, 255];
          break;
        }
        return this.#error(`unknown escape sequence ${goRuneDescription(ch)}`);
    }
    let x = 0;
    while (n > 0) {
      const d = digitVal(ch);
      if (d >= base) {
        if (ch === EOF) return this.#error('escape sequence not terminated');
        return this.#error(`illegal character ${goRuneDescription(ch)} in escape sequence`);
      }
      x = x * base + d;
      n--;
      if (n > 0) ch = this.#nextChar();
    }
    if (x > max || (x >= 0xd800 && x < 0xe000))
      return this.#error('escape sequence is an invalid Unicode code point');
    return null;
  }

  #lexRawString(): Token {
    const close = this.input.indexOf('`', this.#pos);
    if (close < 0) {
      this.#pos = this.input.length;
      return this.#error('unterminated raw string');
    }
    this.#pos = close + 1;
    return this.#emit('STRING');
  }

  #lexNumberOrDuration(): Token {
    if (this.#scanNumber()) return this.#emit('NUMBER');
    if (this.#acceptRemainingDuration()) {
      this.#backup();
      return this.#emit('DURATION');
    }
    return this.#error(`bad number or duration syntax: ${goQuote(this.input.slice(this.#start, this.#pos))}`);
  }

  #acceptRemainingDuration(): boolean {
    if (!this.#accept('smhdwy')) return false;
    this.#accept('s');
    while (this.#accept('0123456789')) {
      while (this.#accept('0123456789'));
      if (!this.#accept('smhdw')) return false;
      this.#accept('s');
    }
    return !isAlphaNumeric(this.#nextChar());
  }

  /** Upstream's permissive number scan; the parser validates the text with Go's rules. */
  #scanNumber(): boolean {
    const initial = this.#pos;
    let digits = '0123456789';
    if (this.#accept('0') && this.#accept('xX')) {
      this.#accept('_');
      digits = '0123456789abcdefABCDEF';
    }
    this.#accept('.');
    this.#accept(digits);
    let dotConsumed = false;
    let exponentConsumed = false;
    const all = digits + '._eE';
    while (this.#is(all)) {
      if (this.#is('.') && dotConsumed) {
        this.#accept('.');
        return false;
      }
      if (this.#is('eE') && exponentConsumed) {
        this.#accept('eE');
        return false;
      }
      if (this.#accept('.')) {
        dotConsumed = true;
        if (this.#accept('_.')) return false;
        if (digits.length > 10) return false;
        continue;
      }
      if (this.#accept('eE')) {
        exponentConsumed = true;
        this.#accept('+-');
        if (this.#accept('._eE') || this.#peek() === EOF) return false;
        continue;
      }
      if (this.#accept('_')) {
        if (this.#accept('._eE') || this.#peek() === EOF) return false;
        continue;
      }
      this.#acceptRun(digits);
    }
    if (this.#pos === initial) return false;
    return !isAlphaNumeric(this.#peek());
  }

  #lexKeywordOrIdentifier(): Token {
    const input = this.input;
    let i = this.#pos;
    while (i < input.length) {
      const c = input.charCodeAt(i);
      if (!isAlphaNumeric(c) && c !== 0x3a) break;
      i++;
    }
    this.#pos = i;
    const word = this.input.slice(this.#start, this.#pos);
    // Keywords are at most 12 characters; longer words skip the lookup.
    const lower = word.length <= 12 ? word.toLowerCase() : '';
    if (lower === 'inf' || lower === 'nan') return this.#token('NUMBER', this.#start, word);
    const kw = WORD_TYPES.get(lower);
    if (kw !== undefined) {
      if ((kw === 'fill' || kw === 'fill_left' || kw === 'fill_right') && !this.#followedByLeftParen()) {
        return this.#token('IDENTIFIER', this.#start, word);
      }
      return this.#token(kw, this.#start, word);
    }
    return this.#token(word.includes(':') ? 'METRIC_IDENTIFIER' : 'IDENTIFIER', this.#start, word);
  }

  #followedByLeftParen(): boolean {
    for (let i = this.#pos; i < this.input.length; i++) {
      const c = this.input.charCodeAt(i);
      if (!isSpace(c)) return c === 0x28;
    }
    return false;
  }
}

function digitVal(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x61 && c <= 0x66) return c - 0x61 + 10;
  if (c >= 0x41 && c <= 0x46) return c - 0x41 + 10;
  return 16;
}
