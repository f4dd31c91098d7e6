import { readSync } from 'node:fs';
import { BlockCorruptionError } from './errors.ts';

/** Read window bounds: small for random access, growing up to 1 MiB for sequential scans. */
const MIN_WINDOW = 4096;
const MAX_WINDOW = 1 << 20;
/** A miss this close after the previous read counts as sequential access. */
const SEQUENTIAL_GAP = 64 * 1024;

/**
 * Positional reads from an open file through one buffer window that grows while
 * access moves forward (a compaction, a select of many series) and stays small for
 * scattered reads, so neither pays for the other. Not thread-safe.
 */
export class WindowedFile {
  /** The window: bytes of the file from {@link start}, {@link length} of them valid. */
  buf = Buffer.allocUnsafe(MIN_WINDOW);
  start = 0;
  length = 0;
  #size = MIN_WINDOW;
  #lastEnd = -1;

  constructor(
    readonly fd: number,
    readonly fileSize: number,
    readonly path: string,
  ) {}

  /**
   * Makes file bytes `[off, off + n)` available in {@link buf} and returns their index
   * there. The view stays valid until the next call.
   */
  view(off: number, n: number): number {
    if (off < 0 || off + n > this.fileSize) {
      throw new BlockCorruptionError(
        this.path,
        `read of ${n} bytes at offset ${off} past the end of the file`,
      );
    }
    let at: number;
    if (off >= this.start && off + n <= this.start + this.length) {
      at = off - this.start;
    } else {
      const sequential = off >= this.#lastEnd && off - this.#lastEnd <= SEQUENTIAL_GAP;
      this.#size = sequential ? Math.min(MAX_WINDOW, this.#size * 2) : MIN_WINDOW;
      const size = Math.min(Math.max(this.#size, n), this.fileSize - off);
      if (size > this.buf.length) this.buf = Buffer.allocUnsafe(size);
      let got = 0;
      while (got < size) {
        const r = readSync(this.fd, this.buf, got, size - got, off + got);
        if (r === 0) break;
        got += r;
      }
      if (got < n) throw new BlockCorruptionError(this.path, `short read at offset ${off}`);
      this.start = off;
      this.length = got;
      at = 0;
    }
    this.#lastEnd = off + n;
    return at;
  }

  /** A copy of file bytes `[off, off + n)`. */
  read(off: number, n: number): Buffer {
    const at = this.view(off, n);
    return Buffer.from(this.buf.subarray(at, at + n));
  }
}
