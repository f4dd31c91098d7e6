/** One step of Kahan-Babuška (Neumaier) summation: returns the new sum; the compensation goes to `c.c`. */
export function kahanInc(inc: number, sum: number, c: { c: number }): number {
  const t = sum + inc;
  if (!Number.isFinite(t)) {
    c.c = 0;
    return t;
  }
  if (Math.abs(sum) >= Math.abs(inc)) c.c += sum - t + inc;
  else c.c += inc - t + sum;
  return t;
}

/** Kahan summation returning `[sum, compensation]` (upstream `kahansum.Inc`). */
export function kahanPair(inc: number, sum: number, comp: number): [number, number] {
  const t = sum + inc;
  if (Number.isFinite(t)) {
    if (Math.abs(sum) >= Math.abs(inc)) comp += sum - t + inc;
    else comp += inc - t + sum;
  } else {
    comp = 0;
  }
  return [t, comp];
}
