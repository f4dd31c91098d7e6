// The PromQL lexer's token states: statements, inside braces, and duration expressions in
// brackets, as upstream's state machine; character scanning lives in lexer-scan.ts.
import { goQuoteRune } from './go-format.ts';
import { EOF, WORD_TYPES, isAlpha, isAlphaNumeric, isDigit, isSpace } from './lexer-tokens.ts';
import type { Token } from './lexer-tokens.ts';
import { Scanner } from './lexer-scan.ts';

export { AGGREGATORS, describeToken, isPunctuationOrWord } from './lexer-tokens.ts';
export type { Token, TokenType } from './lexer-tokens.ts';

/**
 * The PromQL lexer, a port of upstream's state machine: tokens come one at a time and the
 * lexer tracks braces, brackets and parentheses itself. A lexical error yields one ERROR
 * token (its text is upstream's message, its position the start of the bad item), then EOF.
 */
export class Lexer extends Scanner {
  /** The next token; EOF forever once the input or an error has ended the scan. */
  next(): Token {
    if (this.done) return this.token('EOF', this.pos, '');
    for (;;) {
      this.start = this.pos;
      const t = this.braceOpen
        ? this.lexInsideBraces()
        : this.mode === 'duration'
          ? this.lexDurationExpr()
          : this.lexStatements();
      if (t === null) continue;
      if (t.type === 'ERROR' || t.type === 'EOF') this.done = true;
      return t;
    }
  }

  protected skipLineComment(): void {
    while (this.pos < this.input.length) {
      const c = this.input.charCodeAt(this.pos);
      if (c === 0x0a || c === 0x0d) break;
      this.pos++;
    }
  }

  // --- states ---

  protected lexStatements(): Token | null {
    if (this.input.charCodeAt(this.pos) === 0x23 /* # */) {
      this.skipLineComment();
      return null;
    }
    const r = this.nextChar();
    if (r === EOF) {
      if (this.parenDepth !== 0) return this.error('unclosed left parenthesis');
      if (this.bracketOpen) return this.error('unclosed left bracket');
      return this.emit('EOF');
    }
    if (isSpace(r)) {
      while (isSpace(this.peek())) this.nextChar();
      return null;
    }
    switch (r) {
      case 0x2c:
        return this.emit(',');
      case 0x2a:
        return this.emit('*');
      case 0x2f:
        return this.emit('/');
      case 0x25:
        return this.emit('%');
      case 0x2b:
        return this.emit('+');
      case 0x2d:
        return this.emit('-');
      case 0x5e:
        return this.emit('^');
      case 0x40:
        return this.emit('@');
      case 0x3d: {
        const t = this.peek();
        if (t === 0x3d) {
          this.nextChar();
          return this.emit('==');
        }
        if (t === 0x7e) return this.error(`unexpected character after '=': ${goQuoteRune(t)}`);
        return this.emit('=');
      }
      case 0x21: {
        const t = this.nextChar();
        if (t !== 0x3d) return this.error(`unexpected character after '!': ${goQuoteRune(t)}`);
        return this.emit('!=');
      }
      case 0x3c: {
        const t = this.peek();
        if (t === 0x3d) {
          this.nextChar();
          return this.emit('<=');
        }
        if (t === 0x2f) {
          this.nextChar();
          return this.emit('</');
        }
        return this.emit('<');
      }
      case 0x3e: {
        const t = this.peek();
        if (t === 0x3d) {
          this.nextChar();
          return this.emit('>=');
        }
        if (t === 0x2f) {
          this.nextChar();
          return this.emit('>/');
        }
        return this.emit('>');
      }
      case 0x22:
      case 0x27:
        return this.lexString(r);
      case 0x60:
        return this.lexRawString();
      case 0x28:
        this.parenDepth++;
        return this.emit('(');
      case 0x29: {
        const t = this.emit(')');
        this.parenDepth--;
        if (this.parenDepth < 0) return this.error(`unexpected right parenthesis ${goQuoteRune(r)}`, t.end);
        return t;
      }
      case 0x7b:
        this.braceOpen = true;
        return this.emit('{');
      case 0x5b: {
        if (this.bracketOpen) return this.error(`unexpected left bracket ${goQuoteRune(r)}`);
        this.gotColon = false;
        const t = this.emit('[');
        while (isSpace(this.peek())) this.nextChar();
        this.bracketOpen = true;
        this.mode = 'duration';
        return t;
      }
      case 0x5d:
        if (!this.bracketOpen) return this.error(`unexpected right bracket ${goQuoteRune(r)}`);
        this.bracketOpen = false;
        return this.emit(']');
    }
    if (isDigit(r) || (r === 0x2e && isDigit(this.peek()))) {
      this.backup();
      return this.lexNumberOrDuration();
    }
    if (isAlpha(r) || r === 0x3a) {
      if (!this.bracketOpen) {
        this.backup();
        return this.lexKeywordOrIdentifier();
      }
      if (r === 0x3a) {
        if (this.gotColon) return this.error(`unexpected colon ${goQuoteRune(r)}`);
        this.gotColon = true;
        return this.emit(':');
      }
      const keyword = this.scanDurationKeyword();
      if (keyword) return keyword;
      return this.error(`unexpected character: ${goQuoteRune(r)}, expected ':'`);
    }
    return this.error(`unexpected character: ${goQuoteRune(r)}`);
  }

  protected lexDurationExpr(): Token | null {
    const r = this.nextChar();
    switch (r) {
      case EOF:
        return this.error('unexpected end of input in duration expression');
      case 0x5d:
        this.bracketOpen = false;
        this.gotColon = false;
        this.mode = 'statements';
        return this.emit(']');
      case 0x3a: {
        const t = this.emit(':');
        if (!this.gotDuration)
          return this.error('unexpected colon before duration in duration expression', t.end);
        if (this.gotColon) return this.error('unexpected repeated colon in duration expression', t.end);
        this.gotColon = true;
        return t;
      }
      case 0x28:
        this.parenDepth++;
        return this.emit('(');
      case 0x29: {
        const t = this.emit(')');
        this.parenDepth--;
        if (this.parenDepth < 0) return this.error(`unexpected right parenthesis ${goQuoteRune(r)}`, t.end);
        return t;
      }
      case 0x2b:
        return this.emit('+');
      case 0x2d:
        return this.emit('-');
      case 0x2a:
        return this.emit('*');
      case 0x2f:
        return this.emit('/');
      case 0x25:
        return this.emit('%');
      case 0x5e:
        return this.emit('^');
      case 0x2c:
        return this.emit(',');
    }
    if (isSpace(r)) {
      while (isSpace(this.peek())) this.nextChar();
      return null;
    }
    if (isAlpha(r)) {
      const keyword = this.scanDurationKeyword();
      if (keyword) return keyword;
      return this.error(`unexpected character in duration expression: ${goQuoteRune(r)}`);
    }
    if (isDigit(r) || (r === 0x2e && isDigit(this.peek()))) {
      this.backup();
      this.gotDuration = true;
      this.mode = 'statements';
      return this.lexNumberOrDuration();
    }
    return this.error(`unexpected character in duration expression: ${goQuoteRune(r)}`);
  }

  /** `step`, `range`, `min_of`, `max_of` inside brackets (any letter case). */
  protected scanDurationKeyword(): Token | null {
    while (isAlpha(this.peek())) this.nextChar();
    const word = this.input.slice(this.start, this.pos).toLowerCase();
    if (word === 'step' || word === 'range' || word === 'min_of' || word === 'max_of') return this.emit(word);
    return null;
  }

  protected lexInsideBraces(): Token | null {
    if (this.input.charCodeAt(this.pos) === 0x23) {
      this.skipLineComment();
      return null;
    }
    const r = this.nextChar();
    if (r === EOF) return this.error('unexpected end of input inside braces');
    if (isSpace(r)) {
      while (isSpace(this.peek())) this.nextChar();
      return null;
    }
    if (isAlpha(r)) {
      const input = this.input;
      let i = this.pos;
      while (i < input.length && isAlphaNumeric(input.charCodeAt(i))) i++;
      this.pos = i;
      return this.emit('IDENTIFIER');
    }
    switch (r) {
      case 0x2c:
        return this.emit(',');
      case 0x22:
      case 0x27:
        return this.lexString(r);
      case 0x60:
        return this.lexRawString();
      case 0x3d:
        if (this.peek() === 0x7e) {
          this.nextChar();
          return this.emit('=~');
        }
        return this.emit('=');
      case 0x21: {
        const nr = this.nextChar();
        if (nr === 0x7e) return this.emit('!~');
        if (nr === 0x3d) return this.emit('!=');
        return this.error(`unexpected character after '!' inside braces: ${goQuoteRune(nr)}`);
      }
      case 0x7b:
        return this.error(`unexpected left brace ${goQuoteRune(r)}`);
      case 0x7d:
        this.braceOpen = false;
        return this.emit('}');
    }
    return this.error(`unexpected character inside braces: ${goQuoteRune(r)}`);
  }

  protected lexKeywordOrIdentifier(): Token {
    const input = this.input;
    let i = this.pos;
    while (i < input.length) {
      const c = input.charCodeAt(i);
      if (!isAlphaNumeric(c) && c !== 0x3a) break;
      i++;
    }
    this.pos = i;
    const word = this.input.slice(this.start, this.pos);
    // Keywords are at most 12 characters; longer words skip the lookup.
    const lower = word.length <= 12 ? word.toLowerCase() : '';
    if (lower === 'inf' || lower === 'nan') return this.token('NUMBER', this.start, word);
    const kw = WORD_TYPES.get(lower);
    if (kw !== undefined) {
      if ((kw === 'fill' || kw === 'fill_left' || kw === 'fill_right') && !this.followedByLeftParen()) {
        return this.token('IDENTIFIER', this.start, word);
      }
      return this.token(kw, this.start, word);
    }
    return this.token(word.includes(':') ? 'METRIC_IDENTIFIER' : 'IDENTIFIER', this.start, word);
  }

  protected followedByLeftParen(): boolean {
    for (let i = this.pos; i < this.input.length; i++) {
      const c = this.input.charCodeAt(i);
      if (!isSpace(c)) return c === 0x28;
    }
    return false;
  }
}
