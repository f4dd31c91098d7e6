// Expressions: precedence climbing over operators, unary signs, literals, postfix
// ranges/subqueries/offset/@/anchored/smoothed, aggregations and calls. The layers below
// (parse-selectors.ts, parse-durations.ts, parser-base.ts) hold the rest of the grammar.
import type {
  AggregateExpr,
  AggregateOp,
  AtModifier,
  BinaryExpr,
  BinaryOp,
  Call,
  DurationOperand,
  Expr,
  MatrixSelector,
  SubqueryExpr,
  VectorMatching,
  VectorSelector,
} from './ast.ts';
import { FUNCTIONS } from './functions.ts';
import type { FunctionSignature } from './functions.ts';
import { formatFloatFixed6, goQuote } from './go-format.ts';
import { AGGREGATORS } from './lexer.ts';
import type { Token } from './lexer.ts';
import { unquoteString } from './unquote.ts';
import {
  Abort,
  BINARY_PRECEDENCE,
  METRIC_IDENTIFIERS,
  PARAM_AGGREGATORS,
  POW_PRECEDENCE,
} from './parser-base.ts';
import { SelectorParser } from './parse-selectors.ts';

export type { RawParseError } from './parser-base.ts';

/**
 * Recursive-descent/precedence-climbing parser producing the AST. Syntax errors abort;
 * semantic problems found on the way are recorded and parsing goes on, so the first
 * recorded error is the one upstream's yacc parser would report.
 */
export class Parser extends SelectorParser {
  /** Parses the whole input; returns undefined when a syntax error was recorded. */
  parse(): Expr | undefined {
    try {
      if (this.peek().type === 'EOF') {
        this.error({ start: 0, end: 0 }, 'no expression found in input');
        return undefined;
      }
      const e = this.expr(0);
      if (this.peek().type !== 'EOF') this.unexpected('', '');
      return e;
    } catch (err) {
      if (err instanceof Abort) return undefined;
      throw err;
    }
  }

  /** Parses the whole input as one vector selector (upstream's `ParseMetricSelector`). */
  parseMetricSelector(): VectorSelector | undefined {
    try {
      const t = this.peek();
      let vs: VectorSelector | undefined;
      if (t.type === '{') vs = this.vectorSelector(undefined);
      else if (METRIC_IDENTIFIERS.has(t.type)) vs = this.vectorSelector(this.take());
      else this.unexpected('', '');
      if (this.peek().type !== 'EOF') this.unexpected('', '');
      return vs;
    } catch (err) {
      if (err instanceof Abort) return undefined;
      throw err;
    }
  }

  // --- expressions ---

  protected expr(minPrecedence: number): Expr {
    let lhs = this.unary();
    for (;;) {
      const op = this.peek();
      const precedence = BINARY_PRECEDENCE[op.type];
      if (precedence === undefined || precedence < minPrecedence) return lhs;
      this.take();
      const modifiers = this.binModifiers();
      const rhs = this.expr(op.type === '^' ? precedence : precedence + 1);
      lhs = this.newBinary(op.type as BinaryOp, modifiers, lhs, rhs);
    }
  }

  protected unary(): Expr {
    // Sign runs (`--1`, `-+-foo`) are collected in a loop and applied inside out.
    const signs: Token[] = [];
    for (let t = this.peek(); t.type === '+' || t.type === '-'; t = this.peek()) signs.push(this.take());
    if (signs.length === 0) return this.postfix(this.primary());
    let operand = this.expr(POW_PRECEDENCE);
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

  protected primary(): Expr {
    const t = this.peek();
    switch (t.type) {
      case 'NUMBER':
      case 'DURATION':
        return this.numberLiteral(this.take());
      case 'STRING': {
        this.take();
        return { kind: 'StringLiteral', value: unquoteString(t.text), pos: { start: t.pos, end: t.end } };
      }
      case '(': {
        this.take();
        const inner = this.expr(0);
        const close = this.expect(')', '', '');
        return { kind: 'ParenExpr', expr: inner, pos: { start: t.pos, end: close.end } };
      }
      case '{':
        return this.vectorSelector(undefined);
    }
    const next = this.peek(1).type;
    if (AGGREGATORS.has(t.type) && (next === '(' || next === 'by' || next === 'without'))
      return this.aggregate();
    if (
      (t.type === 'IDENTIFIER' ||
        t.type === 'start' ||
        t.type === 'end' ||
        t.type === 'step' ||
        t.type === 'range') &&
      next === '('
    ) {
      return this.call();
    }
    if (METRIC_IDENTIFIERS.has(t.type)) return this.vectorSelector(this.take());
    return this.unexpected('', '');
  }

  // --- postfix modifiers: ranges, subqueries, offset, @, anchored, smoothed ---

  protected postfix(e: Expr): Expr {
    for (;;) {
      switch (this.peek().type) {
        case '[':
          e = this.rangeOrSubquery(e);
          break;
        case 'offset':
          this.offset(e);
          break;
        case '@':
          this.at(e);
          break;
        case 'anchored':
        case 'smoothed':
          this.extendedRange(e, this.take());
          break;
        default:
          return e;
      }
    }
  }

  protected rangeOrSubquery(e: Expr): Expr {
    const open = this.take();
    const range = this.positiveDuration('subquery or range selector', 'number, duration, step(), or range()');
    const t = this.peek();
    if (t.type === ']') {
      const close = this.take();
      let problem: string | undefined;
      if (e.kind !== 'VectorSelector') problem = 'ranges only allowed for vector selectors';
      else if (e.offsetMs !== 0 || e.offsetExpr !== undefined)
        problem = 'no offset modifiers allowed before range';
      else if (e.at !== undefined) problem = 'no @ modifiers allowed before range';
      if (problem) this.error({ start: open.pos, end: close.end }, problem);
      const m: MatrixSelector = {
        kind: 'MatrixSelector',
        vectorSelector: e as VectorSelector,
        rangeMs: 0,
        rangeExpr: undefined,
        pos: { start: e.pos.start, end: close.end },
      };
      [m.rangeMs, m.rangeExpr] = this.durationValue(range);
      return m;
    }
    if (t.type !== ':') this.unexpected('subquery or range', '":" or "]"');
    this.take();
    let step: DurationOperand | undefined;
    if (this.peek().type !== ']') {
      step = this.positiveDuration('subquery selector', 'number, duration, step(), range(), or "]"');
    }
    const close = this.expect(']', 'subquery selector', '"]"');
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
    [sq.rangeMs, sq.rangeExpr] = this.durationValue(range);
    if (step) [sq.stepMs, sq.stepExpr] = this.durationValue(step);
    return sq;
  }

  protected offset(e: Expr): void {
    this.take();
    const d = this.offsetDuration();
    const [ms, expr] = this.durationValue(d);
    const target = this.modifierTarget(
      e,
      'offset modifier must be preceded by an instant vector selector or range vector selector or a subquery',
    );
    if (!target) return;
    if (target.offsetMs !== 0 || target.offsetExpr !== undefined) {
      this.error(e.pos, 'offset may not be set multiple times');
    } else {
      target.offsetMs = ms;
      target.offsetExpr = expr;
    }
    e.pos = { start: e.pos.start, end: Math.max(d.pos.end, e.pos.end) };
  }

  /** The node holding offset/@ for `e`: the selector, a matrix's selector, or the subquery. */
  protected modifierTarget(e: Expr, message: string): VectorSelector | SubqueryExpr | undefined {
    switch (e.kind) {
      case 'VectorSelector':
      case 'SubqueryExpr':
        return e;
      case 'MatrixSelector':
        if (e.vectorSelector.kind !== 'VectorSelector') {
          this.error(e.pos, 'ranges only allowed for vector selectors');
          return undefined;
        }
        return e.vectorSelector;
      default:
        this.error(e.pos, message);
        return undefined;
    }
  }

  protected at(e: Expr): void {
    this.take();
    const t = this.peek();
    let at: AtModifier;
    let end: number;
    if ((t.type === 'start' || t.type === 'end') && this.peek(1).type === '(') {
      this.take();
      this.take();
      end = this.expect(')', '@', 'timestamp').end;
      at = t.type;
    } else {
      let sign = 1;
      if (t.type === '+' || t.type === '-') {
        const n = this.peek(1).type;
        if (n !== 'NUMBER' && n !== 'DURATION') {
          this.take();
          this.unexpected('@', 'timestamp');
        }
        this.take();
        if (t.type === '-') sign = -1;
      }
      const n = this.peek();
      if (n.type !== 'NUMBER' && n.type !== 'DURATION') this.unexpected('@', 'timestamp');
      const ts = sign * this.numberLiteral(this.take()).value;
      end = n.end;
      if (!Number.isFinite(ts) || ts >= 2 ** 63 || ts <= -(2 ** 63)) {
        this.error(e.pos, `timestamp out of bounds for @ modifier: ${formatFloatFixed6(ts)}`);
      }
      at = roundHalfAwayFromZero(ts * 1000) + 0;
    }
    const target = this.modifierTarget(
      e,
      '@ modifier must be preceded by an instant vector selector or range vector selector or a subquery',
    );
    if (!target) return;
    if (target.at !== undefined) {
      this.error(e.pos, '@ <timestamp> may not be set multiple times');
      return;
    }
    target.at = at;
    e.pos = { start: e.pos.start, end };
  }

  protected extendedRange(e: Expr, t: Token): void {
    const name = t.type as 'anchored' | 'smoothed';
    if (!this.options.extendedRangeSelectors) {
      this.error(e.pos, `${name} modifier is experimental and not enabled`);
      return;
    }
    const other = name === 'anchored' ? 'smoothed' : 'anchored';
    let vs: VectorSelector;
    if (e.kind === 'VectorSelector') vs = e;
    else if (e.kind === 'MatrixSelector') {
      if (e.vectorSelector.kind !== 'VectorSelector') return;
      vs = e.vectorSelector;
    } else if (e.kind === 'SubqueryExpr') {
      this.error(e.pos, `${name} modifier is not supported for subqueries`);
      return;
    } else {
      this.error(e.pos, `${name} modifier not implemented`);
      return;
    }
    vs[name] = true;
    if (vs[other]) this.error(e.pos, 'anchored and smoothed modifiers cannot be used together');
  }

  protected newBinary(
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
    if (mods.hasFill && !this.options.binopFillModifiers) {
      this.error(e.pos, 'binop fill modifiers are experimental and not enabled');
    }
    return e;
  }

  // --- aggregations and calls ---

  protected aggregate(): AggregateExpr {
    const opTok = this.take();
    const op = opTok.type as AggregateOp;
    this.aggregationDepth++;
    let grouping: string[] = [];
    let without = false;
    let args: Expr[];
    let end: number;
    const m = this.peek().type;
    if (m === 'by' || m === 'without') {
      this.take();
      without = m === 'without';
      grouping = this.groupingLabels();
      [args, end] = this.callBody();
    } else {
      [args, end] = this.callBody();
      const after = this.peek().type;
      if (after === 'by' || after === 'without') {
        this.take();
        without = after === 'without';
        grouping = this.groupingLabels();
        end = this.lastClosingParen();
      }
    }
    this.aggregationDepth--;
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
      this.error(pos, 'no arguments for aggregate expression provided');
      return e;
    }
    let desired = 1;
    if (PARAM_AGGREGATORS.has(op)) {
      if (!this.options.experimentalFunctions && (op === 'limitk' || op === 'limit_ratio')) {
        this.error(
          pos,
          `${op}() is experimental and must be enabled with --enable-feature=promql-experimental-functions`,
        );
        return e;
      }
      desired = 2;
      e.param = args[0];
    }
    if (args.length !== desired) {
      this.error(
        pos,
        `wrong number of arguments for aggregate expression provided, expected ${desired}, got ${args.length}`,
      );
      return e;
    }
    e.expr = args[desired - 1]!;
    return e;
  }

  protected lastClosingParen(): number {
    return this.lastClosing;
  }

  /** `( expr, … )`; returns the arguments and the end of the closing parenthesis. */
  protected callBody(): [Expr[], number] {
    this.expect('(', '', '');
    const args: Expr[] = [];
    let close = this.accept(')');
    while (!close) {
      args.push(this.expr(0));
      const comma = this.accept(',');
      if (comma) {
        close = this.accept(')');
        if (close)
          this.error(
            { start: comma.pos, end: comma.end },
            'trailing commas not allowed in function call args',
          );
        continue;
      }
      close = this.accept(')');
      if (!close) this.unexpected('', '');
    }
    this.lastClosing = close.end;
    return [args, close.end];
  }

  protected call(): Call {
    const name = this.take();
    const [args, end] = this.callBody();
    const pos = { start: name.pos, end };
    const fname = name.type === 'IDENTIFIER' ? name.text : name.type;
    let func = FUNCTIONS.get(fname);
    if (!func) {
      this.error({ start: name.pos, end: name.end }, `unknown function with name ${goQuote(name.text)}`);
      func = unknownFunction(name.text);
    } else if (func.experimental && !this.options.experimentalFunctions) {
      this.error({ start: name.pos, end: name.end }, `function ${goQuote(name.text)} is not enabled`);
    }
    return { kind: 'Call', func, args, pos };
  }
}

function roundHalfAwayFromZero(x: number): number {
  return Math.sign(x) * Math.round(Math.abs(x));
}

function unknownFunction(name: string): FunctionSignature {
  return { name, argTypes: [], variadic: -1, returnType: 'vector', experimental: false };
}
