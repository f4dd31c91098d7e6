import { closeSync, fsyncSync, ftruncateSync, openSync, writeSync } from 'node:fs';

const FLUSH_BYTES = 1 << 20;
const ZEROS = Buffer.alloc(64);

/**
 * Sequential writer for one block file: buffers up to 1 MiB, tracks the file position,
 * pads with zeros to an alignment and patches already written bytes. Synchronous, meant
 * for a worker thread or short offline work.
 */
export class FileWriter {
  readonly #fd: number;
  readonly #pending: Buffer[] = [];
  #pendingBytes = 0;
  #pos = 0;
  #closed = false;

  constructor(readonly path: string) {
    this.#fd = openSync(path, 'w');
  }

  /** Bytes written so far (buffered or not): the offset the next byte lands at. */
  get pos(): number {
    return this.#pos;
  }

  /** Copies `bytes` into the buffer (the caller may reuse its own buffer afterwards). */
  write(bytes: Uint8Array): void {
    if (bytes.length === 0) return;
    this.#pending.push(Buffer.from(bytes));
    this.#pendingBytes += bytes.length;
    this.#pos += bytes.length;
    if (this.#pendingBytes >= FLUSH_BYTES) this.flush();
  }

  /** Zero bytes up to the next multiple of `align`. */
  addPadding(align: number): void {
    const rem = this.#pos % align;
    if (rem === 0) return;
    let n = align - rem;
    while (n > 0) {
      const k = Math.min(n, ZEROS.length);
      this.write(ZEROS.subarray(0, k));
      n -= k;
    }
  }

  /** Overwrites bytes at an earlier position. */
  writeAt(bytes: Uint8Array, position: number): void {
    this.flush();
    writeSync(this.#fd, bytes, 0, bytes.length, position);
  }

  flush(): void {
    if (this.#pendingBytes === 0) return;
    const all = this.#pending.length === 1 ? this.#pending[0]! : Buffer.concat(this.#pending, this.#pendingBytes);
    const start = this.#pos - this.#pendingBytes;
    let off = 0;
    while (off < all.length) off += writeSync(this.#fd, all, off, all.length - off, start + off);
    this.#pending.length = 0;
    this.#pendingBytes = 0;
  }

  /** Flushes, fsyncs (unless `sync` is false), truncates to the written size and closes. */
  close(sync = true): void {
    if (this.#closed) return;
    this.flush();
    ftruncateSync(this.#fd, this.#pos);
    if (sync) fsyncSync(this.#fd);
    closeSync(this.#fd);
    this.#closed = true;
  }

  /** Closes without syncing, for error paths. */
  abort(): void {
    if (this.#closed) return;
    this.#closed = true;
    closeSync(this.#fd);
  }
}
