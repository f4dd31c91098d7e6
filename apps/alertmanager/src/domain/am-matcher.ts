import { Matcher, isValidLegacyLabelName, quoteString } from '@argus/model';
import type { MatchType } from '@argus/model';

/**
 * An Alertmanager label matcher. Regexes are RE2 and anchored on both ends; an absent
 * label reads as the empty value. `toString()` prints as Alertmanager does
 * (`name=~"value"`, the name quoted only when it is not a classic label name).
 */
export class AmMatcher {
  readonly #matcher: Matcher;

  constructor(
    readonly type: MatchType,
    readonly name: string,
    readonly value: string,
  ) {
    this.#matcher = Matcher.of(type, name, value);
  }

  /** Whether the matcher accepts the label set (a missing label is `''`). */
  matchesLabels(labels: Readonly<Record<string, string>>): boolean {
    return this.#matcher.matches(labels[this.name] ?? '');
  }

  matches(value: string): boolean {
    return this.#matcher.matches(value);
  }

  get isRegex(): boolean {
    return this.type === '=~' || this.type === '!~';
  }

  get isEqual(): boolean {
    return this.type === '=' || this.type === '=~';
  }

  toString(): string {
    const name = isValidLegacyLabelName(this.name) ? this.name : quoteString(this.name);
    return `${name}${this.type}${quoteString(this.value)}`;
  }
}

/** True when every matcher accepts `labels`. */
export function matchAll(matchers: readonly AmMatcher[], labels: Readonly<Record<string, string>>): boolean {
  for (const m of matchers) if (!m.matchesLabels(labels)) return false;
  return true;
}

/** Sorts matchers as Alertmanager's `labels.Matchers` do: by name, then type, then value. */
export function sortMatchers(matchers: AmMatcher[]): AmMatcher[] {
  const order: Record<MatchType, number> = { '=': 0, '!=': 1, '=~': 2, '!~': 3 };
  return matchers.sort(
    (a, b) =>
      (a.name < b.name ? -1 : a.name > b.name ? 1 : 0) ||
      order[a.type] - order[b.type] ||
      (a.value < b.value ? -1 : a.value > b.value ? 1 : 0),
  );
}

/** `{a="b",c=~"d"}`: the matchers joined by a comma without a space, in braces. */
export function formatMatchers(matchers: readonly AmMatcher[]): string {
  return `{${matchers.map((m) => m.toString()).join(',')}}`;
}
