import { isResolved } from './alert.ts';
import type { Alert, LabelSet } from './alert.ts';
import { matchAll } from './am-matcher.ts';
import type { AmMatcher } from './am-matcher.ts';

/** One inhibit rule, decoded. */
export interface InhibitRuleSpec {
  readonly sourceMatchers: readonly AmMatcher[];
  readonly targetMatchers: readonly AmMatcher[];
  readonly equal: readonly string[];
}

function equalKey(equal: readonly string[], labels: LabelSet): string {
  return JSON.stringify(equal.map((n) => labels[n] ?? ''));
}

/**
 * Mutes target alerts while a matching, unresolved source alert with the same `equal`
 * labels exists (a missing label counts as empty). A target that also matches the source
 * side is never muted by a source that also matches the target side (no self-inhibition).
 * Feed it every stored alert with `observe`.
 */
export class Inhibitor {
  readonly #sources: Map<string, Alert>[];

  constructor(readonly rules: readonly InhibitRuleSpec[]) {
    this.#sources = rules.map(() => new Map());
  }

  /** Indexes `alert` as a source for each rule whose source matchers it satisfies. */
  observe(alert: Alert): void {
    this.rules.forEach((rule, i) => {
      if (matchAll(rule.sourceMatchers, alert.labels))
        this.#sources[i]!.set(equalKey(rule.equal, alert.labels), alert);
    });
  }

  /** The fingerprints of the source alerts that inhibit `labels` at `nowMs` (empty: not inhibited). */
  inhibitedBy(labels: LabelSet, nowMs: number): string[] {
    const out: string[] = [];
    this.rules.forEach((rule, i) => {
      if (!matchAll(rule.targetMatchers, labels)) return;
      const source = this.#sources[i]!.get(equalKey(rule.equal, labels));
      if (source === undefined || isResolved(source, nowMs)) return;
      if (matchAll(rule.sourceMatchers, labels) && matchAll(rule.targetMatchers, source.labels)) return;
      out.push(source.fingerprint);
    });
    return out;
  }
}
