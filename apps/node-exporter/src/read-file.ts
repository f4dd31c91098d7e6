import { closeSync, openSync, readFile, readSync } from 'node:fs';

/**
 * Reading the kernel's pseudo files. procfs and sysfs files are generated in the kernel on
 * read and never wait for a disk, so they are read synchronously: one scrape reads ~60 of
 * them, and a thread-pool round trip per open/fstat/read/close costs more CPU than the read.
 * Descriptors of files read every scrape stay open and are re-read at offset 0 (seq_file and
 * sysfs regenerate their content then); a descriptor that fails (device gone, PID 1
 * restarted) is reopened once. Ordinary files (udev database, os-release) are opened afresh.
 */
export class PseudoFileReader {
  readonly #open = new Map<string, number>();
  #buffer = Buffer.allocUnsafe(64 * 1024);
  readonly #maxOpen: number;

  constructor(maxOpen = 512) {
    this.#maxOpen = maxOpen;
  }

  /** The whole file as text (latin1 for ASCII kernel files); throws the fs error (ENOENT…). */
  read(path: string, encoding: 'latin1' | 'utf8' = 'latin1'): string {
    const cached = this.#open.get(path);
    if (cached !== undefined) {
      try {
        return this.#readAll(cached, encoding);
      } catch {
        this.#forget(path, cached);
      }
    }
    const fd = openSync(path, 'r');
    try {
      const text = this.#readAll(fd, encoding);
      if (this.#open.size >= this.#maxOpen) this.closeAll();
      this.#open.set(path, fd);
      return text;
    } catch (err) {
      closeSync(fd);
      throw err;
    }
  }

  /** Like {@link read}, but a missing file (ENOENT, ENOTDIR) yields `undefined`. */
  readIfExists(path: string, encoding: 'latin1' | 'utf8' = 'latin1'): string | undefined {
    try {
      return this.read(path, encoding);
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  }

  /** Closes every kept descriptor. */
  closeAll(): void {
    for (const fd of this.#open.values()) closeQuietly(fd);
    this.#open.clear();
  }

  #forget(path: string, fd: number): void {
    this.#open.delete(path);
    closeQuietly(fd);
  }

  #readAll(fd: number, encoding: 'latin1' | 'utf8'): string {
    let length = 0;
    for (;;) {
      if (length === this.#buffer.length) {
        const bigger = Buffer.allocUnsafe(this.#buffer.length * 2);
        this.#buffer.copy(bigger);
        this.#buffer = bigger;
      }
      const n = readSync(fd, this.#buffer, length, this.#buffer.length - length, length);
      if (n === 0) break;
      length += n;
    }
    return this.#buffer.toString(encoding, 0, length);
  }
}

function closeQuietly(fd: number): void {
  try {
    closeSync(fd);
  } catch {
    // already invalid
  }
}

/** The reader shared by the collectors of this process. */
export const pseudoFiles = new PseudoFileReader();

/**
 * Reads an ordinary file asynchronously (os-release, udev database entries, which are
 * replaced by rename and must not be held open).
 */
export function readText(path: string, encoding: 'latin1' | 'utf8' = 'latin1'): Promise<string> {
  return new Promise((resolve, reject) => {
    readFile(path, encoding, (err, data) => (err ? reject(err) : resolve(data)));
  });
}

/** Like {@link readText}, but a missing file (ENOENT, ENOTDIR) yields `undefined`. */
export async function readTextIfExists(
  path: string,
  encoding: 'latin1' | 'utf8' = 'latin1',
): Promise<string | undefined> {
  try {
    return await readText(path, encoding);
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw err;
  }
}

/** Whether an fs error means "no such file" (including a missing parent directory). */
export function isNotFound(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}

/** Splits on runs of spaces and tabs, dropping empty fields (Go's strings.Fields for one line). */
export function fields(line: string): string[] {
  const out: string[] = [];
  let start = -1;
  for (let i = 0; i < line.length; i++) {
    const c = line.charCodeAt(i);
    const space = c === 32 || c === 9;
    if (space) {
      if (start >= 0) {
        out.push(line.slice(start, i));
        start = -1;
      }
    } else if (start < 0) start = i;
  }
  if (start >= 0) out.push(line.slice(start));
  return out;
}

/** The lines of a file, without the empty last line after a trailing newline. */
export function lines(text: string): string[] {
  const out = text.split('\n');
  if (out.length > 0 && out[out.length - 1] === '') out.pop();
  return out;
}
