import { fingerprint } from './fingerprint.ts';

/** Labels or annotations: names to values. */
export type LabelSet = Readonly<Record<string, string>>;

/**
 * An alert as Alertmanager holds it. Times are Unix milliseconds; `endsAtMs` is always
 * set (derived from `resolve_timeout` when the client left it out, with `timeout` true).
 */
export interface Alert {
  readonly labels: LabelSet;
  readonly annotations: LabelSet;
  readonly startsAtMs: number;
  readonly endsAtMs: number;
  readonly generatorURL: string;
  readonly updatedAtMs: number;
  readonly timeout: boolean;
  readonly fingerprint: string;
}

/** Builds an alert and computes its fingerprint. */
export function makeAlert(fields: Omit<Alert, 'fingerprint'>): Alert {
  return { ...fields, fingerprint: fingerprint(fields.labels) };
}

/** An alert is resolved once its `endsAt` is not after `nowMs`. */
export function isResolved(alert: Alert, nowMs: number): boolean {
  return alert.endsAtMs <= nowMs;
}

/**
 * Merges a re-posted copy into the stored one as upstream's `Alert.Merge`: the younger
 * update wins, the earliest start is kept, and end times follow NOTES §6.
 */
export function mergeAlerts(stored: Alert, incoming: Alert): Alert {
  let older = stored;
  let newer = incoming;
  if (newer.updatedAtMs < older.updatedAtMs) [older, newer] = [newer, older];
  const startsAtMs = Math.min(older.startsAtMs, newer.startsAtMs);
  let endsAtMs = newer.endsAtMs;
  let timeout = newer.timeout;
  if (isResolved(newer, newer.updatedAtMs)) {
    if (isResolved(older, newer.updatedAtMs) && older.endsAtMs > newer.endsAtMs && !older.timeout) {
      endsAtMs = older.endsAtMs;
    }
  } else if (older.endsAtMs > newer.endsAtMs && !older.timeout) {
    endsAtMs = older.endsAtMs;
    timeout = false;
  }
  return { ...newer, startsAtMs, endsAtMs, timeout };
}

/** Sorts as upstream's `AlertSlice`: by `job`, then `instance`, then the whole label set. */
export function compareAlerts(a: Alert, b: Alert): number {
  for (const name of ['job', 'instance']) {
    const x = a.labels[name];
    const y = b.labels[name];
    if (x !== undefined && y !== undefined && x !== y) return x < y ? -1 : 1;
  }
  const ka = labelSetString(a.labels);
  const kb = labelSetString(b.labels);
  return ka < kb ? -1 : ka > kb ? 1 : 0;
}

/** `{a="b", c="d"}`: Prometheus LabelSet printing (sorted, comma and space). */
export function labelSetString(labels: LabelSet): string {
  const parts = Object.keys(labels)
    .sort()
    .map((k) => `${k}=${JSON.stringify(labels[k])}`);
  return `{${parts.join(', ')}}`;
}

/** Prometheus `LabelSet.Equal`. */
export function labelSetEqual(a: LabelSet, b: LabelSet): boolean {
  const ka = Object.keys(a);
  return ka.length === Object.keys(b).length && ka.every((k) => b[k] === a[k]);
}

/** Prometheus `LabelSet.Before`: fewer labels first, then by values in name order. */
export function labelSetBefore(a: LabelSet, b: LabelSet): boolean {
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length) return ka.length < kb.length;
  for (const name of [...new Set([...ka, ...kb])].sort()) {
    const x = a[name];
    const y = b[name];
    if (x === undefined) return true;
    if (y === undefined) return false;
    if (x !== y) return x < y;
  }
  return false;
}
