import { InvalidRegexError, METRIC_NAME_LABEL } from '@argus/model';
import type { Matcher } from '@argus/model';
import type { MatchType } from '@argus/model';
import type {
  AggregateExpr,
  AggregateOp,
  AtModifier,
  BinaryExpr,
  BinaryOp,
  Call,
  DurationExpr,
  DurationOp,
  DurationOperand,
  Expr,
  MatrixSelector,
  NumberLiteral,
  PositionRange,
  SubqueryExpr,
  VectorMatching,
  VectorSelector,
} from './ast.ts';
import { isDynamicDuration, evaluateDuration, literalSecondsToMs, secondsToMs } from './durations.ts';
import { FUNCTIONS } from './functions.ts';
import type { FunctionSignature } from './functions.ts';
import { formatFloatFixed6, goQuote } from './go-format.ts';
import { parseGoNumber, parsePromDuration } from './go-number.ts';
import { AGGREGATORS, Lexer, describeToken } from './lexer.ts';
import type { Token, TokenType } from './lexer.ts';
import type { ParserOptions } from './options.ts';
import { unquoteString } from './unquote.ts';
import { cachedMatcher } from './matcher-cache.ts';

/** One recorded problem: where, and upstream's message. */
export interface RawParseError {
  pos: PositionRange;
  message: string;
}

/** Thrown inside the parser to abandon parsing after a syntax error has been recorded. */
class Abort extends Error {}

const BINARY_PRECEDENCE: Partial<Record<TokenType, number>> = {
  or: 1,
  and: 2,
  unless: 2,
  '==': 3,
  '!=': 3,
  '<': 3,
  '<=': 3,
  '>': 3,
  '>=': 3,
  '</': 3,
  '>/': 3,
  '+': 4,
  '-': 4,
  '*': 5,
  '/': 5,
  '%': 5,
  atan2: 5,
  '^': 6,
};
const POW_PRECEDENCE = 6;

const DURATION_PRECEDENCE: Partial<Record<TokenType, number>> = {
  '+': 4,
  '-': 4,
  '*': 5,
  '/': 5,
  '%': 5,
  '^': 6,
};

/** Tokens that may name a metric (upstream's `metric_identifier`). */
const METRIC_IDENTIFIERS: ReadonlySet<TokenType> = new Set<TokenType>([
  'IDENTIFIER',
  'METRIC_IDENTIFIER',
  ...(Array.from(AGGREGATORS) as TokenType[]),
  'by',
  'without',
  'and',
  'or',
  'unless',
  'offset',
  'start',
  'end',
  'step',
  'range',
  'anchored',
  'smoothed',
]);

/** Tokens that may be a label name in grouping clauses (upstream's `maybe_label`). */
const GROUPING_LABELS: ReadonlySet<TokenType> = new Set<TokenType>([
  ...METRIC_IDENTIFIERS,
  'bool',
  'group_left',
  'group_right',
  'ignoring',
  'on',
  'atan2',
]);

const MATCH_OPS: ReadonlySet<TokenType> = new Set<TokenType>(['=', '!=', '=~', '!~']);

const PARAM_AGGREGATORS: ReadonlySet<AggregateOp> = new Set<AggregateOp>([
  'topk',
  'bottomk',
  'count_values',
  'quantile',
  'limitk',
  'limit_ratio',
]);

/** Largest duration literal upstream accepts, in seconds (int64 nanoseconds). */
const MAX_DURATION_SECONDS = 2 ** 63 / 1e9;

/**
 * Recursive-descent/precedence-climbing parser producing the AST. Syntax errors abort;
 * semantic problems found on the way are recorded and parsing goes on, so the first
 * recorded error is the one upstream's yacc parser would report.
 */
export class Parser {
  readonly errors: RawParseError[] = [];
  readonly #lexer: Lexer;
  readonly #buffer: Token[] = [];
  readonly #options: ParserOptions;
  #aggregationDepth = 0;

  constructor(
    readonly input: string,
    options: ParserOptions,
  ) {
    this.#lexer = new Lexer(input);
    this.#options = options;
  }

  /** Parses the whole input; returns undefined when a syntax error was recorded. */
  parse(): Expr | undefined {
    try {
      if (this.#peek().type === 'EOF') {
        this.#error({ start: 0, end: 0 }, 'no expression found in input');
        return undefined;
      }
      const e = this.#expr(0);
      if (this.#peek().type !== 'EOF') this.#unexpected('', '');
      return e;
    } catch (err) {
      if (err instanceof Abort) return undefined;
      throw err;
    }
  }

  /** Parses the whole input as one vector selector (upstream's `ParseMetricSelector`). */
  parseMetricSelector(): VectorSelector | undefined {
    try {
      const t = this.#peek();
      let vs: VectorSelector | undefined;
      if (t.type === '{') vs = this.#vectorSelector(undefined);
      else if (METRIC_IDENTIFIERS.has(t.type)) vs = this.#vectorSelector(this.#take());
      else this.#unexpected('', '');
      if (this.#peek().type !== 'EOF') this.#unexpected('', '');
      return vs;
    } catch (err) {
      if (err instanceof Abort) return undefined;
      throw err;
    }
  }

  // --- tokens ---

  #peek(k = 0): Token {
    while (this.#buffer.length <= k) this.#buffer.push(this.#lexer.next());
    return this.#buffer[k]!;
  }

  #take(): Token {
    const t = this.#peek();
    this.#buffer.shift();
    return t;
  }

  #accept(type: TokenType): Token | undefined {
    return this.#peek().type === type ? this.#take() : undefined;
  }

  #expect(type: TokenType, context: string, expected: string): Token {
    const t = this.#accept(type);
    if (!t) this.#unexpected(context, expected);
    return t!;
  }

  #error(pos: PositionRange, message: string): void {
    this.errors.push({ pos, message });
  }

  /** Records upstream's "unexpected …" error for the current token and aborts. */
  #unexpected(context: string, expected: string): never {
    const t = this.#peek();
    if (t.type === 'ERROR') {
      this.#error({ start: t.pos, end: t.end }, t.text);
      throw new Abort();
    }
    const ctx = context === '' && this.#aggregationDepth > 0 ? 'aggregation' : context;
    let msg = `unexpected ${describeToken(t)}`;
    if (ctx !== '') msg += ` in ${ctx}`;
    if (expected !== '') msg += `, expected ${expected}`;
    this.#error({ start: t.pos, end: t.end }, msg);
    throw new Abort();
  }

  // --- expressions ---

  #expr(minPrecedence: number): Expr {
    let lhs = this.#unary();
    for (;;) {
      const op = this.#peek();
      const precedence = BINARY_PRECEDENCE[op.type];
      if (precedence === undefined || precedence < minPrecedence) return lhs;
      this.#take();
      const modifiers = this.#binModifiers();
      const rhs = this.#expr(op.type === '^' ? precedence : precedence + 1);
      lhs = this.#newBinary(op.type as BinaryOp, modifiers, lhs, rhs);
    }
  }

  #unary(): Expr {
    // Sign runs (`--1`, `-+-foo`) are collected in a loop and applied inside out.
    const signs: Token[] = [];
    for (let t = this.#peek(); t.type === '+' || t.type === '-'; t = this.#peek()) signs.push(this.#take());
    if (signs.length === 0) return this.#postfix(this.#primary());
    let operand = this.#expr(POW_PRECEDENCE);
    for (let i = signs.length - 1; i >= 0; i--) {
      const t = signs[i]!;
      if (operand.kind === 'NumberLiteral') {
        if (t.type === '-') operand.value = -operand.value;
        operand.pos = { start: t.pos, end: operand.pos.end };
      } else {
        operand = {
          kind: 'UnaryExpr',
          op: t.type as '+' | '-',
          expr: operand,
          pos: { start: t.pos, end: operand.pos.end },
        };
      }
    }
    return operand;
  }

  #primary(): Expr {
    const t = this.#peek();
    switch (t.type) {
      case 'NUMBER':
      case 'DURATION':
        return this.#numberLiteral(this.#take());
      case 'STRING': {
        this.#take();
        return { kind: 'StringLiteral', value: unquoteString(t.text), pos: { start: t.pos, end: t.end } };
      }
      case '(': {
        this.#take();
        const inner = this.#expr(0);
        const close = this.#expect(')', '', '');
        return { kind: 'ParenExpr', expr: inner, pos: { start: t.pos, end: close.end } };
      }
      case '{':
        return this.#vectorSelector(undefined);
    }
    const next = this.#peek(1).type;
    if (AGGREGATORS.has(t.type) && (next === '(' || next === 'by' || next === 'without'))
      return this.#aggregate();
    if (
      (t.type === 'IDENTIFIER' ||
        t.type === 'start' ||
        t.type === 'end' ||
        t.type === 'step' ||
        t.type === 'range') &&
      next === '('
    ) {
      return this.#call();
    }
    if (METRIC_IDENTIFIERS.has(t.type)) return this.#vectorSelector(this.#take());
    return this.#unexpected('', '');
  }

  #numberLiteral(t: Token): NumberLiteral {
    const pos = { start: t.pos, end: t.end };
    if (t.type === 'DURATION') {
      const parsed = parsePromDuration(t.text);
      if (parsed.error !== undefined) this.#error(pos, parsed.error);
      return { kind: 'NumberLiteral', value: (parsed.ms ?? 0) / 1000, duration: true, pos };
    }
    const parsed = parseGoNumber(t.text);
    if (parsed.error !== undefined) this.#error(pos, `error parsing number: ${parsed.error}`);
    return { kind: 'NumberLiteral', value: parsed.value ?? 0, duration: false, pos };
  }

  // --- postfix modifiers: ranges, subqueries, offset, @, anchored, smoothed ---

  #postfix(e: Expr): Expr {
    for (;;) {
      switch (this.#peek().type) {
        case '[':
          e = this.#rangeOrSubquery(e);
          break;
        case 'offset':
          this.#offset(e);
          break;
        case '@':
          this.#at(e);
          break;
        case 'anchored':
        case 'smoothed':
          this.#extendedRange(e, this.#take());
          break;
        default:
          return e;
      }
    }
  }

  #rangeOrSubquery(e: Expr): Expr {
    const open = this.#take();
    const range = this.#positiveDuration(
      'subquery or range selector',
      'number, duration, step(), or range()',
    );
    const t = this.#peek();
    if (t.type === ']') {
      const close = this.#take();
      let problem: string | undefined;
      if (e.kind !== 'VectorSelector') problem = 'ranges only allowed for vector selectors';
      else if (e.offsetMs !== 0 || e.offsetExpr !== undefined)
        problem = 'no offset modifiers allowed before range';
      else if (e.at !== undefined) problem = 'no @ modifiers allowed before range';
      if (problem) this.#error({ start: open.pos, end: close.end }, problem);
      const m: MatrixSelector = {
        kind: 'MatrixSelector',
        vectorSelector: e as VectorSelector,
        rangeMs: 0,
        rangeExpr: undefined,
        pos: { start: e.pos.start, end: close.end },
      };
      [m.rangeMs, m.rangeExpr] = this.#durationValue(range);
      return m;
    }
    if (t.type !== ':') this.#unexpected('subquery or range', '":" or "]"');
    this.#take();
    let step: DurationOperand | undefined;
    if (this.#peek().type !== ']') {
      step = this.#positiveDuration('subquery selector', 'number, duration, step(), range(), or "]"');
    }
    const close = this.#expect(']', 'subquery selector', '"]"');
    const sq: SubqueryExpr = {
      kind: 'SubqueryExpr',
      expr: e,
      rangeMs: 0,
      rangeExpr: undefined,
      stepMs: 0,
      stepExpr: undefined,
      offsetMs: 0,
      offsetExpr: undefined,
      at: undefined,
      pos: { start: e.pos.start, end: close.end },
    };
    [sq.rangeMs, sq.rangeExpr] = this.#durationValue(range);
    if (step) [sq.stepMs, sq.stepExpr] = this.#durationValue(step);
    return sq;
  }

  /** Milliseconds of a duration literal or static expression, and the expression if any. */
  #durationValue(d: DurationOperand): [number, DurationExpr | undefined] {
    if (d.kind === 'NumberLiteral') return [literalSecondsToMs(d.value), undefined];
    if (isDynamicDuration(d)) return [0, d];
    try {
      return [secondsToMs(evaluateDuration(d, { stepMs: 0, rangeMs: 0 })), d];
    } catch {
      return [0, d];
    }
  }

  #offset(e: Expr): void {
    this.#take();
    const d = this.#offsetDuration();
    const [ms, expr] = this.#durationValue(d);
    const target = this.#modifierTarget(
      e,
      'offset modifier must be preceded by an instant vector selector or range vector selector or a subquery',
    );
    if (!target) return;
    if (target.offsetMs !== 0 || target.offsetExpr !== undefined) {
      this.#error(e.pos, 'offset may not be set multiple times');
    } else {
      target.offsetMs = ms;
      target.offsetExpr = expr;
    }
    e.pos = { start: e.pos.start, end: Math.max(d.pos.end, e.pos.end) };
  }

  /** The node holding offset/@ for `e`: the selector, a matrix's selector, or the subquery. */
  #modifierTarget(e: Expr, message: string): VectorSelector | SubqueryExpr | undefined {
    switch (e.kind) {
      case 'VectorSelector':
      case 'SubqueryExpr':
        return e;
      case 'MatrixSelector':
        if (e.vectorSelector.kind !== 'VectorSelector') {
          this.#error(e.pos, 'ranges only allowed for vector selectors');
          return undefined;
        }
        return e.vectorSelector;
      default:
        this.#error(e.pos, message);
        return undefined;
    }
  }

  #at(e: Expr): void {
    this.#take();
    const t = this.#peek();
    let at: AtModifier;
    let end: number;
    if ((t.type === 'start' || t.type === 'end') && this.#peek(1).type === '(') {
      this.#take();
      this.#take();
      end = this.#expect(')', '@', 'timestamp').end;
      at = t.type;
    } else {
      let sign = 1;
      if (t.type === '+' || t.type === '-') {
        const n = this.#peek(1).type;
        if (n !== 'NUMBER' && n !== 'DURATION') {
          this.#take();
          this.#unexpected('@', 'timestamp');
        }
        this.#take();
        if (t.type === '-') sign = -1;
      }
      const n = this.#peek();
      if (n.type !== 'NUMBER' && n.type !== 'DURATION') this.#unexpected('@', 'timestamp');
      const ts = sign * this.#numberLiteral(this.#take()).value;
      end = n.end;
      if (!Number.isFinite(ts) || ts >= 2 ** 63 || ts <= -(2 ** 63)) {
        this.#error(e.pos, `timestamp out of bounds for @ modifier: ${formatFloatFixed6(ts)}`);
      }
      at = roundHalfAwayFromZero(ts * 1000) + 0;
    }
    const target = this.#modifierTarget(
      e,
      '@ modifier must be preceded by an instant vector selector or range vector selector or a subquery',
    );
    if (!target) return;
    if (target.at !== undefined) {
      this.#error(e.pos, '@ <timestamp> may not be set multiple times');
      return;
    }
    target.at = at;
    e.pos = { start: e.pos.start, end };
  }

  #extendedRange(e: Expr, t: Token): void {
    const name = t.type as 'anchored' | 'smoothed';
    if (!this.#options.extendedRangeSelectors) {
      this.#error(e.pos, `${name} modifier is experimental and not enabled`);
      return;
    }
    const other = name === 'anchored' ? 'smoothed' : 'anchored';
    let vs: VectorSelector;
    if (e.kind === 'VectorSelector') vs = e;
    else if (e.kind === 'MatrixSelector') {
      if (e.vectorSelector.kind !== 'VectorSelector') return;
      vs = e.vectorSelector;
    } else if (e.kind === 'SubqueryExpr') {
      this.#error(e.pos, `${name} modifier is not supported for subqueries`);
      return;
    } else {
      this.#error(e.pos, `${name} modifier not implemented`);
      return;
    }
    vs[name] = true;
    if (vs[other]) this.#error(e.pos, 'anchored and smoothed modifiers cannot be used together');
  }

  // --- duration expressions ---

  #positiveDuration(context: string, expected: string): DurationOperand {
    const d = this.#durationExpr(0, context, expected);
    if (d.kind === 'NumberLiteral' && d.value <= 0) {
      this.#error(d.pos, 'duration must be greater than 0');
      return { ...d, value: 0 };
    }
    return d;
  }

  #gateDuration(e: DurationOperand): void {
    if (!this.#options.durationExpressions)
      this.#error(e.pos, 'experimental duration expression is not enabled');
  }

  #durationExpr(minPrecedence: number, context: string, expected: string): DurationOperand {
    let lhs = this.#durationUnary(context, expected);
    for (;;) {
      const op = this.#peek();
      const precedence = DURATION_PRECEDENCE[op.type];
      if (precedence === undefined || precedence < minPrecedence) return lhs;
      this.#take();
      const rhs = this.#durationExpr(op.type === '^' ? precedence : precedence + 1, context, expected);
      this.#gateDuration(lhs);
      if ((op.type === '/' || op.type === '%') && rhs.kind === 'NumberLiteral' && rhs.value === 0) {
        this.#error({ start: op.pos, end: op.end }, op.type === '/' ? 'division by zero' : 'modulo by zero');
        lhs = { kind: 'NumberLiteral', value: 0, duration: false, pos: { start: 0, end: 0 } };
        continue;
      }
      lhs = {
        kind: 'DurationExpr',
        op: op.type as DurationOp,
        lhs,
        rhs,
        wrapped: false,
        pos: { start: lhs.pos.start, end: rhs.pos.end },
      };
    }
  }

  #durationUnary(context: string, expected: string): DurationOperand {
    const t = this.#peek();
    if (t.type !== '+' && t.type !== '-') return this.#durationPrimary(context, expected);
    this.#take();
    const operand = this.#durationExpr(POW_PRECEDENCE, context, expected);
    return this.#applyDurationUnary(t, operand, false);
  }

  #applyDurationUnary(op: Token, e: DurationOperand, wrapped: boolean): DurationOperand {
    if (wrapped) e = this.#wrapDuration(e);
    if (e.kind === 'DurationExpr') {
      if (op.type !== '-') return e;
      return {
        kind: 'DurationExpr',
        op: '-',
        lhs: undefined,
        rhs: e,
        wrapped: false,
        pos: { start: op.pos, end: e.pos.end },
      };
    }
    const value = op.type === '-' ? -e.value : e.value;
    if (value > MAX_DURATION_SECONDS || value < -MAX_DURATION_SECONDS) {
      this.#error({ start: op.pos, end: op.end }, 'duration out of range');
      return { kind: 'NumberLiteral', value: 0, duration: false, pos: { start: 0, end: 0 } };
    }
    return { ...e, value, pos: { start: op.pos, end: e.pos.end } };
  }

  /** Marks a parenthesised duration; a bare literal becomes a wrapped unary plus, as upstream. */
  #wrapDuration(e: DurationOperand, pos: PositionRange = e.pos): DurationExpr {
    if (e.kind === 'DurationExpr') {
      e.wrapped = true;
      return e;
    }
    return { kind: 'DurationExpr', op: '+', lhs: undefined, rhs: e, wrapped: true, pos: { ...pos } };
  }

  #durationLiteral(): NumberLiteral {
    const nl = this.#numberLiteral(this.#take());
    if (nl.value > MAX_DURATION_SECONDS || nl.value < -MAX_DURATION_SECONDS) {
      this.#error(nl.pos, 'duration out of range');
      return { kind: 'NumberLiteral', value: 0, duration: false, pos: { start: 0, end: 0 } };
    }
    return nl;
  }

  #durationPrimary(context: string, expected: string): DurationOperand {
    const t = this.#peek();
    switch (t.type) {
      case 'NUMBER':
      case 'DURATION':
        return this.#durationLiteral();
      case 'step':
      case 'range': {
        this.#take();
        this.#expect('(', context, expected);
        const close = this.#expect(')', context, expected);
        const de: DurationExpr = {
          kind: 'DurationExpr',
          op: t.type,
          lhs: undefined,
          rhs: undefined,
          wrapped: false,
          pos: { start: t.pos, end: close.end },
        };
        this.#gateDuration(de);
        return de;
      }
      case 'min_of':
      case 'max_of':
        return this.#minMax(context, expected);
      case '(': {
        this.#take();
        const inner = this.#durationExpr(0, context, expected);
        const close = this.#expect(')', context, expected);
        this.#gateDuration(inner);
        return this.#wrapDuration(inner, { start: t.pos, end: close.end });
      }
    }
    if (
      t.type === 'IDENTIFIER' &&
      (t.text.toLowerCase() === 'min_of' || t.text.toLowerCase() === 'max_of') &&
      this.#peek(1).type === '('
    ) {
      return this.#minMax(context, expected);
    }
    return this.#unexpected(context, expected);
  }

  #minMax(context: string, expected: string): DurationExpr {
    const t = this.#take();
    this.#expect('(', context, expected);
    const lhs = this.#durationExpr(0, context, expected);
    this.#expect(',', context, expected);
    const rhs = this.#durationExpr(0, context, expected);
    const close = this.#expect(')', context, expected);
    const de: DurationExpr = {
      kind: 'DurationExpr',
      op: t.text.toLowerCase() as 'min_of' | 'max_of',
      lhs,
      rhs,
      wrapped: false,
      pos: { start: t.pos, end: close.end },
    };
    this.#gateDuration(de);
    return de;
  }

  /** `offset` takes a literal, `step()`/`range()`, `min_of`/`max_of` or a parenthesised expression. */
  #offsetDuration(): DurationOperand {
    const context = 'offset';
    const expected = 'number, duration, step(), or range()';
    const t = this.#peek();
    if (t.type === '+' || t.type === '-') {
      this.#take();
      const n = this.#peek();
      if (n.type === 'NUMBER' || n.type === 'DURATION') {
        const nl = this.#numberLiteral(this.#take());
        return this.#applyDurationUnary(t, nl, false);
      }
      if (n.type === '(') {
        this.#take();
        const inner = this.#durationExpr(0, context, expected);
        this.#expect(')', context, expected);
        return this.#applyDurationUnary(t, inner, true);
      }
      const inner = this.#durationPrimary(context, expected);
      const de = this.#applyDurationUnary(t, inner, false);
      this.#gateDuration(de);
      return de;
    }
    if (t.type === 'NUMBER' || t.type === 'DURATION') return this.#durationLiteral();
    return this.#durationPrimary(context, expected);
  }

  // --- binary operators ---

  #binModifiers(): { returnBool: boolean; matching: VectorMatching; hasFill: boolean } {
    const returnBool = this.#accept('bool') !== undefined;
    const matching: VectorMatching = {
      card: 'one-to-one',
      on: false,
      labels: [],
      include: [],
      fill: { lhs: undefined, rhs: undefined },
    };
    const t = this.#peek();
    if (t.type === 'on' || t.type === 'ignoring') {
      this.#take();
      matching.on = t.type === 'on';
      matching.labels = this.#groupingLabels();
      const g = this.#peek();
      if (g.type === 'group_left' || g.type === 'group_right') {
        this.#take();
        matching.card = g.type === 'group_left' ? 'many-to-one' : 'one-to-many';
        if (this.#peek().type === '(') matching.include = this.#groupingLabels();
      }
    }
    let hasFill = false;
    const first = this.#peek().type;
    if (first === 'fill') {
      this.#take();
      const v = this.#fillValue();
      matching.fill = { lhs: v, rhs: v };
      hasFill = true;
    } else if (first === 'fill_left' || first === 'fill_right') {
      this.#take();
      this.#setFill(matching, first, this.#fillValue());
      const second = this.#peek().type;
      if ((second === 'fill_left' || second === 'fill_right') && second !== first) {
        this.#take();
        this.#setFill(matching, second, this.#fillValue());
      }
      hasFill = true;
    }
    return { returnBool, matching, hasFill };
  }

  #setFill(m: VectorMatching, which: 'fill_left' | 'fill_right', v: number): void {
    if (which === 'fill_left') m.fill.lhs = v;
    else m.fill.rhs = v;
  }

  #fillValue(): number {
    this.#expect('(', '', '');
    let sign = 1;
    const s = this.#peek();
    if (s.type === '+' || s.type === '-') {
      this.#take();
      if (s.type === '-') sign = -1;
    }
    const n = this.#peek();
    if (n.type !== 'NUMBER' && n.type !== 'DURATION') this.#unexpected('', '');
    const value = sign * this.#numberLiteral(this.#take()).value;
    this.#expect(')', '', '');
    return value;
  }

  #newBinary(
    op: BinaryOp,
    mods: { returnBool: boolean; matching: VectorMatching; hasFill: boolean },
    lhs: Expr,
    rhs: Expr,
  ): BinaryExpr {
    const e: BinaryExpr = {
      kind: 'BinaryExpr',
      op,
      lhs,
      rhs,
      returnBool: mods.returnBool,
      matching: mods.matching,
      pos: { start: lhs.pos.start, end: rhs.pos.end },
    };
    if (mods.hasFill && !this.#options.binopFillModifiers) {
      this.#error(e.pos, 'binop fill modifiers are experimental and not enabled');
    }
    return e;
  }

  // --- grouping ---

  #groupingLabels(): string[] {
    this.#expect('(', 'grouping opts', '"("');
    const labels: string[] = [];
    if (this.#closeGrouping()) return labels;
    for (;;) {
      labels.push(this.#groupingLabel());
      if (this.#accept(',')) {
        if (this.#closeGrouping()) return labels;
        continue;
      }
      if (this.#closeGrouping()) return labels;
      this.#unexpected('grouping opts', '"," or ")"');
    }
  }

  #closeGrouping(): boolean {
    const close = this.#accept(')');
    if (close) this.#lastClosing = close.end;
    return close !== undefined;
  }

  #groupingLabel(): string {
    const t = this.#peek();
    if (GROUPING_LABELS.has(t.type)) {
      this.#take();
      return t.text;
    }
    if (t.type === 'STRING') {
      this.#take();
      const name = unquoteString(t.text);
      if (name === '' || !name.isWellFormed()) {
        this.#error({ start: t.pos, end: t.end }, `invalid label name for grouping: ${goQuote(name)}`);
      }
      return name;
    }
    return this.#unexpected('grouping opts', 'label');
  }

  // --- aggregations and calls ---

  #aggregate(): AggregateExpr {
    const opTok = this.#take();
    const op = opTok.type as AggregateOp;
    this.#aggregationDepth++;
    let grouping: string[] = [];
    let without = false;
    let args: Expr[];
    let end: number;
    const m = this.#peek().type;
    if (m === 'by' || m === 'without') {
      this.#take();
      without = m === 'without';
      grouping = this.#groupingLabels();
      [args, end] = this.#callBody();
    } else {
      [args, end] = this.#callBody();
      const after = this.#peek().type;
      if (after === 'by' || after === 'without') {
        this.#take();
        without = after === 'without';
        grouping = this.#groupingLabels();
        end = this.#lastClosingParen();
      }
    }
    this.#aggregationDepth--;
    const pos = { start: opTok.pos, end };
    const e: AggregateExpr = {
      kind: 'AggregateExpr',
      op,
      expr: args[0]!,
      param: undefined,
      grouping,
      without,
      pos,
    };
    if (args.length === 0) {
      this.#error(pos, 'no arguments for aggregate expression provided');
      return e;
    }
    let desired = 1;
    if (PARAM_AGGREGATORS.has(op)) {
      if (!this.#options.experimentalFunctions && (op === 'limitk' || op === 'limit_ratio')) {
        this.#error(
          pos,
          `${op}() is experimental and must be enabled with --enable-feature=promql-experimental-functions`,
        );
        return e;
      }
      desired = 2;
      e.param = args[0];
    }
    if (args.length !== desired) {
      this.#error(
        pos,
        `wrong number of arguments for aggregate expression provided, expected ${desired}, got ${args.length}`,
      );
      return e;
    }
    e.expr = args[desired - 1]!;
    return e;
  }

  #lastClosing = 0;

  #lastClosingParen(): number {
    return this.#lastClosing;
  }

  /** `( expr, … )`; returns the arguments and the end of the closing parenthesis. */
  #callBody(): [Expr[], number] {
    this.#expect('(', '', '');
    const args: Expr[] = [];
    let close = this.#accept(')');
    while (!close) {
      args.push(this.#expr(0));
      const comma = this.#accept(',');
      if (comma) {
        close = this.#accept(')');
        if (close)
          this.#error(
            { start: comma.pos, end: comma.end },
            'trailing commas not allowed in function call args',
          );
        continue;
      }
      close = this.#accept(')');
      if (!close) this.#unexpected('', '');
    }
    this.#lastClosing = close.end;
    return [args, close.end];
  }

  #call(): Call {
    const name = this.#take();
    const [args, end] = this.#callBody();
    const pos = { start: name.pos, end };
    const fname = name.type === 'IDENTIFIER' ? name.text : name.type;
    let func = FUNCTIONS.get(fname);
    if (!func) {
      this.#error({ start: name.pos, end: name.end }, `unknown function with name ${goQuote(name.text)}`);
      func = unknownFunction(name.text);
    } else if (func.experimental && !this.#options.experimentalFunctions) {
      this.#error({ start: name.pos, end: name.end }, `function ${goQuote(name.text)} is not enabled`);
    }
    return { kind: 'Call', func, args, pos };
  }

  // --- selectors ---

  #vectorSelector(nameTok: Token | undefined): VectorSelector {
    const matchers: Matcher[] = [];
    const start = nameTok ? nameTok.pos : this.#peek().pos;
    let end = nameTok ? nameTok.end : start;
    if (this.#peek().type === '{') {
      this.#take();
      let close = this.#accept('}');
      while (!close) {
        const m = this.#labelMatcher();
        if (m) matchers.push(m);
        if (this.#accept(',')) {
          close = this.#accept('}');
          continue;
        }
        close = this.#accept('}');
        if (!close) this.#unexpected('label matching', '"," or "}"');
      }
      end = close.end;
    }
    const name = nameTok?.text;
    if (name !== undefined) matchers.push(cachedMatcher('=', METRIC_NAME_LABEL, name));
    return {
      kind: 'VectorSelector',
      name,
      matchers,
      offsetMs: 0,
      offsetExpr: undefined,
      at: undefined,
      anchored: false,
      smoothed: false,
      bypassEmptyMatcherCheck: false,
      pos: { start, end },
    };
  }

  #labelMatcher(): Matcher | undefined {
    const t = this.#peek();
    if (t.type !== 'IDENTIFIER' && t.type !== 'STRING')
      this.#unexpected('label matching', 'identifier or "}"');
    this.#take();
    const label = t.type === 'STRING' ? unquoteString(t.text) : t.text;
    const op = this.#peek();
    if (!MATCH_OPS.has(op.type)) {
      if (t.type === 'STRING')
        return this.#newMatcher('=', METRIC_NAME_LABEL, label, { start: t.pos, end: t.end });
      this.#unexpected('label matching', 'label matching operator');
    }
    this.#take();
    const value = this.#peek();
    if (value.type !== 'STRING') this.#unexpected('label matching', 'string');
    this.#take();
    return this.#newMatcher(op.type as MatchType, label, unquoteString(value.text), {
      start: t.pos,
      end: value.end,
    });
  }

  #newMatcher(type: MatchType, name: string, value: string, pos: PositionRange): Matcher | undefined {
    try {
      return cachedMatcher(type, name, value);
    } catch (err) {
      if (err instanceof InvalidRegexError) {
        const detail = err.cause instanceof Error ? err.cause.message : err.message;
        this.#error(pos, goRegexpError(detail, value));
        return undefined;
      }
      throw err;
    }
  }
}

/** RE2's error codes, spelled as Go's `regexp/syntax` spells them. */
const RE2_TO_GO_REGEXP_ERRORS: ReadonlyArray<readonly [re2: string, go: string, wholePattern: boolean]> = [
  ['missing )', 'missing closing )', true],
  ['unexpected )', 'unexpected )', true],
  ['missing ]', 'missing closing ]', false],
  ['bad repetition operator', 'invalid nested repetition operator', false],
  ['no argument for repetition operator', 'missing argument to repetition operator', false],
  ['invalid repetition size', 'invalid repeat count', false],
  ['invalid named capture group', 'invalid named capture', false],
];

/** Upstream's `error parsing regexp: <code>: `<expr>`` text for an RE2 compile error. */
function goRegexpError(re2Message: string, pattern: string): string {
  const anchored = `^(?s:${pattern})$`;
  const sep = re2Message.indexOf(': ');
  const code = sep < 0 ? re2Message : re2Message.slice(0, sep);
  let arg = sep < 0 ? anchored : re2Message.slice(sep + 2).replace('^(?:', '^(?s:');
  let goCode = code;
  for (const [re2, go, whole] of RE2_TO_GO_REGEXP_ERRORS) {
    if (code === re2) {
      goCode = go;
      if (whole) arg = anchored;
    }
  }
  return `error parsing regexp: ${goCode}: \`${arg}\``;
}

function roundHalfAwayFromZero(x: number): number {
  return Math.sign(x) * Math.round(Math.abs(x));
}

function unknownFunction(name: string): FunctionSignature {
  return { name, argTypes: [], variadic: -1, returnType: 'vector', experimental: false };
}
