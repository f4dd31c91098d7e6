/** Token kinds of Go's text/template lexer. */
export type ItemType =
  | 'error'
  | 'bool'
  | 'char'
  | 'charConstant'
  | 'comment'
  | 'assign'
  | 'declare'
  | 'eof'
  | 'field'
  | 'identifier'
  | 'leftDelim'
  | 'leftParen'
  | 'number'
  | 'pipe'
  | 'rawString'
  | 'rightDelim'
  | 'rightParen'
  | 'space'
  | 'string'
  | 'text'
  | 'variable'
  | 'block'
  | 'break'
  | 'continue'
  | 'dot'
  | 'define'
  | 'else'
  | 'end'
  | 'if'
  | 'nil'
  | 'range'
  | 'template'
  | 'with';

/** One token: `pos` is a UTF-16 offset into the template text, `line` is 1-based. */
export interface Item {
  readonly type: ItemType;
  readonly pos: number;
  readonly val: string;
  readonly line: number;
}

const keywords = new Map<string, ItemType>([
  ['block', 'block'],
  ['break', 'break'],
  ['continue', 'continue'],
  ['define', 'define'],
  ['else', 'else'],
  ['end', 'end'],
  ['if', 'if'],
  ['range', 'range'],
  ['nil', 'nil'],
  ['template', 'template'],
  ['with', 'with'],
]);

/** Go prints these items as `<val>` in errors: the keywords, plus `.` which Go's lexer lists among them. */
const keywordTypes = new Set<ItemType>([...keywords.values(), 'dot']);

/** Go's rendering of a token inside error messages (`"}"`, `<end>`, `EOF`). */
export function itemString(item: Item): string {
  if (item.type === 'eof') return 'EOF';
  if (item.type === 'error') return item.val;
  if (keywordTypes.has(item.type)) return `<${item.val}>`;
  if ([...item.val].length > 10) return `${goQuote([...item.val].slice(0, 10).join(''))}...`;
  return goQuote(item.val);
}

function goQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (ch === '"' || ch === '\\') out += `\\${ch}`;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\t') out += '\\t';
    else if (ch === '\r') out += '\\r';
    else if (c < 0x20 || c === 0x7f) out += `\\x${c.toString(16).padStart(2, '0')}`;
    else out += ch;
  }
  return `${out}"`;
}

const isSpace = (c: string): boolean => c === ' ' || c === '\t' || c === '\r' || c === '\n';
const isAlphaNumeric = (c: string): boolean => c === '_' || /^[\p{L}\p{Nd}]$/u.test(c);

/**
 * Splits template text into Go template tokens, honouring custom delimiters,
 * `{{-`/`-}}` trim markers and `{{/* *\/}}` comments. The whole token list is
 * produced eagerly; a lexical error becomes a final `error` item.
 */
export function lex(input: string, leftDelim = '{{', rightDelim = '}}'): Item[] {
  return new Lexer(input, leftDelim || '{{', rightDelim || '}}').run();
}

class Lexer {
  readonly items: Item[] = [];
  pos = 0;
  start = 0;
  parenDepth = 0;
  readonly newlines: number[] = [];
  insideAction = false;

  constructor(
    readonly input: string,
    readonly leftDelim: string,
    readonly rightDelim: string,
  ) {
    for (let i = input.indexOf('\n'); i >= 0; i = input.indexOf('\n', i + 1)) this.newlines.push(i);
  }

  /** 1-based line of a UTF-16 offset. */
  lineOf(pos: number): number {
    let lo = 0;
    let hi = this.newlines.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.newlines[mid]! < pos) lo = mid + 1;
      else hi = mid;
    }
    return lo + 1;
  }

  run(): Item[] {
    let state: (() => unknown) | null = () => this.lexText();
    while (state) state = state() as (() => unknown) | null;
    return this.items;
  }

  next(): string {
    if (this.pos >= this.input.length) {
      this.pos++;
      return '';
    }
    const cp = this.input.codePointAt(this.pos)!;
    const ch = String.fromCodePoint(cp);
    this.pos += ch.length;
    return ch;
  }

  backup(ch: string): void {
    if (ch === '') {
      this.pos--;
      return;
    }
    this.pos -= ch.length;
  }

  peek(): string {
    const ch = this.next();
    this.backup(ch);
    return ch;
  }

  emit(type: ItemType): void {
    this.items.push({
      type,
      pos: this.start,
      val: this.input.slice(this.start, this.pos),
      line: this.lineOf(this.start),
    });
    this.start = this.pos;
  }

  ignore(): void {
    this.start = this.pos;
  }

  errorf(message: string): null {
    this.items.push({ type: 'error', pos: this.start, val: message, line: this.lineOf(this.start) });
    return null;
  }

  lexText(): (() => unknown) | null {
    const x = this.input.indexOf(this.leftDelim, this.pos);
    if (x >= 0) {
      let textEnd = x;
      const trim = this.hasLeftTrimMarker(x + this.leftDelim.length);
      if (trim) {
        while (textEnd > this.pos && isSpace(this.input[textEnd - 1]!)) textEnd--;
      }
      this.advanceTo(textEnd);
      if (textEnd > this.start) this.emit('text');
      this.advanceTo(x);
      this.ignore();
      return () => this.lexLeftDelim();
    }
    this.advanceTo(this.input.length);
    if (this.pos > this.start) this.emit('text');
    this.items.push({ type: 'eof', pos: this.pos, val: '', line: this.lineOf(this.pos) });
    return null;
  }

  advanceTo(to: number): void {
    this.pos = to;
  }

  hasLeftTrimMarker(at: number): boolean {
    return this.input[at] === '-' && at + 1 < this.input.length && isSpace(this.input[at + 1]!);
  }

  hasRightTrimMarker(at: number): boolean {
    return isSpace(this.input[at] ?? '') && this.input[at + 1] === '-';
  }

  /** Whether a right delimiter (possibly with trim marker) starts at pos: returns [found, trim]. */
  atRightDelim(): [boolean, boolean] {
    if (this.hasRightTrimMarker(this.pos) && this.input.startsWith(this.rightDelim, this.pos + 2))
      return [true, true];
    if (this.input.startsWith(this.rightDelim, this.pos)) return [true, false];
    return [false, false];
  }

  lexLeftDelim(): (() => unknown) | null {
    this.pos += this.leftDelim.length;
    const trim = this.hasLeftTrimMarker(this.pos);
    const afterMarker = trim ? 2 : 0;
    if (this.input.startsWith('/*', this.pos + afterMarker)) {
      this.pos += afterMarker;
      this.ignore();
      return () => this.lexComment();
    }
    this.emit('leftDelim');
    this.pos += afterMarker;
    this.ignore();
    this.insideAction = true;
    return () => this.lexInsideAction();
  }

  lexComment(): (() => unknown) | null {
    this.pos += 2;
    const x = this.input.indexOf('*/', this.pos);
    if (x < 0) return this.errorf('unclosed comment');
    this.advanceTo(x + 2);
    const [delim, trim] = this.atRightDelim();
    if (!delim) return this.errorf('comment ends before closing delimiter');
    this.emit('comment');
    if (trim) this.pos += 2;
    this.pos += this.rightDelim.length;
    if (trim) this.advanceTo(this.skipSpace(this.pos));
    this.ignore();
    return () => this.lexText();
  }

  skipSpace(at: number): number {
    while (at < this.input.length && isSpace(this.input[at]!)) at++;
    return at;
  }

  lexRightDelim(): (() => unknown) | null {
    const [, trim] = this.atRightDelim();
    if (trim) {
      this.pos += 2;
      this.ignore();
    }
    this.pos += this.rightDelim.length;
    this.emit('rightDelim');
    if (trim) {
      this.advanceTo(this.skipSpace(this.pos));
      this.ignore();
    }
    this.insideAction = false;
    return () => this.lexText();
  }

  lexInsideAction(): (() => unknown) | null {
    const [delim] = this.atRightDelim();
    if (delim) {
      if (this.parenDepth === 0) return () => this.lexRightDelim();
      return this.errorf('unclosed left paren');
    }
    const r = this.next();
    if (r === '') return this.errorf('unclosed action');
    if (isSpace(r)) {
      this.backup(r);
      return () => this.lexSpace();
    }
    if (r === '=') {
      this.emit('assign');
    } else if (r === ':') {
      if (this.next() !== '=') return this.errorf('expected :=');
      this.emit('declare');
    } else if (r === '|') {
      this.emit('pipe');
    } else if (r === '"') {
      return () => this.lexQuote();
    } else if (r === '`') {
      return () => this.lexRawQuote();
    } else if (r === '$') {
      return () => this.lexFieldOrVariable('variable');
    } else if (r === "'") {
      return () => this.lexChar();
    } else if (r === '.') {
      const c = this.input[this.pos];
      if (this.pos < this.input.length && (c! < '0' || c! > '9'))
        return () => this.lexFieldOrVariable('field');
      this.backup(r);
      return () => this.lexNumber();
    } else if (r === '+' || r === '-' || (r >= '0' && r <= '9')) {
      this.backup(r);
      return () => this.lexNumber();
    } else if (isAlphaNumeric(r)) {
      this.backup(r);
      return () => this.lexIdentifier();
    } else if (r === '(') {
      this.emit('leftParen');
      this.parenDepth++;
    } else if (r === ')') {
      this.emit('rightParen');
      this.parenDepth--;
      if (this.parenDepth < 0) return this.errorf('unexpected right paren');
    } else if (r.codePointAt(0)! <= 0x7f && r >= ' ' && r !== '\x7f') {
      this.emit('char');
    } else {
      return this.errorf(`unrecognized character in action: ${unicodeRepr(r)}`);
    }
    return () => this.lexInsideAction();
  }

  lexSpace(): (() => unknown) | null {
    let numSpaces = 0;
    while (true) {
      const r = this.peek();
      if (!isSpace(r)) break;
      this.next();
      numSpaces++;
    }
    // A space followed by a trim marker and the delimiter belongs to the delimiter.
    if (this.hasRightTrimMarker(this.pos - 1) && this.input.startsWith(this.rightDelim, this.pos + 1)) {
      this.backup(this.input[this.pos - 1]!);
      if (numSpaces === 1) return () => this.lexRightDelim();
    }
    this.emit('space');
    return () => this.lexInsideAction();
  }

  lexIdentifier(): (() => unknown) | null {
    while (true) {
      const r = this.next();
      if (isAlphaNumeric(r)) continue;
      this.backup(r);
      const word = this.input.slice(this.start, this.pos);
      if (!this.atTerminator()) return this.errorf(`bad character ${unicodeRepr(r)}`);
      const kw = keywords.get(word);
      if (kw) this.emit(kw);
      else if (word[0] === '.') this.emit('field');
      else if (word === 'true' || word === 'false') this.emit('bool');
      else this.emit('identifier');
      return () => this.lexInsideAction();
    }
  }

  lexFieldOrVariable(type: 'field' | 'variable'): (() => unknown) | null {
    if (this.atTerminator()) {
      this.emit(type === 'variable' ? 'variable' : 'dot');
      return () => this.lexInsideAction();
    }
    let r: string;
    while (true) {
      r = this.next();
      if (!isAlphaNumeric(r)) {
        this.backup(r);
        break;
      }
    }
    if (!this.atTerminator()) return this.errorf(`bad character ${unicodeRepr(r)}`);
    this.emit(type);
    return () => this.lexInsideAction();
  }

  atTerminator(): boolean {
    const r = this.peek();
    if (isSpace(r) || r === '') return true;
    if ('.,|:()'.includes(r)) return true;
    return this.input.startsWith(this.rightDelim, this.pos);
  }

  lexChar(): (() => unknown) | null {
    while (true) {
      let r = this.next();
      if (r === '\\') {
        r = this.next();
        if (r !== '' && r !== '\n') continue;
      }
      if (r === '' || r === '\n') return this.errorf('unterminated character constant');
      if (r === "'") break;
    }
    this.emit('charConstant');
    return () => this.lexInsideAction();
  }

  lexNumber(): (() => unknown) | null {
    if (!this.scanNumber())
      return this.errorf(`bad number syntax: ${goQuote(this.input.slice(this.start, this.pos))}`);
    const sign = this.peek();
    if (sign === '+' || sign === '-') {
      // Complex: 1+2i.
      if (!this.scanNumber() || this.input[this.pos - 1] !== 'i') {
        return this.errorf(`bad number syntax: ${goQuote(this.input.slice(this.start, this.pos))}`);
      }
    }
    this.emit('number');
    return () => this.lexInsideAction();
  }

  accept(valid: string): boolean {
    const r = this.next();
    if (r !== '' && valid.includes(r)) return true;
    this.backup(r);
    return false;
  }

  acceptRun(valid: string): void {
    while (true) {
      const r = this.next();
      if (r === '' || !valid.includes(r)) {
        this.backup(r);
        return;
      }
    }
  }

  scanNumber(): boolean {
    this.accept('+-');
    let digits = '0123456789_';
    if (this.accept('0')) {
      if (this.accept('xX')) digits = '0123456789abcdefABCDEF_';
      else if (this.accept('oO')) digits = '01234567_';
      else if (this.accept('bB')) digits = '01_';
    }
    this.acceptRun(digits);
    if (this.accept('.')) this.acceptRun(digits);
    if (digits.length === 11 && this.accept('eE')) {
      this.accept('+-');
      this.acceptRun('0123456789_');
    }
    if (digits.length === 23 && this.accept('pP')) {
      this.accept('+-');
      this.acceptRun('0123456789_');
    }
    this.accept('i');
    if (isAlphaNumeric(this.peek())) {
      this.next();
      return false;
    }
    return true;
  }

  lexQuote(): (() => unknown) | null {
    while (true) {
      let r = this.next();
      if (r === '\\') {
        r = this.next();
        if (r !== '' && r !== '\n') continue;
      }
      if (r === '' || r === '\n') return this.errorf('unterminated quoted string');
      if (r === '"') break;
    }
    this.emit('string');
    return () => this.lexInsideAction();
  }

  lexRawQuote(): (() => unknown) | null {
    const x = this.input.indexOf('`', this.pos);
    if (x < 0) return this.errorf('unterminated raw quoted string');
    this.advanceTo(x + 1);
    this.emit('rawString');
    return () => this.lexInsideAction();
  }
}

/** Go's `%#U` rendering of a rune: `U+007D '}'`. */
export function unicodeRepr(r: string): string {
  const cp = r === '' ? 0xfffd : r.codePointAt(0)!;
  const hex = `U+${cp.toString(16).toUpperCase().padStart(4, '0')}`;
  return cp >= 0x20 && cp !== 0x7f ? `${hex} '${r}'` : hex;
}
