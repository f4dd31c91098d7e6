import { describe, expect, it } from 'vitest';
import { STALE_NAN, isStaleNaN } from './stale.ts';

describe('StaleNaN', () => {
  it('has the Prometheus bit pattern 0x7ff0000000000002', () => {
    const view = new DataView(new ArrayBuffer(8));
    view.setFloat64(0, STALE_NAN);
    expect(view.getBigUint64(0).toString(16)).toBe('7ff0000000000002');
  });

  it('is told apart from ordinary NaN and numbers', () => {
    expect(isStaleNaN(STALE_NAN)).toBe(true);
    expect(isStaleNaN(NaN)).toBe(false);
    expect(isStaleNaN(0)).toBe(false);
    expect(isStaleNaN(Infinity)).toBe(false);
  });

  it('survives a round trip through a Float64Array', () => {
    const values = new Float64Array(4);
    values[2] = STALE_NAN;
    expect(isStaleNaN(values[2]!)).toBe(true);
  });
});
