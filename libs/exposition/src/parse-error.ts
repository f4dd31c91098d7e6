/**
 * A malformed exposition: where (1-based `line` and `column`, the column counted in
 * characters), what was found (`text`, the offending token, `''` at end of input) and what
 * was wrong (`reason`, in the words of Prometheus's parsers: `expected equal, got "}"`).
 * `message` is `line:column: reason`, fit to show a user as is.
 */
export class ExpositionParseError extends Error {
  readonly code = 'exposition_parse_error';

  constructor(
    readonly line: number,
    readonly column: number,
    readonly text: string,
    readonly reason: string,
  ) {
    super(`${line}:${column}: ${reason}`);
    this.name = 'ExpositionParseError';
  }
}
