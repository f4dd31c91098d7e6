import type { Expr } from './ast.ts';
import { ParseError } from './errors.ts';
import type { ParserOptions } from './options.ts';

/**
 * Parses and type-checks a PromQL expression. Throws {@link ParseError} with upstream's
 * wording and position for anything Prometheus 3.x would refuse under the same options.
 */
export function parseExpr(query: string, options: ParserOptions = {}): Expr {
  void options;
  throw new ParseError(query, [{ pos: { start: 0, end: query.length }, position: '1:1', message: 'parser not implemented yet' }]);
}
