import { createHash } from 'node:crypto';
import { join } from 'node:path';
import type { RemoteWriteConfig } from './config/scraper-config.ts';
import { SpillingSender } from './spilling-sender.ts';
import type { SpillingSenderOptions } from './spilling-sender.ts';

/** What names a `remote_write` entry's buffer. */
export type OverflowEntry = Pick<RemoteWriteConfig, 'name' | 'url'> & {
  readonly headers?: Readonly<Record<string, string>>;
};

/**
 * The overflow buffers of a scraper, one {@link SpillingSender} per `remote_write` entry in
 * `<storage.path>/remote-write/<entry>/`. A buffer outlives the queues of its entry: a
 * reload that replaces the queue hands the new one the same buffer (two open buffers on
 * one directory would corrupt it), and batches of a previous run are sent by the first
 * queue attached.
 */
export class OverflowBuffers {
  readonly #root: string;
  readonly #options: Omit<SpillingSenderOptions, 'dir'>;
  readonly #open = new Map<string, SpillingSender>();

  constructor(storagePath: string, options: Omit<SpillingSenderOptions, 'dir'> = {}) {
    this.#root = join(storagePath, 'remote-write');
    this.#options = options;
  }

  /** The buffer of `entry`, opened on first use (throws `DiskQueueError` naming the directory when it cannot be). */
  for(entry: OverflowEntry): SpillingSender {
    const dir = join(this.#root, overflowDirName(entry));
    let sender = this.#open.get(dir);
    if (sender === undefined) {
      sender = SpillingSender.open({ ...this.#options, dir });
      this.#open.set(dir, sender);
    }
    return sender;
  }

  /**
   * Closes the buffers of entries not in `entries` (call after their queues closed); their
   * files stay, and are sent when a later config has the entry again.
   */
  async retain(entries: readonly OverflowEntry[]): Promise<void> {
    const keep = new Set(entries.map((e) => join(this.#root, overflowDirName(e))));
    const closing: Promise<void>[] = [];
    for (const [dir, sender] of this.#open) {
      if (keep.has(dir)) continue;
      this.#open.delete(dir);
      closing.push(sender.close());
    }
    await Promise.all(closing);
  }

  /** Closes every buffer (after the queues closed, so their last batches are on disk). */
  async close(): Promise<void> {
    await this.retain([]);
  }
}

/**
 * The directory of an entry's buffer: its `name` (characters other than letters, digits,
 * `.`, `_`, `-` replaced, then a hash of the name so two names cannot meet), else `url-`
 * and a hash of the URL and `headers` (two unnamed entries for one URL with different
 * headers, e.g. tenants, must not send each other's batches; credentials are left out so
 * rotating them keeps the buffer). Stable across restarts, so a run finds what the last
 * one left.
 */
export function overflowDirName(entry: OverflowEntry): string {
  const hash = (s: string) => createHash('sha256').update(s).digest('hex').slice(0, 12);
  if (entry.name === undefined || entry.name === '') {
    const headers = Object.entries(entry.headers ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `url-${hash(headers.length === 0 ? entry.url : JSON.stringify([entry.url, headers]))}`;
  }
  const safe = entry.name.replace(/[^A-Za-z0-9._-]/g, '_');
  return safe === entry.name && !/^\.+$/.test(safe) ? safe : `${safe}-${hash(entry.name)}`;
}
