import { Matcher } from '@argus/model';
import type { MatchType } from '@argus/model';

const MAX_ENTRIES = 4096;
const cache = new Map<string, Matcher>();

/**
 * `Matcher.of` with a bounded cache for regex matchers: matchers are immutable, and compiling
 * the same RE2 pattern on every parse of a recurring query (rules, dashboards) dominates
 * parse time. Equality matchers are cheap and built directly.
 * Throws like `Matcher.of` for an invalid pattern (failures are not cached).
 */
export function cachedMatcher(type: MatchType, name: string, value: string): Matcher {
  if (type === '=' || type === '!=') return Matcher.of(type, name, value);
  const key = `${type}\u0000${name}\u0000${value}`;
  const hit = cache.get(key);
  if (hit) {
    // Refresh recency: Map iteration order is insertion order.
    cache.delete(key);
    cache.set(key, hit);
    return hit;
  }
  const m = Matcher.of(type, name, value);
  if (cache.size >= MAX_ENTRIES) cache.delete(cache.keys().next().value!);
  cache.set(key, m);
  return m;
}
