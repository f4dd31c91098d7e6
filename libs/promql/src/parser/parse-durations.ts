// Duration expressions (`[5m+step()]`, `offset -(1h)`, min_of/max_of), as upstream's
// grammar parses them behind `promql-duration-expr`.
import type { DurationExpr, DurationOp, DurationOperand, NumberLiteral, PositionRange } from './ast.ts';
import { evaluateDuration, isDynamicDuration, literalSecondsToMs, secondsToMs } from './durations.ts';
import type { Token } from './lexer.ts';
import { DURATION_PRECEDENCE, MAX_DURATION_SECONDS, ParserBase, POW_PRECEDENCE } from './parser-base.ts';

/** Duration expressions: ranges, subquery steps and offsets. */
export class DurationParser extends ParserBase {
  /** Milliseconds of a duration literal or static expression, and the expression if any. */
  protected durationValue(d: DurationOperand): [number, DurationExpr | undefined] {
    if (d.kind === 'NumberLiteral') return [literalSecondsToMs(d.value), undefined];
    if (isDynamicDuration(d)) return [0, d];
    try {
      return [secondsToMs(evaluateDuration(d, { stepMs: 0, rangeMs: 0 })), d];
    } catch {
      return [0, d];
    }
  }

  // --- duration expressions ---

  protected positiveDuration(context: string, expected: string): DurationOperand {
    const d = this.durationExpr(0, context, expected);
    if (d.kind === 'NumberLiteral' && d.value <= 0) {
      this.error(d.pos, 'duration must be greater than 0');
      return { ...d, value: 0 };
    }
    return d;
  }

  protected gateDuration(e: DurationOperand): void {
    if (!this.options.durationExpressions)
      this.error(e.pos, 'experimental duration expression is not enabled');
  }

  protected durationExpr(minPrecedence: number, context: string, expected: string): DurationOperand {
    let lhs = this.durationUnary(context, expected);
    for (;;) {
      const op = this.peek();
      const precedence = DURATION_PRECEDENCE[op.type];
      if (precedence === undefined || precedence < minPrecedence) return lhs;
      this.take();
      const rhs = this.durationExpr(op.type === '^' ? precedence : precedence + 1, context, expected);
      this.gateDuration(lhs);
      if ((op.type === '/' || op.type === '%') && rhs.kind === 'NumberLiteral' && rhs.value === 0) {
        this.error({ start: op.pos, end: op.end }, op.type === '/' ? 'division by zero' : 'modulo by zero');
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

  protected durationUnary(context: string, expected: string): DurationOperand {
    const t = this.peek();
    if (t.type !== '+' && t.type !== '-') return this.durationPrimary(context, expected);
    this.take();
    const operand = this.durationExpr(POW_PRECEDENCE, context, expected);
    return this.applyDurationUnary(t, operand, false);
  }

  protected applyDurationUnary(op: Token, e: DurationOperand, wrapped: boolean): DurationOperand {
    if (wrapped) e = this.wrapDuration(e);
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
      this.error({ start: op.pos, end: op.end }, 'duration out of range');
      return { kind: 'NumberLiteral', value: 0, duration: false, pos: { start: 0, end: 0 } };
    }
    return { ...e, value, pos: { start: op.pos, end: e.pos.end } };
  }

  /** Marks a parenthesised duration; a bare literal becomes a wrapped unary plus, as upstream. */
  protected wrapDuration(e: DurationOperand, pos: PositionRange = e.pos): DurationExpr {
    if (e.kind === 'DurationExpr') {
      e.wrapped = true;
      return e;
    }
    return { kind: 'DurationExpr', op: '+', lhs: undefined, rhs: e, wrapped: true, pos: { ...pos } };
  }

  protected durationLiteral(): NumberLiteral {
    const nl = this.numberLiteral(this.take());
    if (nl.value > MAX_DURATION_SECONDS || nl.value < -MAX_DURATION_SECONDS) {
      this.error(nl.pos, 'duration out of range');
      return { kind: 'NumberLiteral', value: 0, duration: false, pos: { start: 0, end: 0 } };
    }
    return nl;
  }

  protected durationPrimary(context: string, expected: string): DurationOperand {
    const t = this.peek();
    switch (t.type) {
      case 'NUMBER':
      case 'DURATION':
        return this.durationLiteral();
      case 'step':
      case 'range': {
        this.take();
        this.expect('(', context, expected);
        const close = this.expect(')', context, expected);
        const de: DurationExpr = {
          kind: 'DurationExpr',
          op: t.type,
          lhs: undefined,
          rhs: undefined,
          wrapped: false,
          pos: { start: t.pos, end: close.end },
        };
        this.gateDuration(de);
        return de;
      }
      case 'min_of':
      case 'max_of':
        return this.minMax(context, expected);
      case '(': {
        this.take();
        const inner = this.durationExpr(0, context, expected);
        const close = this.expect(')', context, expected);
        this.gateDuration(inner);
        return this.wrapDuration(inner, { start: t.pos, end: close.end });
      }
    }
    if (
      t.type === 'IDENTIFIER' &&
      (t.text.toLowerCase() === 'min_of' || t.text.toLowerCase() === 'max_of') &&
      this.peek(1).type === '('
    ) {
      return this.minMax(context, expected);
    }
    return this.unexpected(context, expected);
  }

  protected minMax(context: string, expected: string): DurationExpr {
    const t = this.take();
    this.expect('(', context, expected);
    const lhs = this.durationExpr(0, context, expected);
    this.expect(',', context, expected);
    const rhs = this.durationExpr(0, context, expected);
    const close = this.expect(')', context, expected);
    const de: DurationExpr = {
      kind: 'DurationExpr',
      op: t.text.toLowerCase() as 'min_of' | 'max_of',
      lhs,
      rhs,
      wrapped: false,
      pos: { start: t.pos, end: close.end },
    };
    this.gateDuration(de);
    return de;
  }

  /** `offset` takes a literal, `step()`/`range()`, `min_of`/`max_of` or a parenthesised expression. */
  protected offsetDuration(): DurationOperand {
    const context = 'offset';
    const expected = 'number, duration, step(), or range()';
    const t = this.peek();
    if (t.type === '+' || t.type === '-') {
      this.take();
      const n = this.peek();
      if (n.type === 'NUMBER' || n.type === 'DURATION') {
        const nl = this.numberLiteral(this.take());
        return this.applyDurationUnary(t, nl, false);
      }
      if (n.type === '(') {
        this.take();
        const inner = this.durationExpr(0, context, expected);
        this.expect(')', context, expected);
        return this.applyDurationUnary(t, inner, true);
      }
      const inner = this.durationPrimary(context, expected);
      const de = this.applyDurationUnary(t, inner, false);
      this.gateDuration(de);
      return de;
    }
    if (t.type === 'NUMBER' || t.type === 'DURATION') return this.durationLiteral();
    return this.durationPrimary(context, expected);
  }
}
