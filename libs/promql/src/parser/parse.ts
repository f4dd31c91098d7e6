import type { Expr } from './ast.ts';
import { checkTypes } from './check.ts';
import { ParseError, positionOf } from './errors.ts';
import type { ParseErrorDetail } from './errors.ts';
import type { ParserOptions } from './options.ts';
import { Parser } from './parser.ts';
import type { RawParseError } from './parser.ts';

/**
 * Parses and type-checks a PromQL expression. Throws {@link ParseError} with upstream's
 * wording and position for anything Prometheus 3.x would refuse under the same options.
 * The returned tree is the caller's to keep; nothing is shared between calls.
 */
export function parseExpr(query: string, options: ParserOptions = {}): Expr {
  const parser = new Parser(query, options);
  const expr = parser.parse();
  if (parser.errors.length === 0 && expr) checkTypes(expr, query, parser.errors);
  if (parser.errors.length > 0 || !expr) throw new ParseError(query, parser.errors.map((e) => detail(query, e)));
  return expr;
}

function detail(query: string, e: RawParseError): ParseErrorDetail {
  let position: string;
  if (query === '') position = 'unknown position';
  else if (e.pos.start < 0 || e.pos.start > query.length) position = 'invalid position';
  else {
    const { line, column } = positionOf(query, e.pos.start);
    position = `${line}:${column}`;
  }
  return { pos: e.pos, message: e.message, position };
}
