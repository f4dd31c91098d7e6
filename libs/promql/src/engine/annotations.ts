import type { PositionRange } from '../parser/ast.ts';
import { positionOf } from '../parser/errors.ts';

/** Severity of an annotation: warnings may mean a wrong answer, infos are hints. */
export type AnnotationKind = 'warning' | 'info';

/** One annotation: upstream's message text and the expression it refers to. */
export interface Annotation {
  readonly kind: AnnotationKind;
  readonly message: string;
  readonly pos: PositionRange;
}

/**
 * The annotations of one query, deduplicated by rendered text as upstream does
 * (its annotations are a map keyed by message).
 */
export class Annotations {
  readonly #items = new Map<string, Annotation>();

  add(kind: AnnotationKind, message: string, pos: PositionRange): void {
    const key = `${kind}\x00${message}\x00${pos.start}`;
    if (!this.#items.has(key)) this.#items.set(key, { kind, message, pos });
  }

  warn(message: string, pos: PositionRange): void {
    this.add('warning', message, pos);
  }

  info(message: string, pos: PositionRange): void {
    this.add('info', message, pos);
  }

  get size(): number {
    return this.#items.size;
  }

  list(): Annotation[] {
    return [...this.#items.values()];
  }

  /** Rendered as upstream: `PromQL warning: <message> (<line>:<col>)`, split into warnings and infos. */
  render(query: string): { warnings: string[]; infos: string[] } {
    const warnings: string[] = [];
    const infos: string[] = [];
    for (const a of this.#items.values()) {
      const { line, column } = positionOf(query, a.pos.start);
      const text = `PromQL ${a.kind}: ${a.message} (${line}:${column})`;
      (a.kind === 'warning' ? warnings : infos).push(text);
    }
    return { warnings, infos };
  }
}

/** Upstream's annotation texts (util/annotations), for float evaluation. */
export const messages = {
  startTimeOverlap: (name: string) =>
    `sample has start time that overlaps with previous sample timestamp for metric ${JSON.stringify(name)}`,
  possibleNonCounter: (name: string) =>
    `metric might not be a counter, name does not end in _total/_sum/_count/_bucket: ${JSON.stringify(name)}`,
  invalidQuantile: (q: number) => `quantile value should be between 0 and 1, got ${formatGoFloat(q)}`,
  invalidRatio: (r: number, capped: number) =>
    `ratio value should be between -1 and 1, got ${formatGoFloat(r)}, capping to ${formatGoFloat(capped)}`,
  badBucketLabel: (name: string, le: string) =>
    `bucket label "le" is missing or has a malformed value of ${JSON.stringify(le)} for metric name ${JSON.stringify(name)}`,
  forcedMonotonicity: (name: string) =>
    `input to histogram_quantile needed to be fixed for monotonicity (see https://prometheus.io/docs/prometheus/latest/querying/functions/#histogram_quantile) for metric name ${JSON.stringify(name)}`,
  sortInRangeQuery: () => 'sort is ineffective for range queries since results are always ordered by labels',
};

/** Go's `%g`-like shortest formatting as used in annotation texts (`1.1`, `NaN`, `+Inf`). */
export function formatGoFloat(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  return String(v);
}
