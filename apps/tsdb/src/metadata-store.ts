/** Metadata of one metric family as `/api/v1/metadata` reports it. */
export interface MetricMetadata {
  type: string;
  help: string;
  unit: string;
}

/**
 * Family metadata learnt from remote-write requests (their `metadata` field), newest
 * wins. Bounded: beyond `maxFamilies` new families are ignored.
 */
export class MetadataStore {
  readonly #families = new Map<string, MetricMetadata>();

  constructor(readonly maxFamilies = 100_000) {}

  set(family: string, metadata: MetricMetadata): void {
    if (!this.#families.has(family) && this.#families.size >= this.maxFamilies) return;
    this.#families.set(family, metadata);
  }

  /** `{family: [metadata]}` for one family or all, at most `limit` families (negative: all). */
  query(metric: string | undefined, limit: number): Record<string, MetricMetadata[]> {
    const out: Record<string, MetricMetadata[]> = {};
    let n = 0;
    const names = metric === undefined ? [...this.#families.keys()].sort() : [metric];
    for (const name of names) {
      if (limit >= 0 && n >= limit) break;
      const m = this.#families.get(name);
      if (!m) continue;
      out[name] = [{ ...m }];
      n++;
    }
    return out;
  }
}
