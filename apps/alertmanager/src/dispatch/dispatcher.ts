import type { Logger } from '@argus/service-kit';
import type { AlertmanagerCore } from '../alertmanager-core.ts';
import { groupLabels } from '../alertmanager-core.ts';
import type { Alert } from '../domain/alert.ts';
import { AggregationGroup } from './aggregation-group.ts';
import type { Stage } from './stage.ts';

/**
 * Sorts every stored alert into aggregation groups per matching route and flushes each
 * group through the receiver's pipeline. Built per config: on reload the old dispatcher
 * is stopped and a new one re-reads the alert store (as upstream restarts its dispatcher).
 */
export class Dispatcher {
  readonly #groups = new Map<string, AggregationGroup>();
  #unsubscribe: (() => void) | undefined;

  constructor(
    readonly core: AlertmanagerCore,
    readonly pipelineFor: (receiver: string) => Stage,
    readonly logger: Logger,
  ) {}

  start(): void {
    const now = Date.now();
    for (const a of this.core.alerts.all()) this.#route(a, now);
    this.#unsubscribe = this.core.alerts.subscribe((a) => this.#route(a, Date.now()));
  }

  stop(): void {
    this.#unsubscribe?.();
    for (const g of this.#groups.values()) g.stop();
    this.#groups.clear();
  }

  /** The current groups (for the API and tests). */
  groups(): AggregationGroup[] {
    return [...this.#groups.values()];
  }

  #route(alert: Alert, nowMs: number): void {
    for (const route of this.core.config.route.match(alert.labels)) {
      const labels = groupLabels(route, alert.labels);
      const key = `${route.idx}\u0000${JSON.stringify(Object.entries(labels).sort())}`;
      let group = this.#groups.get(key);
      if (group === undefined) {
        group = new AggregationGroup(
          route,
          labels,
          (g, alerts, now) => this.#flush(g, alerts, now),
          () => this.#groups.delete(key),
        );
        this.#groups.set(key, group);
      }
      group.insert(alert, nowMs);
    }
  }

  async #flush(group: AggregationGroup, alerts: readonly Alert[], nowMs: number): Promise<boolean> {
    const options = group.route.options;
    try {
      await this.pipelineFor(options.receiver).exec(
        {
          groupKey: group.groupKey,
          receiver: options.receiver,
          groupLabels: group.labels,
          route: options,
          nowMs,
          deadlineMs: nowMs + Math.max(options.groupIntervalMs, 10_000),
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
}
