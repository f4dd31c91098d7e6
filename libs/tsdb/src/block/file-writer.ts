import { closeSync, fsyncSync, ftruncateSync, openSync, writeSync } from 'node:fs';

const BUFFER_BYTES = 1 << 20;

/**
 * Sequential writer for one block file: copies writes into a 1 MiB buffer flushed with
 * one `write` call when full, tracks the file position, pads with zeros to an
 * alignment and patches already written bytes. Synchronous, meant for a worker thread
 * or short offline work.
 */
export class FileWriter {
  readonly #fd: number;
  readonly #buf = Buffer.allocUnsafe(BUFFER_BYTES);
  #used = 0;
  #pos = 0;
  #closed = false;

  constructor(readonly path: string) {
    this.#fd = openSync(path, 'w');
  }

  /** Bytes written so far (buffered or not): the offset the next byte lands at. */
  get pos(): number {
    return this.#pos;
  }

  /** Copies `bytes` (the caller may reuse its buffer afterwards). */
  write(bytes: Uint8Array): void {
    const n = bytes.length;
    if (n === 0) return;
    if (this.#used + n > BUFFER_BYTES) this.flush();
    if (n > BUFFER_BYTES) {
      this.#writeFully(bytes, this.#pos);
    } else {
      this.#buf.set(bytes, this.#used);
      this.#used += n;
    }
    this.#pos += n;
  }

  /** Zero bytes up to the next multiple of `align`. */
  addPadding(align: number): void {
    const rem = this.#pos % align;
    if (rem === 0) return;
    const n = align - rem;
    if (this.#used + n > BUFFER_BYTES) this.flush();
    this.#buf.fill(0, this.#used, this.#used + n);
    this.#used += n;
    this.#pos += n;
  }

  /** Overwrites bytes at an earlier position. */
  writeAt(bytes: Uint8Array, position: number): void {
    this.flush();
    this.#writeFully(bytes, position);
  }

  flush(): void {
    if (this.#used === 0) return;
    this.#writeFully(this.#buf.subarray(0, this.#used), this.#pos - this.#used);
    this.#used = 0;
  }

  #writeFully(bytes: Uint8Array, position: number): void {
    let off = 0;
    while (off < bytes.length) off += writeSync(this.#fd, bytes, off, bytes.length - off, position + off);
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
