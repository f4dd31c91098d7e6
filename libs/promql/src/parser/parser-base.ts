// The parser's token stream and error recording, and the tables every layer reads.
// The parser is split in layers along its grammar: base → durations
// (parse-durations.ts) → selectors and operator modifiers (parse-selectors.ts) →
// expressions (parser.ts); each layer only calls downwards.
import type { AggregateOp, NumberLiteral, PositionRange } from './ast.ts';
import { parseGoNumber, parsePromDuration } from './go-number.ts';
import { AGGREGATORS, describeToken, Lexer } from './lexer.ts';
import type { Token, TokenType } from './lexer.ts';
import type { ParserOptions } from './options.ts';

/** One recorded problem: where, and upstream's message. */
export interface RawParseError {
  pos: PositionRange;
  message: string;
}

/** Thrown inside the parser to abandon parsing after a syntax error has been recorded. */
export class Abort extends Error {}

export const BINARY_PRECEDENCE: Partial<Record<TokenType, number>> = {
  or: 1,
  and: 2,
  unless: 2,
  '==': 3,
  '!=': 3,
  '<': 3,
  '<=': 3,
  '>': 3,
  '>=': 3,
  '</': 3,
  '>/': 3,
  '+': 4,
  '-': 4,
  '*': 5,
  '/': 5,
  '%': 5,
  atan2: 5,
  '^': 6,
};
export const POW_PRECEDENCE = 6;

export const DURATION_PRECEDENCE: Partial<Record<TokenType, number>> = {
  '+': 4,
  '-': 4,
  '*': 5,
  '/': 5,
  '%': 5,
  '^': 6,
};

/** Tokens that may name a metric (upstream's `metric_identifier`). */
export const METRIC_IDENTIFIERS: ReadonlySet<TokenType> = new Set<TokenType>([
  'IDENTIFIER',
  'METRIC_IDENTIFIER',
  ...(Array.from(AGGREGATORS) as TokenType[]),
  'by',
  'without',
  'and',
  'or',
  'unless',
  'offset',
  'start',
  'end',
  'step',
  'range',
  'anchored',
  'smoothed',
]);

/** Tokens that may be a label name in grouping clauses (upstream's `maybe_label`). */
export const GROUPING_LABELS: ReadonlySet<TokenType> = new Set<TokenType>([
  ...METRIC_IDENTIFIERS,
  'bool',
  'group_left',
  'group_right',
  'ignoring',
  'on',
  'atan2',
]);

export const MATCH_OPS: ReadonlySet<TokenType> = new Set<TokenType>(['=', '!=', '=~', '!~']);

export const PARAM_AGGREGATORS: ReadonlySet<AggregateOp> = new Set<AggregateOp>([
  'topk',
  'bottomk',
  'count_values',
  'quantile',
  'limitk',
  'limit_ratio',
]);

/** Largest duration literal upstream accepts, in seconds (int64 nanoseconds). */
export const MAX_DURATION_SECONDS = 2 ** 63 / 1e9;

/** Token access and error recording shared by every layer of the parser. */
export class ParserBase {
  readonly errors: RawParseError[] = [];
  protected readonly lexer: Lexer;
  protected readonly buffer: Token[] = [];
  protected readonly options: ParserOptions;
  protected aggregationDepth = 0;

  constructor(
    readonly input: string,
    options: ParserOptions,
  ) {
    this.lexer = new Lexer(input);
    this.options = options;
  }

  // --- tokens ---

  protected peek(k = 0): Token {
    while (this.buffer.length <= k) this.buffer.push(this.lexer.next());
    return this.buffer[k]!;
  }

  protected take(): Token {
    const t = this.peek();
    this.buffer.shift();
    return t;
  }

  protected accept(type: TokenType): Token | undefined {
    return this.peek().type === type ? this.take() : undefined;
  }

  protected expect(type: TokenType, context: string, expected: string): Token {
    const t = this.accept(type);
    if (!t) this.unexpected(context, expected);
    return t!;
  }

  protected error(pos: PositionRange, message: string): void {
    this.errors.push({ pos, message });
  }

  /** Records upstream's "unexpected …" error for the current token and aborts. */
  protected unexpected(context: string, expected: string): never {
    const t = this.peek();
    if (t.type === 'ERROR') {
      this.error({ start: t.pos, end: t.end }, t.text);
      throw new Abort();
    }
    const ctx = context === '' && this.aggregationDepth > 0 ? 'aggregation' : context;
    let msg = `unexpected ${describeToken(t)}`;
    if (ctx !== '') msg += ` in ${ctx}`;
    if (expected !== '') msg += `, expected ${expected}`;
    this.error({ start: t.pos, end: t.end }, msg);
    throw new Abort();
  }

  protected numberLiteral(t: Token): NumberLiteral {
    const pos = { start: t.pos, end: t.end };
    if (t.type === 'DURATION') {
      const parsed = parsePromDuration(t.text);
      if (parsed.error !== undefined) this.error(pos, parsed.error);
      return { kind: 'NumberLiteral', value: (parsed.ms ?? 0) / 1000, duration: true, pos };
    }
    const parsed = parseGoNumber(t.text);
    if (parsed.error !== undefined) this.error(pos, `error parsing number: ${parsed.error}`);
    return { kind: 'NumberLiteral', value: parsed.value ?? 0, duration: false, pos };
  }
}
