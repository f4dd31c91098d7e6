import type { PositionRange } from './ast.ts';

/** Line and 1-based byte column of a string index, as upstream prints positions. */
export interface LineColumn {
  line: number;
  column: number;
}

/**
 * The `line:col` upstream reports for a string index of `query`: lines are 1-based,
 * columns are 1-based and count UTF-8 bytes from the start of the line.
 */
export function positionOf(query: string, offset: number): LineColumn {
  let line = 1;
  let lineStart = 0;
  const end = Math.min(Math.max(offset, 0), query.length);
  for (let i = 0; i < end; i++) {
    if (query.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: utf8Length(query, lineStart, end) + 1 };
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

/** One parse problem: where it is and upstream's message for it (without position). */
export interface ParseErrorDetail {
  pos: PositionRange;
  message: string;
  /** `line:col` text upstream prefixes, e.g. `1:5`. */
  position: string;
}

/**
 * A query that does not parse. `message` reads as upstream's:
 * `1:5: parse error: unexpected <op:+>`, naming the first problem; `errors` lists every
 * problem found. `code` is `promql_parse_error`.
 */
export class ParseError extends Error {
  readonly code = 'promql_parse_error';

  constructor(
    readonly query: string,
    readonly errors: readonly ParseErrorDetail[],
    options?: ErrorOptions,
  ) {
    const first = errors[0]!;
    super(`${first.position}: parse error: ${first.message}`, options);
    this.name = 'ParseError';
  }

  /** Position of the first problem. */
  get pos(): PositionRange {
    return this.errors[0]!.pos;
  }
}
