import type { Matcher } from '@argus/model';
import type { FunctionSignature } from './functions.ts';

/** The four value types a PromQL expression can evaluate to. */
export type ValueType = 'scalar' | 'vector' | 'matrix' | 'string';

/**
 * Where a node sits in the query text: `start` inclusive, `end` exclusive, both as
 * JavaScript string indices (UTF-16 code units). Use `positionOf(query, offset)` for the
 * `line:col` (1-based, byte column) that upstream prints in errors and annotations.
 */
export interface PositionRange {
  readonly start: number;
  readonly end: number;
}

/** Arithmetic, comparison, set and histogram-trim binary operators, spelled as in PromQL. */
export type ArithmeticOp = '+' | '-' | '*' | '/' | '%' | '^' | 'atan2';
export type ComparisonOp = '==' | '!=' | '>' | '<' | '>=' | '<=';
export type SetOp = 'and' | 'or' | 'unless';
/** `</` keeps the part of a native histogram below the bound, `>/` the part above. */
export type TrimOp = '</' | '>/';
export type BinaryOp = ArithmeticOp | ComparisonOp | SetOp | TrimOp;

/** Aggregation operators; `topk`…`limit_ratio` take a parameter before the vector. */
export type AggregateOp =
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

/** Cardinality of a vector-vector binary operation, named as upstream prints it. */
export type VectorMatchCardinality = 'one-to-one' | 'many-to-one' | 'one-to-many' | 'many-to-many';

/**
 * How the two sides of a vector-vector binary operation are matched.
 * `on` true: match on exactly `labels`; false: match ignoring `labels`.
 * `include` are the extra labels of `group_left(...)`/`group_right(...)`.
 * Set operators always carry `many-to-many`.
 */
export interface VectorMatching {
  card: VectorMatchCardinality;
  on: boolean;
  labels: string[];
  include: string[];
  /**
   * `fill(v)`, `fill_left(v)`, `fill_right(v)` (feature `promql-binop-fill-modifiers`):
   * the value to use when the left (`lhs`) or right (`rhs`) side has no match.
   * `undefined` means no filling on that side.
   */
  fill: { lhs: number | undefined; rhs: number | undefined };
}

/** A number literal; `duration` marks one written as a duration (`5m`), printed back that way. */
export interface NumberLiteral {
  readonly kind: 'NumberLiteral';
  value: number;
  duration: boolean;
  pos: PositionRange;
}

/** A string literal, escapes already resolved. */
export interface StringLiteral {
  readonly kind: 'StringLiteral';
  value: string;
  pos: PositionRange;
}

/**
 * `@` modifier: a timestamp in milliseconds, `'start'`/`'end'` for `@ start()`/`@ end()`,
 * or undefined when absent.
 */
export type AtModifier = number | 'start' | 'end' | undefined;

/** Operators of a duration expression; `step`/`range` take no operand, `min_of`/`max_of` two. */
export type DurationOp = '+' | '-' | '*' | '/' | '%' | '^' | 'step' | 'range' | 'min_of' | 'max_of';

/**
 * A duration arithmetic expression (feature `promql-duration-expr`), used in place of a
 * literal range, subquery step or offset: `[5m+1m]`, `offset (1m*2)`, `[step()]`.
 * Operands are numbers in seconds (duration literals included) or nested expressions.
 * Unary minus/plus has `lhs` undefined. `wrapped` is true when written in parentheses.
 * Evaluate with `evaluateDuration`; `step()`/`range()` need the query's step and range.
 */
export interface DurationExpr {
  readonly kind: 'DurationExpr';
  op: DurationOp;
  lhs: DurationOperand | undefined;
  rhs: DurationOperand | undefined;
  wrapped: boolean;
  pos: PositionRange;
}
export type DurationOperand = NumberLiteral | DurationExpr;

/**
 * An instant vector selector. `name` is the metric name when written outside the braces
 * (or as the bare quoted string inside them); `matchers` always includes the
 * `__name__` equality matcher for it. `offsetMs` is the written offset (negative allowed);
 * when the offset is a duration expression that needs `step()`/`range()`, `offsetExpr`
 * holds it and `offsetMs` is 0 until the engine resolves it.
 */
export interface VectorSelector {
  readonly kind: 'VectorSelector';
  name: string | undefined;
  matchers: Matcher[];
  offsetMs: number;
  offsetExpr: DurationExpr | undefined;
  at: AtModifier;
  /** `anchored` range modifier (feature `promql-extended-range-selectors`). */
  anchored: boolean;
  /** `smoothed` range modifier (feature `promql-extended-range-selectors`). */
  smoothed: boolean;
  /** True for the second argument of `info()`, which may match the empty string. */
  bypassEmptyMatcherCheck: boolean;
  pos: PositionRange;
}

/** `selector[range]`; offset, `@` and modifiers live on the inner selector. */
export interface MatrixSelector {
  readonly kind: 'MatrixSelector';
  vectorSelector: VectorSelector;
  rangeMs: number;
  /** Set when the range is a duration expression; `rangeMs` is 0 until resolved if it needs step()/range(). */
  rangeExpr: DurationExpr | undefined;
  pos: PositionRange;
}

/** `expr[range:step]`; `stepMs` 0 means the default (the evaluation interval). */
export interface SubqueryExpr {
  readonly kind: 'SubqueryExpr';
  expr: Expr;
  rangeMs: number;
  rangeExpr: DurationExpr | undefined;
  stepMs: number;
  stepExpr: DurationExpr | undefined;
  offsetMs: number;
  offsetExpr: DurationExpr | undefined;
  at: AtModifier;
  pos: PositionRange;
}

export interface ParenExpr {
  readonly kind: 'ParenExpr';
  expr: Expr;
  pos: PositionRange;
}

/** Unary `-` or `+` on a scalar or instant vector. */
export interface UnaryExpr {
  readonly kind: 'UnaryExpr';
  op: '-' | '+';
  expr: Expr;
  pos: PositionRange;
}

/**
 * A binary operation. `matching` is present exactly when both sides are instant vectors.
 * `returnBool` is the `bool` modifier of comparisons.
 */
export interface BinaryExpr {
  readonly kind: 'BinaryExpr';
  op: BinaryOp;
  lhs: Expr;
  rhs: Expr;
  returnBool: boolean;
  matching: VectorMatching | undefined;
  pos: PositionRange;
}

/** An aggregation; `param` is set for topk, bottomk, quantile, count_values, limitk, limit_ratio. */
export interface AggregateExpr {
  readonly kind: 'AggregateExpr';
  op: AggregateOp;
  expr: Expr;
  param: Expr | undefined;
  grouping: string[];
  without: boolean;
  pos: PositionRange;
}

/** A function call, arguments type-checked against `func`. */
export interface Call {
  readonly kind: 'Call';
  func: FunctionSignature;
  args: Expr[];
  pos: PositionRange;
}

/** Every PromQL expression node. */
export type Expr =
  | NumberLiteral
  | StringLiteral
  | VectorSelector
  | MatrixSelector
  | SubqueryExpr
  | ParenExpr
  | UnaryExpr
  | BinaryExpr
  | AggregateExpr
  | Call;

export type ExprKind = Expr['kind'];

/** The type an expression evaluates to (the parser has already checked the operands). */
export function exprType(e: Expr): ValueType {
  for (;;) {
    switch (e.kind) {
      case 'NumberLiteral':
        return 'scalar';
      case 'StringLiteral':
        return 'string';
      case 'VectorSelector':
      case 'AggregateExpr':
        return 'vector';
      case 'MatrixSelector':
      case 'SubqueryExpr':
        return 'matrix';
      case 'Call':
        return e.func.returnType;
      case 'ParenExpr':
      case 'UnaryExpr':
        e = e.expr;
        continue;
      case 'BinaryExpr': {
        // Iterative along the left spine: long `a + b + c …` chains stay off the call stack.
        let cur: Expr = e;
        while (cur.kind === 'BinaryExpr') {
          if (exprType(cur.rhs) !== 'scalar') return 'vector';
          cur = cur.lhs;
        }
        return exprType(cur) === 'scalar' ? 'scalar' : 'vector';
      }
    }
  }
}

/** The direct sub-expressions of a node, in source order. */
export function children(e: Expr): Expr[] {
  switch (e.kind) {
    case 'NumberLiteral':
    case 'StringLiteral':
    case 'VectorSelector':
      return [];
    case 'MatrixSelector':
      return [e.vectorSelector];
    case 'SubqueryExpr':
    case 'ParenExpr':
    case 'UnaryExpr':
      return [e.expr];
    case 'BinaryExpr':
      return [e.lhs, e.rhs];
    case 'AggregateExpr':
      return e.param === undefined ? [e.expr] : [e.param, e.expr];
    case 'Call':
      return e.args;
  }
}

/**
 * Visits `e` and its descendants depth-first, parents before children, children in source
 * order; `path` lists the ancestors of the visited node. Returning `false` skips the node's
 * children. Uses an explicit stack, so arbitrarily deep trees are fine.
 */
export function inspect(e: Expr, visit: (node: Expr, path: readonly Expr[]) => boolean | void): void {
  const path: Expr[] = [];
  // Each entry is a node to visit, or `undefined` marking the end of the top of `path`.
  const stack: Array<Expr | undefined> = [e];
  while (stack.length > 0) {
    const node = stack.pop();
    if (node === undefined) {
      path.pop();
      continue;
    }
    if (visit(node, path) === false) continue;
    const kids = children(node);
    if (kids.length === 0) continue;
    path.push(node);
    stack.push(undefined);
    for (let i = kids.length - 1; i >= 0; i--) stack.push(kids[i]);
  }
}
