/**
 * Set operations on postings: ascending, duplicate-free lists of series references
 * in `Uint32Array`s. Results are new arrays (or one of the inputs when nothing changes).
 */

const EMPTY = new Uint32Array(0);

/** Series in every list. Smallest lists first; galloping search through the larger ones. */
export function intersectPostings(lists: readonly Uint32Array[]): Uint32Array {
  if (lists.length === 0) return EMPTY;
  const sorted = [...lists].sort((a, b) => a.length - b.length);
  let acc = sorted[0]!;
  for (let k = 1; k < sorted.length && acc.length > 0; k++) acc = intersect2(acc, sorted[k]!);
  return acc;
}

function intersect2(small: Uint32Array, big: Uint32Array): Uint32Array {
  const out = new Uint32Array(Math.min(small.length, big.length));
  let n = 0;
  let j = 0;
  for (let i = 0; i < small.length && j < big.length; i++) {
    const x = small[i]!;
    if (big[j]! < x) j = gallop(big, j, x);
    if (j < big.length && big[j] === x) out[n++] = x;
  }
  return out.subarray(0, n);
}

/** First index ≥ `from` whose value is ≥ `x`. */
function gallop(a: Uint32Array, from: number, x: number): number {
  let step = 1;
  let lo = from;
  let hi = from + 1;
  while (hi < a.length && a[hi]! < x) {
    lo = hi;
    step *= 2;
    hi = from + step;
  }
  if (hi > a.length) hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Series in any list. */
export function mergePostings(lists: readonly Uint32Array[]): Uint32Array {
  if (lists.length === 0) return EMPTY;
  if (lists.length === 1) return lists[0]!;
  let total = 0;
  for (const l of lists) total += l.length;
  const all = new Uint32Array(total);
  let p = 0;
  for (const l of lists) {
    all.set(l, p);
    p += l.length;
  }
  all.sort();
  let n = 0;
  for (let i = 0; i < all.length; i++) if (i === 0 || all[i] !== all[i - 1]) all[n++] = all[i]!;
  return all.subarray(0, n);
}

/** Series in `a` but not in `b`. */
export function withoutPostings(a: Uint32Array, b: Uint32Array): Uint32Array {
  if (b.length === 0 || a.length === 0) return a;
  const out = new Uint32Array(a.length);
  let n = 0;
  let j = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    if (j < b.length && b[j]! < x) j = gallop(b, j, x);
    if (j < b.length && b[j] === x) continue;
    out[n++] = x;
  }
  return out.subarray(0, n);
}
