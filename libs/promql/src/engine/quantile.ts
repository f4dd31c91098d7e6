/** A classic-histogram bucket: upper bound (`le`) and cumulative count. */
export interface Bucket {
  upperBound: number;
  count: number;
}

/**
 * The q-quantile of `values` as upstream's `quantile`: linear interpolation between the
 * closest ranks, NaN sorted first; -Inf for q < 0, +Inf for q > 1, NaN for NaN q or no values.
 * Sorts `values` in place.
 */
export function quantile(q: number, values: number[] | Float64Array): number {
  const n = values.length;
  if (n === 0 || Number.isNaN(q)) return NaN;
  if (q < 0) return -Infinity;
  if (q > 1) return Infinity;
  values.sort((a, b) => (Number.isNaN(a) ? (Number.isNaN(b) ? 0 : -1) : Number.isNaN(b) ? 1 : a - b));
  const rank = q * (n - 1);
  const lower = Math.max(0, Math.floor(rank));
  const upper = Math.min(n - 1, lower + 1);
  const weight = rank - Math.floor(rank);
  return values[lower]! * (1 - weight) + values[upper]! * weight;
}

/** `almost.Equal` of util/almost: relative tolerance over the sum of magnitudes; NaN equals NaN. */
export function almostEqual(a: number, b: number, epsilon: number): boolean {
  const minNormal = 2.2250738585072014e-308;
  if (Number.isNaN(a) && Number.isNaN(b)) return true;
  if (a === b) return true;
  const absSum = Math.abs(a) + Math.abs(b);
  const diff = Math.abs(a - b);
  if (a === 0 || b === 0 || absSum < minNormal) return diff < epsilon * minNormal;
  return diff / Math.min(absSum, Number.MAX_VALUE) < epsilon;
}

const SMALL_DELTA_TOLERANCE = 1e-12;

/** The result of {@link bucketQuantile}: the value and whether the buckets had to be made monotonic. */
export interface BucketQuantileResult {
  value: number;
  forcedMonotonicity: boolean;
}

/**
 * The q-quantile from classic buckets, as upstream's `BucketQuantile`: buckets sorted by
 * bound, equal bounds merged, counts within 1e-12 of their neighbour flattened, and
 * decreasing counts raised to keep the cumulative counts monotonic. Needs a +Inf bucket.
 * Linear interpolation inside the bucket; the lowest bucket starts at 0 unless its bound
 * is not positive. Sorts and rewrites `buckets`.
 */
export function bucketQuantile(q: number, buckets: Bucket[]): BucketQuantileResult {
  const out = { value: NaN, forcedMonotonicity: false };
  if (Number.isNaN(q)) return out;
  if (q < 0) return { value: -Infinity, forcedMonotonicity: false };
  if (q > 1) return { value: Infinity, forcedMonotonicity: false };
  buckets.sort((a, b) => a.upperBound - b.upperBound);
  if (buckets.length === 0 || buckets[buckets.length - 1]!.upperBound !== Infinity) return out;
  const merged: Bucket[] = [];
  for (const b of buckets) {
    const last = merged[merged.length - 1];
    if (last && last.upperBound === b.upperBound) last.count += b.count;
    else merged.push({ upperBound: b.upperBound, count: b.count });
  }
  let prev = merged[0]!.count;
  for (let i = 1; i < merged.length; i++) {
    const curr = merged[i]!.count;
    if (curr === prev) continue;
    if (almostEqual(prev, curr, SMALL_DELTA_TOLERANCE)) {
      merged[i]!.count = prev;
      continue;
    }
    if (curr < prev) {
      merged[i]!.count = prev;
      out.forcedMonotonicity = true;
      continue;
    }
    prev = curr;
  }
  if (merged.length < 2) return out;
  const observations = merged[merged.length - 1]!.count;
  if (observations === 0) return out;
  let rank = q * observations;
  let b = 0;
  while (b < merged.length - 1 && !(merged[b]!.count >= rank)) b++;
  if (b === merged.length - 1) {
    out.value = merged[merged.length - 2]!.upperBound;
    return out;
  }
  if (b === 0 && merged[0]!.upperBound <= 0) {
    out.value = merged[0]!.upperBound;
    return out;
  }
  let bucketStart = 0;
  const bucketEnd = merged[b]!.upperBound;
  let count = merged[b]!.count;
  if (b > 0) {
    bucketStart = merged[b - 1]!.upperBound;
    count -= merged[b - 1]!.count;
    rank -= merged[b - 1]!.count;
  }
  out.value = bucketStart + (bucketEnd - bucketStart) * (rank / count);
  return out;
}

/**
 * The fraction of observations between `lower` and `upper` from classic buckets, as
 * upstream's `BucketFraction`: linear interpolation inside finite buckets, the lowest
 * bucket starting at 0 when its bound is positive (else at -Inf), and buckets of
 * infinite width contributing nothing to a partial range. NaN without a +Inf bucket,
 * without observations or for a NaN bound; 0 when `lower >= upper`.
 */
export function bucketFraction(lower: number, upper: number, buckets: Bucket[]): number {
  buckets.sort((a, b) => a.upperBound - b.upperBound);
  if (buckets.length === 0 || buckets[buckets.length - 1]!.upperBound !== Infinity) return NaN;
  const merged: Bucket[] = [];
  for (const b of buckets) {
    const last = merged[merged.length - 1];
    if (last && last.upperBound === b.upperBound) last.count += b.count;
    else merged.push({ upperBound: b.upperBound, count: b.count });
  }
  let prev = merged[0]!.count;
  for (let i = 1; i < merged.length; i++) {
    const curr = merged[i]!.count;
    if (curr === prev) continue;
    if (almostEqual(prev, curr, SMALL_DELTA_TOLERANCE) || curr < prev) {
      merged[i]!.count = prev;
      continue;
    }
    prev = curr;
  }
  const total = merged[merged.length - 1]!.count;
  if (total === 0 || Number.isNaN(lower) || Number.isNaN(upper)) return NaN;
  if (lower >= upper) return 0;
  let rank = 0;
  let lowerRank = 0;
  let upperRank = 0;
  let lowerSet = false;
  let upperSet = false;
  // Inside a bucket of infinite width nothing is interpolated: all of a (-Inf, u] bucket
  // counts as below the bound, none of a (l, +Inf] bucket does.
  const below = (bLower: number, bUpper: number, count: number, x: number): number => {
    if (bLower === -Infinity) return count;
    if (bUpper === Infinity) return 0;
    return (count * (x - bLower)) / (bUpper - bLower);
  };
  for (let i = 0; i < merged.length; i++) {
    const bUpper = merged[i]!.upperBound;
    const bLower = i === 0 ? (bUpper > 0 ? 0 : -Infinity) : merged[i - 1]!.upperBound;
    const count = merged[i]!.count - (i === 0 ? 0 : merged[i - 1]!.count);
    if (!lowerSet && bLower >= lower) {
      lowerRank = rank;
      lowerSet = true;
    }
    if (!upperSet && bLower >= upper) {
      upperRank = rank;
      upperSet = true;
    }
    if (lowerSet && upperSet) break;
    if (!lowerSet && bLower < lower && bUpper > lower) {
      lowerRank = rank + below(bLower, bUpper, count, lower);
      lowerSet = true;
    }
    if (!upperSet && bLower < upper && bUpper > upper) {
      upperRank = rank + below(bLower, bUpper, count, upper);
      upperSet = true;
    }
    if (lowerSet && upperSet) break;
    rank += count;
  }
  if (!lowerSet || lowerRank > total) lowerRank = total;
  if (!upperSet || upperRank > total) upperRank = total;
  return (upperRank - lowerRank) / total;
}
