// Character-level scanning for the PromQL lexer: cursor, strings with Go escapes, numbers
// and durations. The token states (statements, braces, duration expressions) are in lexer.ts.
import { goQuote, goRuneDescription } from './go-format.ts';
import { EOF, digitVal, has, isAlphaNumeric } from './lexer-tokens.ts';
import type { Mode, Token, TokenType } from './lexer-tokens.ts';

/**
 * The lexer's cursor over the input (code points, as Go decodes runes) and the scanners for
 * strings, escapes and numbers/durations that every lexer state uses.
 */
export class Scanner {
  protected pos = 0;
  protected start = 0;
  protected width = 0;

  protected parenDepth = 0;
  protected braceOpen = false;
  protected bracketOpen = false;
  protected mode: Mode = 'statements';
  protected gotColon = false;
  protected gotDuration = false;
  protected done = false;

  constructor(readonly input: string) {}

  // --- character access (code points, like Go's rune decoding) ---

  protected peek(): number {
    if (this.pos >= this.input.length) return EOF;
    return this.input.codePointAt(this.pos)!;
  }

  protected nextChar(): number {
    if (this.pos >= this.input.length) {
      this.width = 0;
      return EOF;
    }
    const c = this.input.codePointAt(this.pos)!;
    this.width = c > 0xffff ? 2 : 1;
    this.pos += this.width;
    return c;
  }
  protected backup(): void {
    this.pos -= this.width;
  }

  protected accept(valid: string): boolean {
    if (has(valid, this.nextChar())) return true;
    this.backup();
    return false;
  }

  protected is(valid: string): boolean {
    return has(valid, this.peek());
  }

  protected acceptRun(valid: string): void {
    while (has(valid, this.nextChar()));
    this.backup();
  }

  protected token(type: TokenType, pos = this.start, text = this.input.slice(pos, this.pos)): Token {
    return { type, text, pos, end: pos + text.length };
  }

  protected emit(type: TokenType): Token {
    return this.token(type, this.start, this.input.slice(this.start, this.pos));
  }

  /** An ERROR token at `pos` (default: the start of the current item, as upstream's `l.start`). */
  protected error(message: string, pos = this.start): Token {
    return { type: 'ERROR', text: message, pos, end: this.input.length };
  }

  protected lexString(quote: number): Token {
    const input = this.input;
    for (;;) {
      // Fast path over plain characters; escapes, line ends and the quote go the long way.
      let i = this.pos;
      for (
        let c = input.charCodeAt(i);
        i < input.length && c !== quote && c !== 0x5c && c !== 0x0a;
        c = input.charCodeAt(++i)
      );
      this.pos = i;
      const c = this.nextChar();
      if (c === 0x5c) {
        const err = this.lexEscape(quote);
        if (err) return err;
        continue;
      }
      if (c === EOF || c === 0x0a) return this.error('unterminated quoted string');
      if (c === quote) return this.emit('STRING');
    }
  }

  protected lexEscape(quote: number): Token | null {
    let ch = this.nextChar();
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
        ch = this.nextChar();
        [n, base, max] = [2, 16, 255];
        break;
      case 0x75:
        ch = this.nextChar();
        [n, base, max] = [4, 16, 0x10ffff];
        break;
      case 0x55:
        ch = this.nextChar();
        [n, base, max] = [8, 16, 0x10ffff];
        break;
      case EOF:
        return this.error('escape sequence not terminated');
      default:
        if (ch >= 0x30 && ch <= 0x37) {
          [n, base, max] = [3, 8, 255];
          break;
        }
        return this.error(`unknown escape sequence ${goRuneDescription(ch)}`);
    }
    let x = 0;
    while (n > 0) {
      const d = digitVal(ch);
      if (d >= base) {
        if (ch === EOF) return this.error('escape sequence not terminated');
        return this.error(`illegal character ${goRuneDescription(ch)} in escape sequence`);
      }
      x = x * base + d;
      n--;
      if (n > 0) ch = this.nextChar();
    }
    if (x > max || (x >= 0xd800 && x < 0xe000))
      return this.error('escape sequence is an invalid Unicode code point');
    return null;
  }

  protected lexRawString(): Token {
    const close = this.input.indexOf('`', this.pos);
    if (close < 0) {
      this.pos = this.input.length;
      return this.error('unterminated raw string');
    }
    this.pos = close + 1;
    return this.emit('STRING');
  }

  protected lexNumberOrDuration(): Token {
    if (this.scanNumber()) return this.emit('NUMBER');
    if (this.acceptRemainingDuration()) {
      this.backup();
      return this.emit('DURATION');
    }
    return this.error(`bad number or duration syntax: ${goQuote(this.input.slice(this.start, this.pos))}`);
  }

  protected acceptRemainingDuration(): boolean {
    if (!this.accept('smhdwy')) return false;
    this.accept('s');
    while (this.accept('0123456789')) {
      while (this.accept('0123456789'));
      if (!this.accept('smhdw')) return false;
      this.accept('s');
    }
    return !isAlphaNumeric(this.nextChar());
  }

  /** Upstream's permissive number scan; the parser validates the text with Go's rules. */
  protected scanNumber(): boolean {
    const initial = this.pos;
    let digits = '0123456789';
    if (this.accept('0') && this.accept('xX')) {
      this.accept('_');
      digits = '0123456789abcdefABCDEF';
    }
    this.accept('.');
    this.accept(digits);
    let dotConsumed = false;
    let exponentConsumed = false;
    const all = digits + '._eE';
    while (this.is(all)) {
      if (this.is('.') && dotConsumed) {
        this.accept('.');
        return false;
      }
      if (this.is('eE') && exponentConsumed) {
        this.accept('eE');
        return false;
      }
      if (this.accept('.')) {
        dotConsumed = true;
        if (this.accept('_.')) return false;
        if (digits.length > 10) return false;
        continue;
      }
      if (this.accept('eE')) {
        exponentConsumed = true;
        this.accept('+-');
        if (this.accept('._eE') || this.peek() === EOF) return false;
        continue;
      }
      if (this.accept('_')) {
        if (this.accept('._eE') || this.peek() === EOF) return false;
        continue;
      }
      this.acceptRun(digits);
    }
    if (this.pos === initial) return false;
    return !isAlphaNumeric(this.peek());
  }
}
