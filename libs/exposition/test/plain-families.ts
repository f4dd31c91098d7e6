import type { MetricFamily } from '../src/metric-family.ts';

/** Families as plain data (label sets as flat arrays), for deep comparisons in tests. */
export function plain(families: readonly MetricFamily[]): unknown[] {
  return families.map((f) => ({
    ...f,
    samples: f.samples.map((s) => ({
      ...s,
      labels: s.labels.flat,
      exemplar: s.exemplar && { ...s.exemplar, labels: s.exemplar.labels.flat },
    })),
  }));
}
