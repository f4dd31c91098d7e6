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

/**
 * The notification log (upstream `nflog`), in memory: keyed by
 * `<groupKey>:<receiver>/<integration>/<idx>`. A write older than the stored entry is
 * ignored; entries expire at `now + min(retention, 2 × repeat_interval)`.
 */
export class NotificationLog {
  readonly #entries = new Map<string, NflogEntry>();

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
    this.#entries.set(key, {
      timestampMs: nowMs,
      firing: new Set(firing),
      resolved: new Set(resolved),
      expiresAtMs: nowMs + Math.min(this.retentionMs, 2 * repeatIntervalMs),
    });
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
    for (const e of entries) {
      if (e.expiresAtMs <= nowMs) continue;
      this.#entries.set(e.key, { ...e, firing: new Set(e.firing), resolved: new Set(e.resolved) });
    }
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
