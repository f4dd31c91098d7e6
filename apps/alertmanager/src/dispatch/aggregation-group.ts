import { compareAlerts, isResolved, labelSetString } from '../domain/alert.ts';
import type { Alert, LabelSet } from '../domain/alert.ts';
import type { Route } from '../domain/route.ts';

/** Sends one flush of a group; resolves true when every integration succeeded. */
export type FlushFn = (group: AggregationGroup, alerts: readonly Alert[], nowMs: number) => Promise<boolean>;

/**
 * The alerts of one route with the same group labels, flushed on upstream's timers:
 * first after `group_wait` (at once when the alert that arrives before the first flush
 * started more than `group_wait` ago), then every `group_interval`; no flush happens
 * before `notBeforeMs` (`--dispatch.start-delay`). After a successful flush, resolved
 * alerts that did not change meanwhile are removed; a group left empty is destroyed:
 * it takes no more alerts and waits for the dispatcher's maintenance to drop it.
 */
export class AggregationGroup {
  readonly alerts = new Map<string, Alert>();
  /** `<route key>:<group labels>`, as upstream's `GroupKey()`. */
  readonly groupKey: string;
  #timer: NodeJS.Timeout | undefined;
  #hasFlushed = false;
  #stopped = false;
  #destroyed = false;
  #running: Promise<void> = Promise.resolve();

  constructor(
    readonly route: Route,
    readonly labels: LabelSet,
    readonly flush: FlushFn,
    readonly notBeforeMs: number = 0,
  ) {
    this.groupKey = `${route.key()}:${labelSetString(labels)}`;
    this.#arm(route.options.groupWaitMs);
  }

  /** True once a flush left the group empty; the dispatcher then starts a new group. */
  get destroyed(): boolean {
    return this.#destroyed;
  }

  /** Adds or replaces an alert; returns false (and adds nothing) when the group is destroyed. */
  insert(alert: Alert, nowMs: number): boolean {
    if (this.#destroyed) return false;
    // As upstream 0.34: only the alert that creates the group can cut group_wait short.
    // (Re-arming on later inserts, as 0.25 did, re-flushed groups whose first flush was
    // still in flight.)
    const creating = this.alerts.size === 0 && !this.#hasFlushed;
    this.alerts.set(alert.fingerprint, alert);
    if (creating && alert.startsAtMs + this.route.options.groupWaitMs < nowMs) this.#arm(0);
    return true;
  }

  stop(): void {
    this.#stopped = true;
    clearTimeout(this.#timer);
  }

  /** Resolves when the flush in progress (if any) has finished. */
  settled(): Promise<void> {
    return this.#running;
  }

  /** Arms the next flush `ms` from now (not before `notBeforeMs`). */
  #arm(ms: number): void {
    this.#armAt(Math.max(Date.now() + ms, this.notBeforeMs));
  }

  #armAt(atMs: number): void {
    clearTimeout(this.#timer);
    if (this.#stopped) return;
    this.#timer = setTimeout(() => this.#tick(atMs), atMs - Date.now());
  }

  /**
   * A flush due at `dueMs`. Its time is the one the pipeline sees as now, as upstream hands
   * the timer's fire time down; the next one is due a group_interval after this one was due,
   * not after it ran, so a late event loop does not shift the rhythm (Go's timers fire on
   * time). A repeat then comes on the first tick strictly past repeat_interval, as upstream's
   * does, however late this process's timers run. A tick late by a whole interval or more
   * re-arms from now, as upstream's timer reset does.
   */
  #tick(dueMs: number): void {
    this.#hasFlushed = true;
    const interval = this.route.options.groupIntervalMs;
    const now = Date.now();
    this.#armAt(dueMs + interval > now ? dueMs + interval : now + interval);
    this.#running = this.#running.then(() => this.#flushNow(Math.min(dueMs, Date.now())));
  }

  async #flushNow(nowMs: number): Promise<void> {
    if (this.#stopped || this.alerts.size === 0) return;
    const snapshot = [...this.alerts.values()].sort(compareAlerts);
    const ok = await this.flush(this, snapshot, nowMs).catch(() => false);
    if (!ok) return;
    for (const a of snapshot) {
      if (isResolved(a, nowMs) && this.alerts.get(a.fingerprint) === a) this.alerts.delete(a.fingerprint);
    }
    if (this.alerts.size === 0) {
      this.#destroyed = true;
      this.stop();
    }
  }
}
