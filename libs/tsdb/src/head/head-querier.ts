import type { Matcher } from '@argus/model';
import { Labels } from '@argus/model';
import type { Querier, SelectHints, Series } from '@argus/storage';
import { compareBytes } from '../index/mem-postings.ts';
import { postingsForMatchers } from '../index/postings-for-matchers.ts';
import type { Head } from './head.ts';

/**
 * Reads the head over [minT, maxT]. `select` snapshots the matching series at call
 * time (chunks and out-of-order samples merged when decoded); later commits are not
 * seen by the returned series. Label names and values come from series matching the
 * matchers, or from the whole index when there are none and the head overlaps the range.
 */
export class HeadQuerier implements Querier {
  readonly #head: Head;
  readonly #minT: number;
  readonly #maxT: number;

  constructor(head: Head, minT: number, maxT: number) {
    this.#head = head;
    this.#minT = minT;
    this.#maxT = maxT;
  }

  async select(matchers: readonly Matcher[], _hints?: SelectHints, sortSeries = false): Promise<Series[]> {
    return this.selectSync(matchers, sortSeries);
  }

  selectSync(matchers: readonly Matcher[], sortSeries = false): Series[] {
    const head = this.#head;
    const out: Series[] = [];
    if (!this.#overlaps()) return out;
    const refs = postingsForMatchers(head.postings, matchers);
    for (let i = 0; i < refs.length; i++) {
      const s = head.byRef(refs[i]!);
      if (!s) continue;
      const snap = head.snapshot(s, this.#minT, this.#maxT);
      if (snap) out.push(snap);
    }
    if (sortSeries) out.sort((a, b) => Labels.compare(a.labels, b.labels));
    return out;
  }

  async labelNames(matchers: readonly Matcher[] = []): Promise<string[]> {
    if (!this.#overlaps()) return [];
    const head = this.#head;
    if (matchers.length === 0) return head.postings.labelNames();
    const names = new Set<string>();
    for (const ref of postingsForMatchers(head.postings, matchers)) {
      const s = head.byRef(ref);
      if (!s) continue;
      const flat = s.labels.flat;
      for (let i = 0; i < flat.length; i += 2) names.add(flat[i]!);
    }
    return [...names].sort(compareBytes);
  }

  async labelValues(name: string, matchers: readonly Matcher[] = []): Promise<string[]> {
    if (!this.#overlaps()) return [];
    const head = this.#head;
    if (matchers.length === 0) return [...head.postings.labelValues(name)];
    const values = new Set<string>();
    for (const ref of postingsForMatchers(head.postings, matchers)) {
      const v = head.byRef(ref)?.labels.get(name);
      if (v) values.add(v);
    }
    return [...values].sort(compareBytes);
  }

  async close(): Promise<void> {}

  #overlaps(): boolean {
    const h = this.#head;
    return h.numSeries > 0 && this.#minT <= h.maxTimeMs && this.#maxT >= h.minTimeMs;
  }
}
