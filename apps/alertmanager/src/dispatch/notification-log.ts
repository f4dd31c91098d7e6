/** One notification-log entry: what a (group, integration) was last told. */
export interface NflogEntry {
  readonly timestampMs: number;
  /** Alert hashes (see `alertHash`) that were firing / resolved in the last notification. */
  readonly firing: ReadonlySet<string>;
  readonly resolved: ReadonlySet<string>;
  readonly expiresAtMs: number;
}

/** One entry as the snapshot file keeps it. */
export interface StoredNflogEntry {
  readonly key: string;
  readonly timestampMs: number;
  readonly firing: readonly string[];
  readonly resolved: readonly string[];
  readonly expiresAtMs: number;
}

/** Told about every local write (for the journal and replication), after it is stored. */
export type NflogListener = (entry: StoredNflogEntry) => void;

/**
 * The notification log (upstream `nflog`), in memory: keyed by
 * `<groupKey>:<receiver>/<integration>/<idx>`. A write older than the stored entry is
 * ignored; entries expire at `now + min(retention, 2 × repeat_interval)`. Entries from
 * peers or the journal come in through `merge`, with upstream's merge rule.
 */
export class NotificationLog {
  readonly #entries = new Map<string, NflogEntry>();
  readonly #listeners = new Set<NflogListener>();

  constructor(readonly retentionMs: number = 120 * 3_600_000) {}

  get(key: string, nowMs: number): NflogEntry | undefined {
    const e = this.#entries.get(key);
    return e !== undefined && e.expiresAtMs > nowMs ? e : undefined;
  }

  log(
    key: string,
    firing: Iterable<string>,
    resolved: Iterable<string>,
    nowMs: number,
    repeatIntervalMs: number,
  ): void {
    const prev = this.#entries.get(key);
    if (prev !== undefined && prev.timestampMs > nowMs) return;
    const entry = {
      timestampMs: nowMs,
      firing: new Set(firing),
      resolved: new Set(resolved),
      expiresAtMs: nowMs + Math.min(this.retentionMs, 2 * repeatIntervalMs),
    };
    this.#entries.set(key, entry);
    if (this.#listeners.size === 0) return;
    const stored = { key, ...entry, firing: [...entry.firing], resolved: [...entry.resolved] };
    for (const l of this.#listeners) l(stored);
  }

  /** Calls `listener` after every local `log()`; returns the unsubscribe function. */
  subscribe(listener: NflogListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /**
   * Upstream's merge rule for an entry from elsewhere: dropped when expired at `nowMs`,
   * stored when there is none or its timestamp is newer. Returns whether it was stored.
   */
  merge(e: StoredNflogEntry, nowMs: number): boolean {
    if (e.expiresAtMs <= nowMs) return false;
    const prev = this.#entries.get(e.key);
    if (prev !== undefined && prev.timestampMs >= e.timestampMs) return false;
    this.#entries.set(e.key, {
      timestampMs: e.timestampMs,
      firing: new Set(e.firing),
      resolved: new Set(e.resolved),
      expiresAtMs: e.expiresAtMs,
    });
    return true;
  }

  /** The live entries as plain data (for the snapshot file). */
  snapshot(): StoredNflogEntry[] {
    return [...this.#entries].map(([key, e]) => ({
      key,
      timestampMs: e.timestampMs,
      firing: [...e.firing],
      resolved: [...e.resolved],
      expiresAtMs: e.expiresAtMs,
    }));
  }

  /** Restores entries from a snapshot, skipping those expired at `nowMs`. */
  restore(entries: readonly StoredNflogEntry[], nowMs: number): void {
    for (const e of entries) this.merge(e, nowMs);
  }

  /** Deletes expired entries; returns how many. */
  gc(nowMs: number): number {
    let n = 0;
    for (const [k, e] of this.#entries) {
      if (e.expiresAtMs <= nowMs) {
        this.#entries.delete(k);
        n++;
      }
    }
    return n;
  }
}
