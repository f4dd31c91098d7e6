import type { Labels } from '@argus/model';

/** Metric types of the text format (0.0.4) and OpenMetrics 1.0. */
export type MetricType =
  | 'counter'
  | 'gauge'
  | 'histogram'
  | 'gaugehistogram'
  | 'summary'
  | 'info'
  | 'stateset'
  | 'untyped'
  | 'unknown';

/** An OpenMetrics exemplar attached to a sample. */
export interface Exemplar {
  readonly labels: Labels;
  readonly value: number;
  readonly timestampMs?: number;
}

/**
 * One exposed sample line. `name` is the full series name as written
 * (`http_requests_total`, `rpc_duration_seconds_bucket`); `labels` exclude `__name__`.
 */
export interface ExposedSample {
  readonly name: string;
  readonly labels: Labels;
  readonly value: number;
  readonly timestampMs?: number;
  readonly exemplar?: Exemplar;
}

/** A metric family: its metadata and samples, in exposition order. */
export interface MetricFamily {
  readonly name: string;
  readonly type: MetricType;
  readonly help?: string;
  readonly unit?: string;
  readonly samples: readonly ExposedSample[];
}
