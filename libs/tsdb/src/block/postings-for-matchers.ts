import type { Matcher } from '@argus/model';
import type { IndexReader } from './index-reader.ts';
import { intersectPostings, mergePostings, withoutPostings } from '../index/postings.ts';

/**
 * Series references of the index whose labels satisfy every matcher, ascending
 * (upstream `PostingsForMatchers`). A matcher that accepts the empty string also
 * accepts series lacking the label, so it subtracts the values it rejects instead
 * of intersecting the values it accepts. No matcher selects every series.
 */
export function postingsForMatchers(ix: IndexReader, matchers: readonly Matcher[]): Uint32Array {
  const positives: Uint32Array[] = [];
  const negatives: Uint32Array[] = [];
  for (const m of matchers) {
    if (!m.matchesEmpty) {
      positives.push(matchingPostings(ix, m, true));
    } else {
      negatives.push(matchingPostings(ix, m, false));
    }
  }
  const base = positives.length === 0 ? ix.allPostings() : intersectPostings(positives);
  if (base.length === 0 || negatives.length === 0) return base;
  return withoutPostings(base, mergePostings(negatives));
}

/** Postings of the values of `m.name` that `m` accepts (`accepted`) or rejects (`!accepted`). */
function matchingPostings(ix: IndexReader, m: Matcher, accepted: boolean): Uint32Array {
  const direct = (m.type === '=' || m.type === '=~') === accepted;
  if (m.type === '=' || m.type === '!=') {
    // `name="v"` accepts exactly v; `name!="v"` rejects exactly v.
    if (direct) return ix.postings(m.name, m.value);
  } else if (m.setMatches && direct) {
    return mergePostings(m.setMatches.map((v) => ix.postings(m.name, v)));
  }
  return mergePostings(ix.postingsForValues(m.name, (v) => m.matches(v) === accepted));
}
