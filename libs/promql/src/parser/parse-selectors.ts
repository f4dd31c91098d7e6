// Vector selectors and label matchers, and the modifiers of binary operators and
// aggregations (`bool`, `on`/`ignoring`, `group_left`/`group_right`, `fill`, `by`/`without`).
import { InvalidRegexError, METRIC_NAME_LABEL } from '@argus/model';
import type { Matcher, MatchType } from '@argus/model';
import type { PositionRange, VectorMatching, VectorSelector } from './ast.ts';
import { goQuote } from './go-format.ts';
import type { Token } from './lexer.ts';
import { unquoteString } from './unquote.ts';
import { cachedMatcher } from './matcher-cache.ts';
import { GROUPING_LABELS, MATCH_OPS } from './parser-base.ts';
import { DurationParser } from './parse-durations.ts';

/** Selectors, matchers, and the modifiers of binary operators and aggregations. */
export class SelectorParser extends DurationParser {
  // --- binary operators ---

  protected binModifiers(): { returnBool: boolean; matching: VectorMatching; hasFill: boolean } {
    const returnBool = this.accept('bool') !== undefined;
    const matching: VectorMatching = {
      card: 'one-to-one',
      on: false,
      labels: [],
      include: [],
      fill: { lhs: undefined, rhs: undefined },
    };
    const t = this.peek();
    if (t.type === 'on' || t.type === 'ignoring') {
      this.take();
      matching.on = t.type === 'on';
      matching.labels = this.groupingLabels();
      const g = this.peek();
      if (g.type === 'group_left' || g.type === 'group_right') {
        this.take();
        matching.card = g.type === 'group_left' ? 'many-to-one' : 'one-to-many';
        if (this.peek().type === '(') matching.include = this.groupingLabels();
      }
    }
    let hasFill = false;
    const first = this.peek().type;
    if (first === 'fill') {
      this.take();
      const v = this.fillValue();
      matching.fill = { lhs: v, rhs: v };
      hasFill = true;
    } else if (first === 'fill_left' || first === 'fill_right') {
      this.take();
      this.setFill(matching, first, this.fillValue());
      const second = this.peek().type;
      if ((second === 'fill_left' || second === 'fill_right') && second !== first) {
        this.take();
        this.setFill(matching, second, this.fillValue());
      }
      hasFill = true;
    }
    return { returnBool, matching, hasFill };
  }

  protected setFill(m: VectorMatching, which: 'fill_left' | 'fill_right', v: number): void {
    if (which === 'fill_left') m.fill.lhs = v;
    else m.fill.rhs = v;
  }

  protected fillValue(): number {
    this.expect('(', '', '');
    let sign = 1;
    const s = this.peek();
    if (s.type === '+' || s.type === '-') {
      this.take();
      if (s.type === '-') sign = -1;
    }
    const n = this.peek();
    if (n.type !== 'NUMBER' && n.type !== 'DURATION') this.unexpected('', '');
    const value = sign * this.numberLiteral(this.take()).value;
    this.expect(')', '', '');
    return value;
  }

  // --- grouping ---

  protected groupingLabels(): string[] {
    this.expect('(', 'grouping opts', '"("');
    const labels: string[] = [];
    if (this.closeGrouping()) return labels;
    for (;;) {
      labels.push(this.groupingLabel());
      if (this.accept(',')) {
        if (this.closeGrouping()) return labels;
        continue;
      }
      if (this.closeGrouping()) return labels;
      this.unexpected('grouping opts', '"," or ")"');
    }
  }

  protected closeGrouping(): boolean {
    const close = this.accept(')');
    if (close) this.lastClosing = close.end;
    return close !== undefined;
  }

  protected groupingLabel(): string {
    const t = this.peek();
    if (GROUPING_LABELS.has(t.type)) {
      this.take();
      return t.text;
    }
    if (t.type === 'STRING') {
      this.take();
      const name = unquoteString(t.text);
      if (name === '' || !name.isWellFormed()) {
        this.error({ start: t.pos, end: t.end }, `invalid label name for grouping: ${goQuote(name)}`);
      }
      return name;
    }
    return this.unexpected('grouping opts', 'label');
  }

  protected lastClosing = 0;

  // --- selectors ---

  protected vectorSelector(nameTok: Token | undefined): VectorSelector {
    const matchers: Matcher[] = [];
    const start = nameTok ? nameTok.pos : this.peek().pos;
    let end = nameTok ? nameTok.end : start;
    if (this.peek().type === '{') {
      this.take();
      let close = this.accept('}');
      while (!close) {
        const m = this.labelMatcher();
        if (m) matchers.push(m);
        if (this.accept(',')) {
          close = this.accept('}');
          continue;
        }
        close = this.accept('}');
        if (!close) this.unexpected('label matching', '"," or "}"');
      }
      end = close.end;
    }
    const name = nameTok?.text;
    if (name !== undefined) matchers.push(cachedMatcher('=', METRIC_NAME_LABEL, name));
    return {
      kind: 'VectorSelector',
      name,
      matchers,
      offsetMs: 0,
      offsetExpr: undefined,
      at: undefined,
      anchored: false,
      smoothed: false,
      bypassEmptyMatcherCheck: false,
      pos: { start, end },
    };
  }

  protected labelMatcher(): Matcher | undefined {
    const t = this.peek();
    if (t.type !== 'IDENTIFIER' && t.type !== 'STRING')
      this.unexpected('label matching', 'identifier or "}"');
    this.take();
    const label = t.type === 'STRING' ? unquoteString(t.text) : t.text;
    const op = this.peek();
    if (!MATCH_OPS.has(op.type)) {
      if (t.type === 'STRING')
        return this.newMatcher('=', METRIC_NAME_LABEL, label, { start: t.pos, end: t.end });
      this.unexpected('label matching', 'label matching operator');
    }
    this.take();
    const value = this.peek();
    if (value.type !== 'STRING') this.unexpected('label matching', 'string');
    this.take();
    return this.newMatcher(op.type as MatchType, label, unquoteString(value.text), {
      start: t.pos,
      end: value.end,
    });
  }

  protected newMatcher(
    type: MatchType,
    name: string,
    value: string,
    pos: PositionRange,
  ): Matcher | undefined {
    try {
      return cachedMatcher(type, name, value);
    } catch (err) {
      if (err instanceof InvalidRegexError) {
        const detail = err.cause instanceof Error ? err.cause.message : err.message;
        this.error(pos, goRegexpError(detail, value));
        return undefined;
      }
      throw err;
    }
  }
}

/** RE2's error codes, spelled as Go's `regexp/syntax` spells them. */
const RE2_TO_GO_REGEXP_ERRORS: ReadonlyArray<readonly [re2: string, go: string, wholePattern: boolean]> = [
  ['missing )', 'missing closing )', true],
  ['unexpected )', 'unexpected )', true],
  ['missing ]', 'missing closing ]', false],
  ['bad repetition operator', 'invalid nested repetition operator', false],
  ['no argument for repetition operator', 'missing argument to repetition operator', false],
  ['invalid repetition size', 'invalid repeat count', false],
  ['invalid named capture group', 'invalid named capture', false],
];

/** Upstream's `error parsing regexp: <code>: `<expr>`` text for an RE2 compile error. */
function goRegexpError(re2Message: string, pattern: string): string {
  const anchored = `^(?s:${pattern})$`;
  const sep = re2Message.indexOf(': ');
  const code = sep < 0 ? re2Message : re2Message.slice(0, sep);
  let arg = sep < 0 ? anchored : re2Message.slice(sep + 2).replace('^(?:', '^(?s:');
  let goCode = code;
  for (const [re2, go, whole] of RE2_TO_GO_REGEXP_ERRORS) {
    if (code === re2) {
      goCode = go;
      if (whole) arg = anchored;
    }
  }
  return `error parsing regexp: ${goCode}: \`${arg}\``;
}
