import { Encbuf } from '../wal/record-bytes.ts';

/**
 * Buffers reused across appenders and commits. Commits run synchronously, so one
 * set per head is enough; columns are handed to one appender at a time.
 */
export class HeadScratch {
  readonly #free: { timestamps: Float64Array; values: Float64Array }[] = [];
  #decisions = new Uint8Array(1024);
  readonly #encbuf = new Encbuf(16 * 1024);

  takeColumns(): { timestamps: Float64Array; values: Float64Array } {
    return this.#free.pop() ?? { timestamps: new Float64Array(64), values: new Float64Array(64) };
  }

  returnColumns(timestamps: Float64Array, values: Float64Array): void {
    // Keep a few, and none beyond 1M samples, so one huge commit does not pin memory.
    if (this.#free.length < 4 && timestamps.length > 0 && timestamps.length <= 1 << 20)
      this.#free.push({ timestamps, values });
  }

  /** A byte array of at least `n` entries (not cleared: the caller sets each entry it reads), valid until the next call. */
  decisions(n: number): Uint8Array {
    if (this.#decisions.length < n) this.#decisions = new Uint8Array(n * 2);
    return this.#decisions;
  }

  /** The shared record buffer; its bytes are valid until the next commit. */
  encbuf(): Encbuf {
    return this.#encbuf;
  }
}
