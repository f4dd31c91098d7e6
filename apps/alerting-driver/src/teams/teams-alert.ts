// What prom2teams keeps of a webhook alert (its `PrometheusAlert`/`TeamsAlert`), with its defaults.
import type { WebhookAlert, WebhookPayload } from '../common/webhook-payload.ts';
import type { GroupableField } from './teams-config.ts';

export interface TeamsAlert {
  readonly name: string;
  /** Lowercased, as prom2teams sends it. */
  readonly status: string;
  readonly severity: string;
  readonly summary: string;
  readonly instance: string;
  readonly description: string;
  readonly fingerprint: string;
  readonly runbook_url: string;
  readonly extra_labels: Readonly<Record<string, string>>;
  readonly extra_annotations: Readonly<Record<string, string>>;
}

/** Labels that have their own field on the card or that prom2teams never shows. */
const BASE_LABELS = ['alertname', 'device', 'fstype', 'instance', 'mountpoint', 'severity'];
const BASE_ANNOTATIONS = ['description', 'summary'];
const UNKNOWN = 'unknown';

export interface Exclusions {
  readonly labels: readonly string[];
  readonly annotations: readonly string[];
}

/**
 * The payload's alerts as cards' inputs, grouped by status (in the order each status first
 * appears; firing and resolved never share a card), keeping the payload's order inside a group.
 */
export function toTeamsAlerts(payload: WebhookPayload, exclusions: Exclusions): TeamsAlert[][] {
  const byStatus = new Map<string, TeamsAlert[]>();
  for (const alert of payload.alerts) {
    const status = alert.status === '' ? UNKNOWN : alert.status;
    let group = byStatus.get(status);
    if (group === undefined) byStatus.set(status, (group = []));
    group.push(toTeamsAlert(alert, status, exclusions));
  }
  return [...byStatus.values()];
}

function toTeamsAlert(alert: WebhookAlert, status: string, exclusions: Exclusions): TeamsAlert {
  const excludedLabels = new Set([...BASE_LABELS, ...exclusions.labels]);
  const excludedAnnotations = new Set([...BASE_ANNOTATIONS, ...exclusions.annotations]);
  return {
    name: alert.labels.alertname ?? UNKNOWN,
    status: status.toLowerCase(),
    severity: alert.labels.severity ?? UNKNOWN,
    summary: alert.annotations.summary ?? UNKNOWN,
    instance: alert.labels.instance ?? UNKNOWN,
    description: alert.annotations.description ?? UNKNOWN,
    fingerprint: alert.fingerprint,
    runbook_url: alert.annotations.runbook_url ?? '',
    extra_labels: pick(alert.labels, excludedLabels),
    extra_annotations: pick(alert.annotations, excludedAnnotations),
  };
}

function pick(
  values: Readonly<Record<string, string>>,
  excluded: ReadonlySet<string>,
): Record<string, string> {
  return Object.fromEntries(Object.entries(values).filter(([k]) => !excluded.has(k)));
}

/** Joins a merged field's values; Teams needs blank lines to show a line break. */
export const FIELD_SEPARATOR = ',\n\n\n';

/**
 * One alert standing for several (`group_alerts_by`): each field becomes its sorted, distinct
 * values joined by FIELD_SEPARATOR (`unknown` if there are none); extra labels and annotations
 * are merged, a later alert's value winning.
 */
export function combineAlerts(alerts: readonly TeamsAlert[]): TeamsAlert {
  const join = (field: GroupableField): string => {
    const values = [...new Set(alerts.map((a) => a[field]))].sort(byCodePoint);
    return values.length === 0 ? UNKNOWN : values.join(FIELD_SEPARATOR);
  };
  return {
    name: join('name'),
    status: join('status').toLowerCase(),
    severity: join('severity'),
    summary: join('summary'),
    instance: join('instance'),
    description: join('description'),
    fingerprint: join('fingerprint'),
    runbook_url: join('runbook_url'),
    extra_labels: Object.assign({}, ...alerts.map((a) => a.extra_labels)) as Record<string, string>,
    extra_annotations: Object.assign({}, ...alerts.map((a) => a.extra_annotations)) as Record<string, string>,
  };
}

// Python sorts strings by code point; JavaScript's default sort compares UTF-16 units.
function byCodePoint(a: string, b: string): number {
  const x = [...a];
  const y = [...b];
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    const d = (x[i] as string).codePointAt(0)! - (y[i] as string).codePointAt(0)!;
    if (d !== 0) return d;
  }
  return x.length - y.length;
}

/** Alerts of one status split by the value of `field`, in the order each value first appears. */
export function groupBy(alerts: readonly TeamsAlert[], field: GroupableField): TeamsAlert[][] {
  const groups = new Map<string, TeamsAlert[]>();
  for (const alert of alerts) {
    let group = groups.get(alert[field]);
    if (group === undefined) groups.set(alert[field], (group = []));
    group.push(alert);
  }
  return [...groups.values()];
}
