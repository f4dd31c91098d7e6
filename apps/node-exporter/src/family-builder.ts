import { Labels } from '@argus/model';
import type { ExposedSample, MetricFamily, MetricType } from '@argus/exposition';

/**
 * Turns label values given in a collector's declared order into {@link Labels}, sorted by
 * name. Empty values are kept, as client_golang exposes them (`model=""`); Prometheus
 * treats them as absent on ingestion.
 */
export class LabelSchema {
  readonly #order: number[];
  readonly #names: readonly string[];

  constructor(readonly names: readonly string[]) {
    this.#order = names
      .map((_, i) => i)
      .sort((a, b) => (names[a]! < names[b]! ? -1 : names[a]! > names[b]! ? 1 : 0));
    this.#names = this.#order.map((i) => names[i]!);
  }

  /** Labels for values in the order of `names`; missing values count as `''`. */
  labels(values: readonly string[]): Labels {
    if (this.#order.length === 0) return Labels.EMPTY;
    const flat: string[] = new Array(this.#order.length * 2);
    for (let i = 0; i < this.#order.length; i++) {
      flat[2 * i] = this.#names[i]!;
      flat[2 * i + 1] = values[this.#order[i]!] ?? '';
    }
    return Labels.fromSortedFlat(flat);
  }
}

/** The declaration of one metric family: name, type, help and label names (like a client_golang `Desc`). */
export class FamilyDesc {
  readonly schema: LabelSchema;

  constructor(
    readonly name: string,
    readonly type: MetricType,
    readonly help: string,
    labelNames: readonly string[] = [],
  ) {
    this.schema = new LabelSchema(labelNames);
  }

  get labelNames(): readonly string[] {
    return this.schema.names;
  }

  builder(): FamilyBuilder {
    return new FamilyBuilder(this);
  }

  /** A family with a single sample. */
  single(value: number, ...labelValues: string[]): MetricFamily {
    return this.builder()
      .add(value, ...labelValues)
      .build();
  }
}

/** Collects the samples of one family during a scrape. */
export class FamilyBuilder {
  readonly #samples: ExposedSample[] = [];

  constructor(readonly desc: FamilyDesc) {}

  get size(): number {
    return this.#samples.length;
  }

  /** Adds a sample; label values in the order the desc declared its label names. */
  add(value: number, ...labelValues: string[]): this {
    this.#samples.push({ name: this.desc.name, labels: this.desc.schema.labels(labelValues), value });
    return this;
  }

  build(): MetricFamily {
    return { name: this.desc.name, type: this.desc.type, help: this.desc.help, samples: this.#samples };
  }
}

/** Appends the built families of `builders` that have at least one sample. */
export function nonEmpty(builders: readonly FamilyBuilder[]): MetricFamily[] {
  const out: MetricFamily[] = [];
  for (const b of builders) if (b.size > 0) out.push(b.build());
  return out;
}
