import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { NotificationLog, StoredNflogEntry } from './dispatch/notification-log.ts';

/**
 * Keeps the notification log in `<dir>/nflog.json` (Argus's own JSON format). Written at
 * every maintenance tick and on shutdown, as upstream snapshots its nflog, so a restart
 * does not re-send what was already sent before the last snapshot.
 */
export class NflogSnapshot {
  readonly file: string;

  constructor(
    dir: string,
    readonly nflog: NotificationLog,
  ) {
    mkdirSync(dir, { recursive: true });
    this.file = join(dir, 'nflog.json');
  }

  load(nowMs: number): void {
    let text: string;
    try {
      text = readFileSync(this.file, 'utf8');
    } catch {
      return;
    }
    this.nflog.restore(JSON.parse(text) as StoredNflogEntry[], nowMs);
  }

  write(): void {
    const tmp = `${this.file}.tmp`;
    writeFileSync(tmp, JSON.stringify(this.nflog.snapshot()));
    renameSync(tmp, this.file);
  }
}
