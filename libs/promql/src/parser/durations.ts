import type { DurationExpr, DurationOperand, Expr } from './ast.ts';
import { inspect } from './ast.ts';

/** The query-dependent inputs of `step()` and `range()`, in milliseconds (0 for instant queries). */
export interface DurationContext {
  stepMs: number;
  rangeMs: number;
}

/** A duration expression that cannot be evaluated (division by zero, non-positive range, …). */
export class DurationExprError extends Error {
  readonly code = 'promql_duration_expr';
  constructor(message: string) {
    super(message);
    this.name = 'DurationExprError';
  }
}

/** Whether a duration expression calls `step()` or `range()` and so depends on the query. */
export function isDynamicDuration(e: DurationOperand): boolean {
  if (e.kind === 'NumberLiteral') return false;
  if (e.op === 'step' || e.op === 'range') return true;
  return (
    (e.lhs !== undefined && isDynamicDuration(e.lhs)) || (e.rhs !== undefined && isDynamicDuration(e.rhs))
  );
}

/**
 * Evaluates a duration expression in seconds, as upstream does with float64 arithmetic:
 * `%` is Go's `math.Mod` (sign of the dividend), `^` is `math.Pow`.
 * Throws {@link DurationExprError} on division or modulo by zero.
 */
export function evaluateDuration(e: DurationOperand, ctx: DurationContext): number {
  if (e.kind === 'NumberLiteral') return e.value;
  switch (e.op) {
    case 'step':
      return ctx.stepMs / 1000;
    case 'range':
      return ctx.rangeMs / 1000;
    case 'min_of':
      return Math.min(evaluateDuration(e.lhs!, ctx), evaluateDuration(e.rhs!, ctx));
    case 'max_of':
      return Math.max(evaluateDuration(e.lhs!, ctx), evaluateDuration(e.rhs!, ctx));
  }
  const rhs = evaluateDuration(e.rhs!, ctx);
  if (e.lhs === undefined) return e.op === '-' ? -rhs : rhs;
  const lhs = evaluateDuration(e.lhs, ctx);
  switch (e.op) {
    case '+':
      return lhs + rhs;
    case '-':
      return lhs - rhs;
    case '*':
      return lhs * rhs;
    case '/':
      if (rhs === 0) throw new DurationExprError(`${e.pos.start}:${e.pos.end}: division by zero`);
      return lhs / rhs;
    case '%':
      if (rhs === 0) throw new DurationExprError(`${e.pos.start}:${e.pos.end}: modulo by zero`);
      return lhs % rhs;
    case '^':
      return Math.pow(lhs, rhs);
  }
}

/** Seconds to whole milliseconds the way upstream converts: to nanoseconds, then truncated to ms. */
export function secondsToMs(seconds: number): number {
  const ns = Math.trunc(seconds * 1e9);
  return Math.trunc(ns / 1e6);
}

/** Literal seconds to milliseconds as the parser stores them (`math.Round` to ns, then ms). */
export function literalSecondsToMs(seconds: number): number {
  const ns = Math.sign(seconds) * Math.round(Math.abs(seconds) * 1e9);
  return Math.trunc(ns / 1e6) + 0;
}

const MAX_SECONDS = 2 ** 63 / 1e9;

function durationMs(e: DurationExpr, ctx: DurationContext, allowNegative: boolean): number {
  const seconds = evaluateDuration(e, ctx);
  if (!(seconds > 0) && !allowNegative) {
    throw new DurationExprError(`${e.pos.start}:${e.pos.end}: duration must be greater than 0`);
  }
  if (seconds >= MAX_SECONDS || seconds < -MAX_SECONDS || Number.isNaN(seconds)) {
    throw new DurationExprError(`${e.pos.start}:${e.pos.end}: duration is out of range`);
  }
  return secondsToMs(seconds);
}

/**
 * Fills `rangeMs`, `stepMs` and `offsetMs` of every node whose duration is an expression,
 * for one query's step and range (upstream does this when preparing a query). Ranges and
 * steps must come out positive; offsets may be negative. Mutates `root` in place; throws
 * {@link DurationExprError} with upstream's message otherwise.
 */
export function resolveDurations(root: Expr, ctx: DurationContext): void {
  inspect(root, (node) => {
    switch (node.kind) {
      case 'VectorSelector':
        if (node.offsetExpr) node.offsetMs = durationMs(node.offsetExpr, ctx, true);
        break;
      case 'MatrixSelector':
        if (node.rangeExpr) node.rangeMs = durationMs(node.rangeExpr, ctx, false);
        break;
      case 'SubqueryExpr':
        if (node.rangeExpr) node.rangeMs = durationMs(node.rangeExpr, ctx, false);
        if (node.stepExpr) node.stepMs = durationMs(node.stepExpr, ctx, false);
        if (node.offsetExpr) node.offsetMs = durationMs(node.offsetExpr, ctx, true);
        break;
    }
  });
}

/** Whether `root` holds any duration expression (then call {@link resolveDurations}). */
export function hasDurationExpressions(root: Expr): boolean {
  let found = false;
  inspect(root, (node) => {
    if (found) return false;
    if (
      (node.kind === 'VectorSelector' && node.offsetExpr) ||
      (node.kind === 'MatrixSelector' && node.rangeExpr) ||
      (node.kind === 'SubqueryExpr' && (node.rangeExpr || node.stepExpr || node.offsetExpr))
    ) {
      found = true;
    }
    return undefined;
  });
  return found;
}
