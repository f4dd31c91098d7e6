import { isResolved, mergeAlerts } from './alert.ts';
import type { Alert } from './alert.ts';

/** Called with each alert after it was stored (merged). */
export type AlertListener = (alert: Alert) => void;

/**
 * The in-memory alert store (upstream `provider/mem`): one alert per fingerprint,
 * re-posts merged, resolved alerts dropped by `gc`. Listeners see every stored alert
 * in the order of `put`.
 */
export class AlertStore {
  readonly #alerts = new Map<string, Alert>();
  readonly #listeners = new Set<AlertListener>();

  /** Stores (or merges) each alert and tells the listeners. */
  put(alerts: readonly Alert[]): void {
    for (const incoming of alerts) {
      const stored = this.#alerts.get(incoming.fingerprint);
      const alert = stored === undefined ? incoming : mergeAlerts(stored, incoming);
      this.#alerts.set(alert.fingerprint, alert);
      for (const l of this.#listeners) l(alert);
    }
  }

  get(fingerprint: string): Alert | undefined {
    return this.#alerts.get(fingerprint);
  }

  /** Every stored alert, in insertion order. */
  all(): Alert[] {
    return [...this.#alerts.values()];
  }

  get size(): number {
    return this.#alerts.size;
  }

  /** Deletes alerts resolved at `nowMs`; returns them. */
  gc(nowMs: number): Alert[] {
    const removed: Alert[] = [];
    for (const [fp, a] of this.#alerts) {
      if (isResolved(a, nowMs)) {
        this.#alerts.delete(fp);
        removed.push(a);
      }
    }
    return removed;
  }

  /** Registers a listener; returns a function that removes it. */
  subscribe(listener: AlertListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }
}
