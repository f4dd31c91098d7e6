import type { MetricFamily } from '@argus/exposition';
import type { Collector, CollectorContext } from './collector.ts';
import { COLLECTORS } from './collectors/registry.ts';
import { ConfigError } from './errors.ts';
import { FamilyDesc } from './family-builder.ts';
import { buildInfoFamily } from './build-info.ts';

const durationDesc = new FamilyDesc(
  'node_scrape_collector_duration_seconds',
  'gauge',
  'node_exporter: Duration of a collector scrape.',
  ['collector'],
);
const successDesc = new FamilyDesc(
  'node_scrape_collector_success',
  'gauge',
  'node_exporter: Whether a collector succeeded.',
  ['collector'],
);

/** Reports a collector failure (the exporter logs it); never throws. */
export type CollectorErrorHandler = (collector: string, error: unknown, durationSeconds: number) => void;

/**
 * Runs the enabled collectors concurrently for each scrape and returns their families plus
 * `node_scrape_collector_{duration_seconds,success}` and `node_exporter_build_info`, sorted
 * by family name with each family's samples sorted by label values, as client_golang exposes
 * them. A failing collector contributes only `success 0`; the scrape itself never fails.
 */
export class NodeCollector {
  readonly #collectors: readonly Collector[];
  readonly #onError: CollectorErrorHandler;
  readonly #buildInfo = buildInfoFamily();

  constructor(collectors: readonly Collector[], onError: CollectorErrorHandler = () => {}) {
    this.#collectors = collectors;
    this.#onError = onError;
  }

  /** Builds the collectors named in `enabled`; throws {@link ConfigError} for an unknown name or bad flags. */
  static create(
    enabled: Iterable<string>,
    context: CollectorContext,
    onError?: CollectorErrorHandler,
  ): NodeCollector {
    const collectors: Collector[] = [];
    for (const name of [...new Set(enabled)].sort()) {
      const factory = COLLECTORS.get(name);
      if (!factory) throw new ConfigError(`unknown collector ${JSON.stringify(name)}`);
      collectors.push(factory(context));
    }
    return new NodeCollector(collectors, onError);
  }

  get names(): string[] {
    return this.#collectors.map((c) => c.name);
  }

  async collect(): Promise<MetricFamily[]> {
    const results = await Promise.all(this.#collectors.map((c) => this.#run(c)));
    const duration = durationDesc.builder();
    const success = successDesc.builder();
    const families: MetricFamily[] = [this.#buildInfo];
    for (const r of results) {
      duration.add(r.seconds, r.name);
      success.add(r.families ? 1 : 0, r.name);
      if (r.families) for (const f of r.families) if (f.samples.length > 0) families.push(f);
    }
    families.push(duration.build(), success.build());
    families.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const f of families) sortSamples(f);
    return families;
  }

  async #run(c: Collector): Promise<{ name: string; seconds: number; families?: MetricFamily[] }> {
    const start = process.hrtime.bigint();
    try {
      const families = await c.collect();
      return { name: c.name, seconds: Number(process.hrtime.bigint() - start) / 1e9, families };
    } catch (err) {
      const seconds = Number(process.hrtime.bigint() - start) / 1e9;
      this.#onError(c.name, err, seconds);
      return { name: c.name, seconds };
    }
  }
}

/** Sorts a family's samples in place by their label values, compared in label-name order. */
function sortSamples(f: MetricFamily): void {
  const samples = f.samples as MetricFamily['samples'][number][];
  for (let i = 1; i < samples.length; i++) {
    if (compareSamples(samples[i - 1]!, samples[i]!) > 0) {
      samples.sort(compareSamples);
      return;
    }
  }
}

function compareSamples(a: MetricFamily['samples'][number], b: MetricFamily['samples'][number]): number {
  const x = a.labels.flat;
  const y = b.labels.flat;
  const n = Math.min(x.length, y.length);
  for (let i = 0; i < n; i++) {
    if (x[i] !== y[i]) return x[i]! < y[i]! ? -1 : 1;
  }
  return x.length - y.length;
}
