import type { Logger } from '@argus/service-kit';
import type { AlertmanagerCore } from '../alertmanager-core.ts';
import { groupLabels } from '../alertmanager-core.ts';
import type { ClusterPeer } from '../cluster/cluster-peer.ts';
import type { Alert, LabelSet } from '../domain/alert.ts';
import type { Route } from '../domain/route.ts';
import { AggregationGroup } from './aggregation-group.ts';
import type { Stage } from './stage.ts';

export interface DispatcherOptions {
  /** `--dispatch.maintenance-interval`: how often destroyed (emptied) groups are dropped (30s). */
  readonly maintenanceIntervalMs?: number;
  /** No group flushes before this time (process start + `--dispatch.start-delay`). */
  readonly startAtMs?: number;
  /** At most this many groups (destroyed ones count until maintenance drops them); ≤ 0: no limit. */
  readonly maxAggregationGroups?: number;
  /** The cluster peer; absent without clustering. */
  readonly peer?: ClusterPeer;
  /** `--cluster.peer-timeout`: the wait per position before notifying. */
  readonly peerTimeoutMs?: number;
  /** Told each time an alert is dropped for the group limit (the self-metric). */
  readonly onLimitReached?: () => void;
  /** Seconds one incoming alert took to route (`alertmanager_dispatcher_alert_processing_duration_seconds`). */
  readonly onAlertProcessed?: (seconds: number) => void;
}

/**
 * Sorts every stored alert into aggregation groups per matching route and flushes each
 * group through the receiver's pipeline. Built per config: on reload the old dispatcher
 * is stopped and a new one re-reads the alert store (as upstream restarts its dispatcher).
 *
 * In a cluster every flush first waits until the peer has settled (upstream's
 * GossipSettle stage), then `position × peer_timeout` (upstream's Wait stage), so the
 * replica at position 0 notifies first and the others find its notification-log entry.
 * The wait happens before the pipeline rather than before Dedup inside it; the stages
 * judge time at the tick either way.
 */
export class Dispatcher {
  readonly #groups = new Map<string, AggregationGroup>();
  #unsubscribe: (() => void) | undefined;
  #maintenance: NodeJS.Timeout | undefined;
  #stopped = false;
  readonly #waits = new Set<() => void>();
  /** Alerts dropped because the aggregation-group limit was reached. */
  limitReached = 0;

  constructor(
    readonly core: AlertmanagerCore,
    readonly pipelineFor: (receiver: string) => Stage,
    readonly logger: Logger,
    readonly options: DispatcherOptions = {},
  ) {}

  start(): void {
    const now = Date.now();
    for (const a of this.core.alerts.all()) this.#route(a, now);
    this.#unsubscribe = this.core.alerts.subscribe((a) => {
      const start = performance.now();
      this.#route(a, Date.now());
      this.options.onAlertProcessed?.((performance.now() - start) / 1000);
    });
    this.#maintenance = setInterval(() => this.doMaintenance(), this.options.maintenanceIntervalMs ?? 30_000);
    this.#maintenance.unref();
  }

  stop(): void {
    this.#stopped = true;
    this.#unsubscribe?.();
    clearInterval(this.#maintenance);
    for (const g of this.#groups.values()) g.stop();
    this.#groups.clear();
    for (const wake of this.#waits) wake();
  }

  /** The current groups, destroyed ones included until maintenance (for the API and tests). */
  groups(): AggregationGroup[] {
    return [...this.#groups.values()];
  }

  /** Drops the destroyed groups (upstream's maintenance loop); returns how many. */
  doMaintenance(): number {
    let n = 0;
    for (const [key, g] of this.#groups) {
      if (g.destroyed) {
        this.#groups.delete(key);
        n++;
      }
    }
    return n;
  }

  #route(alert: Alert, nowMs: number): void {
    for (const route of this.core.config.route.match(alert.labels)) {
      const key = groupKeyOf(route, alert.labels);
      const existing = this.#groups.get(key);
      if (existing?.insert(alert, nowMs)) continue;
      const limit = this.options.maxAggregationGroups ?? 0;
      if (limit > 0 && this.#groups.size >= limit) {
        this.limitReached++;
        this.options.onLimitReached?.();
        this.logger.error(
          {
            err: 'too many aggregation groups, cannot create new group for alert',
            groups: this.#groups.size,
            limit,
            alert: alert.labels['alertname'] ?? '',
          },
          'Failed to create aggregation group',
        );
        continue;
      }
      const group = new AggregationGroup(
        route,
        groupLabels(route, alert.labels),
        (g, alerts, now) => this.#flush(g, alerts, now),
        this.options.startAtMs ?? 0,
      );
      this.#groups.set(key, group);
      group.insert(alert, nowMs);
    }
  }

  async #flush(group: AggregationGroup, alerts: readonly Alert[], nowMs: number): Promise<boolean> {
    const options = group.route.options;
    let waitMs = 0;
    const peer = this.options.peer;
    if (peer !== undefined) {
      await peer.settled();
      waitMs = peer.position() * (this.options.peerTimeoutMs ?? 15_000);
      if (waitMs > 0) await this.#sleep(waitMs);
      if (this.#stopped) return false;
    } else if (this.#stopped) {
      return false;
    }
    try {
      await this.pipelineFor(options.receiver).exec(
        {
          groupKey: group.groupKey,
          receiver: options.receiver,
          groupLabels: group.labels,
          route: options,
          nowMs,
          deadlineMs: nowMs + Math.max(options.groupIntervalMs, 10_000) + waitMs,
        },
        alerts,
      );
      return true;
    } catch (error) {
      this.logger.error(
        { receiver: options.receiver, aggrGroup: group.groupKey, err: (error as Error).message },
        'Notify for alerts failed',
      );
      return false;
    }
  }

  /** Sleeps, cut short by `stop()`. */
  #sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        this.#waits.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      this.#waits.add(wake);
    });
  }
}

/**
 * The dispatcher's map key of the group an alert falls in on `route`: built without
 * allocating the group-label object, as this runs for every alert on every matching route
 * (a missing label and an empty value differ: null vs "").
 */
function groupKeyOf(route: Route, labels: LabelSet): string {
  const o = route.options;
  if (o.groupByAll) return `${route.idx}\u0000${JSON.stringify(Object.entries(labels).sort())}`;
  return `${route.idx}\u0000${JSON.stringify(o.groupBy.map((n) => labels[n] ?? null))}`;
}
