import type { Matcher } from '@argus/model';
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
  let expr: Expr | undefined;
  try {
    expr = parser.parse();
    if (parser.errors.length === 0 && expr) checkTypes(expr, query, parser.errors);
  } catch (err) {
    // Only absurd nesting (thousands of parentheses or nested calls) exhausts the stack.
    if (!(err instanceof RangeError)) throw err;
    throw new ParseError(
      query,
      [detail(query, { pos: { start: 0, end: query.length }, message: 'expression nesting is too deep' })],
      {
        cause: err,
      },
    );
  }
  if (parser.errors.length > 0 || !expr) throw new ParseError(query, details(query, parser.errors));
  return expr;
}

/**
 * Parses a series selector such as a `match[]` parameter (`up{job="a"}`, `{__name__=~"x.*"}`)
 * into its matchers, the metric name's matcher included, as upstream's `ParseMetricSelector`:
 * no type checking, so a selector matching everything is accepted (callers that must refuse
 * it check `matchesEmpty` themselves). Throws {@link ParseError}.
 */
export function parseMetricSelector(input: string): Matcher[] {
  const parser = new Parser(input, {});
  const vs = parser.parseMetricSelector();
  if (parser.errors.length > 0 || !vs) throw new ParseError(input, details(input, parser.errors));
  return vs.matchers;
}

/** Positions for all errors in one sweep over the query (a query can yield thousands). */
function details(query: string, errors: readonly RawParseError[]): ParseErrorDetail[] {
  if (errors.length === 1) return [detail(query, errors[0]!)];
  const order = errors.map((_, i) => i).sort((a, b) => errors[a]!.pos.start - errors[b]!.pos.start);
  const out: ParseErrorDetail[] = new Array<ParseErrorDetail>(errors.length);
  let line = 1;
  let lineStart = 0;
  let scanned = 0;
  let column = 1;
  let columnAt = 0;
  for (const i of order) {
    const e = errors[i]!;
    const start = e.pos.start;
    if (query === '' || start < 0 || start > query.length) {
      out[i] = detail(query, e);
      continue;
    }
    for (; scanned < start; scanned++) {
      if (query.charCodeAt(scanned) === 10) {
        line++;
        lineStart = scanned + 1;
      }
    }
    if (columnAt < lineStart || columnAt > start) {
      column = 1;
      columnAt = lineStart;
    }
    column += utf8Length(query, columnAt, start);
    columnAt = start;
    out[i] = { pos: e.pos, message: e.message, position: `${line}:${column}` };
  }
  return out;
}

function utf8Length(s: string, from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < to) {
      n += 4;
      i++;
    } else n += 3;
  }
  return n;
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
