import type { AlertmanagerConfig } from './config/config.ts';
import { AlertStore } from './domain/alert-store.ts';
import { isResolved } from './domain/alert.ts';
import type { Alert, LabelSet } from './domain/alert.ts';
import { Inhibitor } from './domain/inhibitor.ts';
import type { Route } from './domain/route.ts';
import { Silences } from './domain/silences.ts';

/** The API's view of one alert's state. */
export interface AlertStatus {
  readonly state: 'active' | 'suppressed' | 'unprocessed';
  readonly silencedBy: string[];
  readonly inhibitedBy: string[];
  readonly mutedBy: string[];
}

/** An aggregation group as the API shows it. */
export interface GroupView {
  readonly route: Route;
  readonly labels: LabelSet;
  readonly alerts: Alert[];
}

/**
 * The state one Alertmanager holds: the current config, the alerts, the silences and
 * the inhibitor built from the config's rules. `applyConfig` swaps the config in one step
 * (the inhibitor is rebuilt and re-fed from the stored alerts).
 */
export class AlertmanagerCore {
  readonly alerts = new AlertStore();
  readonly silences: Silences;
  #config: AlertmanagerConfig;
  #inhibitor: Inhibitor;

  constructor(config: AlertmanagerConfig, options: { retentionMs?: number } = {}) {
    this.silences = new Silences(options.retentionMs);
    this.#config = config;
    this.#inhibitor = new Inhibitor(config.inhibitRules);
    this.alerts.subscribe((a) => this.#inhibitor.observe(a));
  }

  get config(): AlertmanagerConfig {
    return this.#config;
  }

  get inhibitor(): Inhibitor {
    return this.#inhibitor;
  }

  applyConfig(config: AlertmanagerConfig): void {
    const inhibitor = new Inhibitor(config.inhibitRules);
    for (const a of this.alerts.all()) inhibitor.observe(a);
    this.#config = config;
    this.#inhibitor = inhibitor;
  }

  /** Silences and inhibitions of an alert at `nowMs`. */
  status(alert: Alert, nowMs: number): AlertStatus {
    const silencedBy = this.silences.mutedBy(alert.labels, nowMs);
    const inhibitedBy = this.#inhibitor.inhibitedBy(alert.labels, nowMs);
    const suppressed = silencedBy.length > 0 || inhibitedBy.length > 0;
    return { state: suppressed ? 'suppressed' : 'active', silencedBy, inhibitedBy, mutedBy: [] };
  }

  /** Distinct receiver names of the routes an alert goes to, in route order. */
  receiversOf(alert: Alert): string[] {
    return [...new Set(this.#config.route.match(alert.labels).map((r) => r.options.receiver))];
  }

  /** The unresolved alerts grouped by route and group labels, as the dispatcher groups them. */
  groups(nowMs: number): GroupView[] {
    const byKey = new Map<string, GroupView>();
    for (const alert of this.alerts.all()) {
      if (isResolved(alert, nowMs)) continue;
      for (const route of this.#config.route.match(alert.labels)) {
        const labels = groupLabels(route, alert.labels);
        const key = `${route.idx}\u0000${JSON.stringify(Object.entries(labels).sort())}`;
        let group = byKey.get(key);
        if (group === undefined) {
          group = { route, labels, alerts: [] };
          byKey.set(key, group);
        }
        group.alerts.push(alert);
      }
    }
    return [...byKey.values()];
  }
}

/** The labels of `labels` that `route` groups by (all of them for `...`). */
export function groupLabels(route: Route, labels: LabelSet): Record<string, string> {
  if (route.options.groupByAll) return { ...labels };
  const out: Record<string, string> = {};
  for (const name of route.options.groupBy) {
    const v = labels[name];
    if (v !== undefined) out[name] = v;
  }
  return out;
}
