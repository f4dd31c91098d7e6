import type { Matcher } from '@argus/model';
import { EMPTY_POSTINGS, intersectPostings, mergePostings, withoutPostings } from './postings.ts';

/** The part of an index that matcher resolution reads (the head's {@link MemPostings}, a block index). */
export interface PostingsIndex {
  /** Refs of series with `name="value"`, sorted. */
  get(name: string, value: string): Uint32Array;
  /** Every ref, sorted. */
  all(): Uint32Array;
  /** Values of `name`, sorted by bytes. */
  labelValues(name: string): readonly string[];
}

/**
 * Refs of the series matching every matcher, resolved as upstream's
 * `PostingsForMatchers`: a matcher that does not match the empty string requires
 * the label to be set and narrows by intersection; one that matches empty (`l=""`,
 * `l!="x"`, `l!~"x.*"`) is applied by subtracting the series it excludes; with
 * only subtractions the start is every series.
 */
export function postingsForMatchers(ix: PostingsIndex, matchers: readonly Matcher[]): Uint32Array {
  const mustBeSet = new Set<string>();
  for (const m of matchers) if (!m.matches('')) mustBeSet.add(m.name);

  const its: Uint32Array[] = [];
  const notIts: Uint32Array[] = [];
  for (const m of matchers) {
    if (m.name === '' && m.value === '') {
      its.push(ix.all());
      continue;
    }
    const negative = m.type === '!=' || m.type === '!~';
    if (mustBeSet.has(m.name)) {
      const matchesEmpty = m.matches('');
      if (negative && matchesEmpty) {
        // l!="foo": subtract the series whose value the matcher rejects.
        notIts.push(postingsWhere(ix, m, false));
      } else {
        // l="a", l=~"a.+", or l!~"" (a negative one that rejects empty): the accepted values.
        const it = postingsWhere(ix, m, true);
        if (it.length === 0) return EMPTY_POSTINGS;
        its.push(it);
      }
    } else {
      // The matcher accepts an absent label: keep everything except the values it rejects.
      notIts.push(postingsWhere(ix, m, false));
    }
  }
  if (its.length === 0) {
    if (notIts.length === 0) return ix.all();
    its.push(ix.all());
  }
  let out = intersectPostings(its);
  for (const n of notIts) {
    if (out.length === 0) break;
    out = withoutPostings(out, n);
  }
  return out;
}

/**
 * Union of the postings of the values of `m.name` that the matcher accepts
 * (`accepted` true) or rejects (false). Uses the literal and set shortcuts where
 * the matcher's shape allows, otherwise scans the label's values (from the literal
 * prefix when there is one).
 */
export function postingsWhere(ix: PostingsIndex, m: Matcher, accepted: boolean): Uint32Array {
  const exact = exactValues(m, accepted);
  if (exact) return mergePostings(exact.map((v) => ix.get(m.name, v)));
  const values = ix.labelValues(m.name);
  const lists: Uint32Array[] = [];
  const prefix = accepted ? m.literalPrefix : '';
  let i = prefix === '' ? 0 : lowerBound(values, prefix);
  for (; i < values.length; i++) {
    const v = values[i]!;
    if (prefix !== '' && !v.startsWith(prefix)) break;
    if (m.matches(v) === accepted) lists.push(ix.get(m.name, v));
  }
  return mergePostings(lists);
}

/** The finite set of values selected without scanning, when the matcher's shape gives one. */
function exactValues(m: Matcher, accepted: boolean): readonly string[] | undefined {
  switch (m.type) {
    case '=':
      return accepted ? [m.value] : undefined;
    case '!=':
      return accepted ? undefined : [m.value];
    case '=~':
      return accepted ? m.setMatches : undefined;
    case '!~':
      return accepted ? undefined : m.setMatches;
  }
}

function lowerBound(values: readonly string[], prefix: string): number {
  // Values are byte-ordered; for a prefix search UTF-16 order agrees on where the
  // prefix run starts except across surrogates, so fall back to a scan there.
  for (let i = 0; i < prefix.length; i++) if (prefix.charCodeAt(i) >= 0xd800) return 0;
  let lo = 0;
  let hi = values.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (values[mid]! < prefix) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
