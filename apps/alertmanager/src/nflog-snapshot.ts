import {
  closeSync,
  fdatasyncSync,
  ftruncateSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import type { NotificationLog, StoredNflogEntry } from './dispatch/notification-log.ts';

/**
 * Keeps the notification log in `<dir>` (Argus's own JSON formats, see `nflog-format.md`):
 * `nflog.json`, a full snapshot written at every maintenance tick and on shutdown as
 * upstream does, plus `nflog.journal`, to which every entry is appended and fdatasync'ed
 * as set-notifies records it. A restart, even after a kill -9, loads the snapshot and
 * replays the journal, so nothing that was recorded as sent is sent again.
 */
export class NflogSnapshot {
  readonly file: string;
  readonly journalFile: string;
  #fd: number | undefined;
  #unsubscribe: (() => void) | undefined;

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

  /** Writes the snapshot and stops journaling. */
  close(): void {
    this.write();
    this.#unsubscribe?.();
    if (this.#fd !== undefined) closeSync(this.#fd);
    this.#fd = undefined;
  }

  #append(e: StoredNflogEntry): void {
    if (this.#fd === undefined) return;
    writeSync(this.#fd, JSON.stringify(e) + '\n');
    fdatasyncSync(this.#fd);
  }
}

function readIfPresent(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}
