export type { Exemplar, ExposedSample, MetricFamily, MetricType } from './metric-family.ts';
