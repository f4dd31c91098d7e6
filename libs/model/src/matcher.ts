import RE2 from 're2';
import { InvalidRegexError } from './errors.ts';
import { isValidLegacyLabelName, quoteString } from './labels.ts';

/** The four matcher operators of PromQL selectors and Alertmanager matchers. */
export type MatchType = '=' | '!=' | '=~' | '!~';

const regexMeta = /[\\.+*?()|[\]{}^$]/;

/**
 * A label matcher. Regular expressions use RE2 semantics, are fully anchored and
 * let `.` match newlines, as in Prometheus. Plain strings, alternations of literals,
 * literal prefixes and `.*`/`.+` are answered without running the regex engine.
 */
export class Matcher {
  readonly #test: (value: string) => boolean;

  /** For `=~`/`!~` whose pattern is an alternation of plain literals: those literals. */
  readonly setMatches: readonly string[] | undefined;
  /** The literal every matching value must start with (for `=` the whole value). */
  readonly literalPrefix: string;

  private constructor(
    readonly type: MatchType,
    readonly name: string,
    readonly value: string,
  ) {
    let positive: (value: string) => boolean;
    let setMatches: string[] | undefined;
    let prefix = '';
    if (type === '=' || type === '!=') {
      positive = (v) => v === value;
      prefix = value;
    } else {
      ({ test: positive, setMatches, prefix } = compileRegex(value));
    }
    this.setMatches = setMatches;
    this.literalPrefix = type === '=' || type === '=~' ? prefix : '';
    this.#test = type === '=' || type === '=~' ? positive : (v) => !positive(v);
  }

  /** Builds a matcher; throws {@link InvalidRegexError} for a pattern RE2 refuses. */
  static of(type: MatchType, name: string, value: string): Matcher {
    return new Matcher(type, name, value);
  }

  static equal(name: string, value: string): Matcher {
    return new Matcher('=', name, value);
  }

  static notEqual(name: string, value: string): Matcher {
    return new Matcher('!=', name, value);
  }

  static regex(name: string, pattern: string): Matcher {
    return new Matcher('=~', name, pattern);
  }

  static notRegex(name: string, pattern: string): Matcher {
    return new Matcher('!~', name, pattern);
  }

  /** Whether a label value (`''` for an absent label) satisfies the matcher. */
  matches(value: string): boolean {
    return this.#test(value);
  }

  /** Whether a series lacking the label would match. */
  get matchesEmpty(): boolean {
    return this.#test('');
  }

  /** `name="value"` in PromQL syntax. */
  toString(): string {
    const name = isValidLegacyLabelName(this.name) ? this.name : quoteString(this.name);
    return `${name}${this.type}${quoteString(this.value)}`;
  }
}

interface CompiledRegex {
  test: (value: string) => boolean;
  setMatches: string[] | undefined;
  prefix: string;
}

/** Compiles an anchored, dot-all RE2 matcher with shortcuts for common shapes. */
function compileRegex(pattern: string): CompiledRegex {
  let re: RE2;
  try {
    re = new RE2(`^(?:${pattern})$`, 's');
  } catch (cause) {
    throw new InvalidRegexError(pattern, cause);
  }
  if (pattern === '.*') return { test: () => true, setMatches: undefined, prefix: '' };
  if (pattern === '.+') return { test: (v) => v.length > 0, setMatches: undefined, prefix: '' };
  const alternatives = splitLiteralAlternation(pattern);
  if (alternatives) {
    if (alternatives.length === 1) {
      const literal = alternatives[0]!;
      return { test: (v) => v === literal, setMatches: alternatives, prefix: literal };
    }
    const set = new Set(alternatives);
    return { test: (v) => set.has(v), setMatches: alternatives, prefix: commonPrefix(alternatives) };
  }
  if (pattern.endsWith('.*')) {
    const head = pattern.slice(0, -2);
    if (!regexMeta.test(head))
      return { test: (v) => v.startsWith(head), setMatches: undefined, prefix: head };
  }
  const prefix = literalHead(pattern);
  return { test: (v) => re.test(v), setMatches: undefined, prefix };
}

/** `a|b|c` where each alternative is a plain literal → the literals; otherwise undefined. */
function splitLiteralAlternation(pattern: string): string[] | undefined {
  const parts = pattern.split('|');
  for (const part of parts) if (regexMeta.test(part)) return undefined;
  return parts;
}

function literalHead(pattern: string): string {
  if (pattern.includes('|')) return '';
  let i = 0;
  while (i < pattern.length && !regexMeta.test(pattern[i]!)) i++;
  // A quantifier after the head makes its last character optional.
  const next = pattern[i];
  if (next === '*' || next === '?' || next === '{') return pattern.slice(0, Math.max(0, i - 1));
  return pattern.slice(0, i);
}

function commonPrefix(values: string[]): string {
  let prefix = values[0]!;
  for (const v of values) {
    let i = 0;
    while (i < prefix.length && i < v.length && prefix[i] === v[i]) i++;
    prefix = prefix.slice(0, i);
  }
  return prefix;
}

/** True when every matcher accepts the corresponding label of `get`. */
export function matchesAll(matchers: readonly Matcher[], get: (name: string) => string): boolean {
  for (const m of matchers) if (!m.matches(get(m.name))) return false;
  return true;
}
