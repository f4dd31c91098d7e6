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
export { parseExpr, parseMetricSelector } from './parser/parse.ts';
export { exprToString, durationToString } from './parser/printer.ts';
export { prettify } from './parser/prettier.ts';
export {
  DurationExprError,
  evaluateDuration,
  hasDurationExpressions,
  isDynamicDuration,
  resolveDurations,
} from './parser/durations.ts';
export type { DurationContext } from './parser/durations.ts';
export { documentedType } from './parser/check.ts';
export { formatFloatG, formatFloatPlain, goQuote } from './parser/go-format.ts';
export { parseQueryJson } from './parser/parse-query-json.ts';
export type { AstJson } from './parser/parse-query-json.ts';
// engine
export { Engine } from './engine/engine.ts';
export type {
  EngineOptions,
  MatrixSeries,
  QueryOptions,
  QueryResult,
  QueryStats,
  QueryValue,
  VectorSample,
} from './engine/engine.ts';
export {
  BadQueryError,
  EvaluationError,
  QueryCanceledError,
  QueryError,
  QueryTimeoutError,
  TooManySamplesError,
} from './engine/errors.ts';
export type { QueryErrorType } from './engine/errors.ts';
export {
  encodeError,
  encodeSuccess,
  encodeSuccessText,
  encodeValue,
  formatSampleValue,
  formatTimestamp,
  httpStatusFor,
} from './engine/json.ts';
export { QueryGate } from './engine/query-gate.ts';
