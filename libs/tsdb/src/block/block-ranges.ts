/** Upstream's default block duration: 2h in ms. */
export const DEFAULT_BLOCK_DURATION_MS = 2 * 3600 * 1000;
/** Upstream's cap on the largest block: 31d. */
export const MAX_BLOCK_DURATION_MS = 31 * 24 * 3600 * 1000;

/**
 * Block ranges of leveled compaction, as upstream's `ExponentialBlockRanges`:
 * `minSize`, `minSize·stepSize`, … (`steps` values). Prometheus uses (2h, 10, 3):
 * 2h, 6h, 18h, 54h, …
 */
export function exponentialBlockRanges(minSizeMs: number, steps: number, stepSize: number): number[] {
  const out: number[] = [];
  let cur = minSizeMs;
  for (let i = 0; i < steps; i++) {
    out.push(cur);
    cur *= stepSize;
  }
  return out;
}

/**
 * The ranges Prometheus runs with: `exponentialBlockRanges(minBlockMs, 10, 3)` cut at the
 * largest block duration, which is 10% of the time retention when that is below 31d.
 */
export function defaultBlockRanges(retentionMs = 0, minBlockMs = DEFAULT_BLOCK_DURATION_MS): number[] {
  let maxBlockMs = MAX_BLOCK_DURATION_MS;
  if (retentionMs > 0 && retentionMs / 10 < maxBlockMs) maxBlockMs = retentionMs / 10;
  const ranges = exponentialBlockRanges(minBlockMs, 10, 3);
  const cut = ranges.findIndex((r) => r > maxBlockMs);
  const kept = cut < 0 ? ranges : ranges.slice(0, cut);
  return kept.length > 0 ? kept : [minBlockMs];
}

/** End (exclusive) of the aligned range of `widthMs` that holds `t` (upstream `rangeForTimestamp`). */
export function rangeForTimestamp(t: number, widthMs: number): number {
  return Math.floor(t / widthMs) * widthMs + widthMs;
}

/**
 * Whether the head should be cut into a block: it spans more than 1.5 block ranges
 * (upstream `Head.compactable`), so the cut block is complete and the head keeps half a
 * range for late appends.
 */
export function headCompactable(
  headMinTimeMs: number,
  headMaxTimeMs: number,
  blockRangeMs = DEFAULT_BLOCK_DURATION_MS,
): boolean {
  if (headMinTimeMs > headMaxTimeMs) return false;
  return headMaxTimeMs - headMinTimeMs > (blockRangeMs / 2) * 3;
}
