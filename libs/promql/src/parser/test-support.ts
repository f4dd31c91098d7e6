import type { DurationOperand, Expr } from './ast.ts';

/**
 * A position-free, JSON-comparable view of an expression (matchers as text, functions by
 * name), for tests that compare trees parsed from different texts. Test helper only.
 */
export function shape(e: Expr | DurationOperand | undefined): unknown {
  if (e === undefined) return undefined;
  switch (e.kind) {
    case 'NumberLiteral':
      return {
        kind: e.kind,
        value: Number.isNaN(e.value) ? 'NaN' : Object.is(e.value, -0) ? '-0' : e.value,
        duration: e.duration,
      };
    case 'StringLiteral':
      return { kind: e.kind, value: e.value };
    case 'DurationExpr':
      return { kind: e.kind, op: e.op, lhs: shape(e.lhs), rhs: shape(e.rhs), wrapped: e.wrapped };
    case 'VectorSelector':
      return {
        kind: e.kind,
        name: e.name,
        matchers: e.matchers.map((m) => `${m.name}${m.type}${JSON.stringify(m.value)}`).sort(),
        offsetMs: e.offsetMs,
        offsetExpr: shape(e.offsetExpr),
        at: e.at,
        anchored: e.anchored,
        smoothed: e.smoothed,
      };
    case 'MatrixSelector':
      return { kind: e.kind, vs: shape(e.vectorSelector), rangeMs: e.rangeMs, rangeExpr: shape(e.rangeExpr) };
    case 'SubqueryExpr':
      return {
        kind: e.kind,
        expr: shape(e.expr),
        rangeMs: e.rangeMs,
        rangeExpr: shape(e.rangeExpr),
        stepMs: e.stepMs,
        stepExpr: shape(e.stepExpr),
        offsetMs: e.offsetMs,
        offsetExpr: shape(e.offsetExpr),
        at: e.at,
      };
    case 'ParenExpr':
      return { kind: e.kind, expr: shape(e.expr) };
    case 'UnaryExpr':
      return { kind: e.kind, op: e.op, expr: shape(e.expr) };
    case 'BinaryExpr':
      return {
        kind: e.kind,
        op: e.op,
        lhs: shape(e.lhs),
        rhs: shape(e.rhs),
        returnBool: e.returnBool,
        matching: e.matching && { ...e.matching, fill: { ...e.matching.fill } },
      };
    case 'AggregateExpr':
      return {
        kind: e.kind,
        op: e.op,
        expr: shape(e.expr),
        param: shape(e.param),
        grouping: e.grouping,
        without: e.without,
      };
    case 'Call':
      return { kind: e.kind, func: e.func.name, args: e.args.map(shape) };
  }
}
