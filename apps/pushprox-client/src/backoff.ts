/**
 * Exponential backoff as the upstream client's: starts at `initialMs`, grows ×1.5 up to
 * `maxMs`, each wait randomised ±50%; never gives up. `reset()` after a success.
 */
export class Backoff {
  #currentMs: number;

  constructor(
    readonly initialMs: number,
    readonly maxMs: number,
    readonly random: () => number = Math.random,
  ) {
    this.#currentMs = initialMs;
  }

  /** The next wait in milliseconds. */
  next(): number {
    const base = this.#currentMs;
    this.#currentMs = Math.min(this.maxMs, this.#currentMs * 1.5);
    return base * (0.5 + this.random());
  }

  reset(): void {
    this.#currentMs = this.initialMs;
  }
}
