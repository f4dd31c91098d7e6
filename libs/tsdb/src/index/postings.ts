/**
 * Postings lists: strictly increasing series refs in a `Uint32Array`. Every
 * function here takes sorted, duplicate-free lists and returns one, never
 * mutating its inputs (a result may be one of the inputs).
 */

export const EMPTY_POSTINGS: Uint32Array = new Uint32Array(0);

/** First index `i >= from` with `list[i] >= value` (list.length if none), by galloping then binary search. */
export function gallop(list: Uint32Array, value: number, from: number): number {
  const n = list.length;
  if (from >= n || list[from]! >= value) return from;
  let step = 1;
  let lo = from;
  let hi = from + 1;
  while (hi < n && list[hi]! < value) {
    lo = hi;
    step <<= 1;
    hi = from + step;
  }
  if (hi > n) hi = n;
  // Invariant: list[lo] < value, and list[hi] >= value or hi === n.
  lo++;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (list[mid]! < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Refs present in every list. Starts from the shortest list and gallops through the others. */
export function intersectPostings(lists: readonly Uint32Array[]): Uint32Array {
  if (lists.length === 0) return EMPTY_POSTINGS;
  if (lists.length === 1) return lists[0]!;
  const sorted = [...lists].sort((a, b) => a.length - b.length);
  const shortest = sorted[0]!;
  if (shortest.length === 0) return EMPTY_POSTINGS;
  const out = new Uint32Array(shortest.length);
  const pos = new Array<number>(sorted.length).fill(0);
  let n = 0;
  outer: for (let i = 0; i < shortest.length; i++) {
    const v = shortest[i]!;
    for (let k = 1; k < sorted.length; k++) {
      const list = sorted[k]!;
      const p = gallop(list, v, pos[k]!);
      pos[k] = p;
      if (p >= list.length) break outer;
      if (list[p] !== v) continue outer;
    }
    out[n++] = v;
  }
  return n === out.length ? out : out.slice(0, n);
}

/** Refs present in at least one list. */
export function mergePostings(lists: readonly Uint32Array[]): Uint32Array {
  const nonEmpty = lists.filter((l) => l.length > 0);
  if (nonEmpty.length === 0) return EMPTY_POSTINGS;
  if (nonEmpty.length === 1) return nonEmpty[0]!;
  if (nonEmpty.length === 2) return mergeTwo(nonEmpty[0]!, nonEmpty[1]!);
  let total = 0;
  for (const l of nonEmpty) total += l.length;
  const all = new Uint32Array(total);
  let off = 0;
  for (const l of nonEmpty) {
    all.set(l, off);
    off += l.length;
  }
  all.sort();
  let n = 0;
  for (let i = 0; i < all.length; i++) if (n === 0 || all[i] !== all[n - 1]) all[n++] = all[i]!;
  return n === all.length ? all : all.slice(0, n);
}

function mergeTwo(a: Uint32Array, b: Uint32Array): Uint32Array {
  const out = new Uint32Array(a.length + b.length);
  let i = 0;
  let j = 0;
  let n = 0;
  while (i < a.length && j < b.length) {
    const x = a[i]!;
    const y = b[j]!;
    if (x < y) {
      out[n++] = x;
      i++;
    } else if (y < x) {
      out[n++] = y;
      j++;
    } else {
      out[n++] = x;
      i++;
      j++;
    }
  }
  while (i < a.length) out[n++] = a[i++]!;
  while (j < b.length) out[n++] = b[j++]!;
  return n === out.length ? out : out.slice(0, n);
}

/** Refs of `a` that are not in `b`. */
export function withoutPostings(a: Uint32Array, b: Uint32Array): Uint32Array {
  if (a.length === 0 || b.length === 0) return a;
  const out = new Uint32Array(a.length);
  let n = 0;
  let j = 0;
  for (let i = 0; i < a.length; i++) {
    const v = a[i]!;
    j = gallop(b, v, j);
    if (j >= b.length) {
      out.set(a.subarray(i), n);
      n += a.length - i;
      break;
    }
    if (b[j] !== v) out[n++] = v;
  }
  return n === a.length ? a : out.slice(0, n);
}
