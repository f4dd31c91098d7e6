/**
 * Out-of-order samples of one series, kept sorted by timestamp in two growable
 * columns. A timestamp already present is ignored (the first value wins).
 */
export class OooBuffer {
  timestamps = new Float64Array(8);
  values = new Float64Array(8);
  length = 0;

  /** Inserts a sample in timestamp order; returns false when `t` is already present. */
  insert(t: number, v: number): boolean {
    const i = this.lowerBound(t);
    if (i < this.length && this.timestamps[i] === t) return false;
    if (this.length === this.timestamps.length) this.#grow();
    if (i < this.length) {
      this.timestamps.copyWithin(i + 1, i, this.length);
      this.values.copyWithin(i + 1, i, this.length);
    }
    this.timestamps[i] = t;
    this.values[i] = v;
    this.length++;
    return true;
  }

  /** Index of the first sample with timestamp ≥ t. */
  lowerBound(t: number): number {
    let lo = 0;
    let hi = this.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.timestamps[mid]! < t) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Drops samples with minT ≤ t ≤ maxT. */
  deleteRange(minT: number, maxT: number): void {
    const a = this.lowerBound(minT);
    const b = this.lowerBound(maxT + 1);
    if (b <= a) return;
    this.timestamps.copyWithin(a, b, this.length);
    this.values.copyWithin(a, b, this.length);
    this.length -= b - a;
  }

  get minTime(): number {
    return this.length > 0 ? this.timestamps[0]! : Infinity;
  }

  get maxTime(): number {
    return this.length > 0 ? this.timestamps[this.length - 1]! : -Infinity;
  }

  /** Copies of the samples with minT ≤ t ≤ maxT (a snapshot later inserts do not touch). */
  copyRange(minT: number, maxT: number): { timestamps: Float64Array; values: Float64Array } {
    const a = this.lowerBound(minT);
    const b = this.lowerBound(maxT + 1);
    return { timestamps: this.timestamps.slice(a, b), values: this.values.slice(a, b) };
  }

  #grow(): void {
    const ts = new Float64Array(this.timestamps.length * 2);
    ts.set(this.timestamps);
    const vs = new Float64Array(this.values.length * 2);
    vs.set(this.values);
    this.timestamps = ts;
    this.values = vs;
  }
}
