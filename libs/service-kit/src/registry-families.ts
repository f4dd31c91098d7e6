import { Labels } from '@argus/model';
import type { MetricFamily, MetricType } from '@argus/exposition';
import type { Registry } from 'prom-client';

const TYPES: Readonly<Record<string, MetricType>> = {
  counter: 'counter',
  gauge: 'gauge',
  histogram: 'histogram',
  summary: 'summary',
};

/**
 * A service's own prom-client metrics as families, read through `getMetricsAsJSON` (no
 * text round trip). Label values are stringified as prom-client's text output does; samples
 * keep their suffixed names (`_bucket`, `_sum`, `_count`); families without samples are kept,
 * as prom-client's text output keeps them.
 */
export async function registryFamilies(registry: Registry): Promise<MetricFamily[]> {
  const metrics = await registry.getMetricsAsJSON();
  const out: MetricFamily[] = [];
  for (const m of metrics) {
    out.push({
      name: m.name,
      type: TYPES[String(m.type)] ?? 'untyped',
      help: m.help,
      samples: m.values.map((v) => {
        const pairs: [string, string][] = [];
        for (const [k, val] of Object.entries(v.labels)) if (val !== undefined) pairs.push([k, String(val)]);
        return {
          name: (v as { metricName?: string }).metricName ?? m.name,
          labels: Labels.fromPairs(pairs),
          value: Number(v.value),
        };
      }),
    });
  }
  return out;
}
