/**
 * Prometheus marks a series stale by writing a NaN with the bit pattern
 * 0x7ff0000000000002. Ordinary NaN is 0x7ff8000000000001 (Go's math.NaN()). Both are
 * NaN to arithmetic; only the bits tell them apart, so test with {@link isStaleNaN}.
 */
const scratch = new Float64Array(1);
const scratchWords = new Uint32Array(scratch.buffer);

/** High and low 32-bit words of the StaleNaN pattern (little-endian halves). */
export const STALE_NAN_HIGH_WORD = 0x7ff00000;
export const STALE_NAN_LOW_WORD = 0x00000002;

scratchWords[0] = STALE_NAN_LOW_WORD;
scratchWords[1] = STALE_NAN_HIGH_WORD;
/** The StaleNaN value. Stored into a Float64Array it keeps its bit pattern. */
export const STALE_NAN: number = scratch[0]!;

/** True when `v` carries the StaleNaN bit pattern (not merely any NaN). */
export function isStaleNaN(v: number): boolean {
  if (v === v) return false;
  scratch[0] = v;
  return scratchWords[1] === STALE_NAN_HIGH_WORD && scratchWords[0] === STALE_NAN_LOW_WORD;
}
