// parser
export { children, exprType, inspect } from './parser/ast.ts';
export type {
  AggregateExpr,
  AggregateOp,
  ArithmeticOp,
  AtModifier,
  BinaryExpr,
  BinaryOp,
  Call,
  ComparisonOp,
  DurationExpr,
  DurationOp,
  DurationOperand,
  Expr,
  ExprKind,
  MatrixSelector,
  NumberLiteral,
  ParenExpr,
  PositionRange,
  SetOp,
  StringLiteral,
  SubqueryExpr,
  TrimOp,
  UnaryExpr,
  ValueType,
  VectorMatchCardinality,
  VectorMatching,
  VectorSelector,
} from './parser/ast.ts';
export { FUNCTIONS, argCountRange, argTypeAt } from './parser/functions.ts';
export type { FunctionSignature } from './parser/functions.ts';
export { ALL_PARSER_FEATURES, parserOptionsFromFeatures } from './parser/options.ts';
export type { ParserOptions } from './parser/options.ts';
export { ParseError, positionOf } from './parser/errors.ts';
export type { LineColumn, ParseErrorDetail } from './parser/errors.ts';
export { parseExpr } from './parser/parse.ts';
