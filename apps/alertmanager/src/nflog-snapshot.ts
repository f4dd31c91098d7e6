import {
  close as closeFd,
  closeSync,
  fdatasync,
  ftruncateSync,
  write as writeFd,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import type { NotificationLog, StoredNflogEntry } from './dispatch/notification-log.ts';

/**
 * Keeps the notification log in `<dir>` (Argus's own JSON formats, see `nflog-format.md`):
 * `nflog.json`, a full snapshot written at every maintenance tick and on shutdown as
 * upstream does, plus `nflog.journal`, to which every entry is appended and fdatasync'ed
 * as set-notifies records it. A restart, even after a kill -9, loads the snapshot and
 * replays the journal, so nothing that was recorded as sent is sent again.
 *
 * Appends are group-committed off the event loop: entries recorded while a write +
 * fdatasync is in flight go out together in the next one. An entry is thus durable a
 * few milliseconds after set-notifies (one fdatasync), which widens upstream's own window
 * between a receiver's 200 and the log entry by that much; a synchronous fdatasync per
 * notification cost ~4 ms of blocked event loop each on a busy disk (bench/results/alertmanager.md).
 */
export class NflogSnapshot {
  readonly file: string;
  readonly journalFile: string;
  #fd: number | undefined;
  #unsubscribe: (() => void) | undefined;
  #pending: string[] = [];
  #flushing = false;
  #closing = false;

  constructor(
    dir: string,
    readonly nflog: NotificationLog,
  ) {
    mkdirSync(dir, { recursive: true });
    this.file = join(dir, 'nflog.json');
    this.journalFile = join(dir, 'nflog.journal');
  }

  /** Loads the snapshot and the journal, then journals every later local write. */
  load(nowMs: number): void {
    const snapshot = readIfPresent(this.file);
    if (snapshot !== undefined) this.nflog.restore(JSON.parse(snapshot) as StoredNflogEntry[], nowMs);
    const journal = readIfPresent(this.journalFile);
    if (journal !== undefined) {
      for (const line of journal.split('\n')) {
        if (line === '') continue;
        try {
          this.nflog.merge(JSON.parse(line) as StoredNflogEntry, nowMs);
        } catch {
          // A torn last line from a crash mid-append: its notification was not confirmed.
        }
      }
    }
    this.#fd = openSync(this.journalFile, 'a');
    this.#unsubscribe = this.nflog.subscribe((e) => this.#append(e));
  }

  /** Writes the full snapshot, then empties the journal it now covers. */
  write(): void {
    const tmp = `${this.file}.tmp`;
    writeFileSync(tmp, JSON.stringify(this.nflog.snapshot()));
    renameSync(tmp, this.file);
    if (this.#fd !== undefined) ftruncateSync(this.#fd, 0);
  }

  /** Writes the snapshot (which covers every journaled entry) and stops journaling. */
  close(): void {
    this.#unsubscribe?.();
    this.#pending = [];
    this.write();
    this.#closing = true;
    if (!this.#flushing && this.#fd !== undefined) closeSync(this.#fd);
  }

  /** Resolves once every entry recorded so far is on disk (for tests and shutdown). */
  async flushed(): Promise<void> {
    while (this.#flushing || this.#pending.length > 0) await new Promise((r) => setTimeout(r, 1));
  }

  #append(e: StoredNflogEntry): void {
    if (this.#fd === undefined || this.#closing) return;
    this.#pending.push(JSON.stringify(e) + '\n');
    if (!this.#flushing) this.#flush();
  }

  #flush(): void {
    const fd = this.#fd;
    if (fd === undefined || this.#pending.length === 0) return;
    const data = this.#pending.join('');
    this.#pending = [];
    this.#flushing = true;
    const done = () => {
      this.#flushing = false;
      if (this.#closing) closeFd(fd, () => undefined);
      else this.#flush();
    };
    writeFd(fd, data, (err) => (err ? done() : fdatasync(fd, done)));
  }
}

function readIfPresent(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}
