import { Summary } from 'prom-client';
import type { Registry } from 'prom-client';
import type { AlertmanagerCore } from '../alertmanager-core.ts';
import type { NotificationLog } from '../dispatch/notification-log.ts';
import { registerNotifyMetrics } from './notify-metrics.ts';
import type { NotifyMetrics } from './notify-metrics.ts';
import { registerStateMetrics, registerStoreMetrics, timed } from './state-metrics.ts';
import type { ApiAlertMetrics, StoreMetrics } from './state-metrics.ts';

/** Everything the service hands to the places where events happen. */
export interface AlertmanagerMetrics {
  readonly notify: NotifyMetrics;
  readonly api: ApiAlertMetrics;
  setConfigHash(value: number): void;
  /** `alertmanager_dispatcher_alert_processing_duration_seconds`. */
  alertProcessed(seconds: number): void;
  /** Times a snapshot write of the nflog or silences into its summary and size gauge. */
  snapshot(store: 'nflog' | 'silences', write: () => void, sizeBytes: () => number): void;
}

/**
 * Wraps the query and GC methods of one store instance so every call is counted and
 * timed, without the domain classes knowing about metrics. `isError` says which query
 * results upstream counts as failed (the nflog's "not found").
 */
function instrumentStore<T extends object>(
  store: T,
  m: StoreMetrics,
  query: keyof T,
  isError: (result: unknown) => boolean,
): void {
  const target = store as Record<string, unknown>;
  const q = target[query as string] as (...args: unknown[]) => unknown;
  target[query as string] = (...args: unknown[]) => {
    m.queries.inc();
    const result = timed(
      (s) => m.queryDuration.observe(s),
      () => q.apply(store, args),
    );
    if (isError(result)) m.queryErrors.inc();
    return result;
  };
  const gc = target['gc'] as (...args: unknown[]) => unknown;
  target['gc'] = (...args: unknown[]) =>
    timed(
      (s) => m.gcDuration.observe(s),
      () => gc.apply(store, args),
    );
}

/**
 * Registers upstream Alertmanager's own metric families on `registry` (the dispatcher's
 * and cluster's are in dispatch/dispatch-metrics.ts, build info, reload and process
 * metrics come from service-kit).
 */
export function registerAlertmanagerMetrics(
  registry: Registry,
  core: AlertmanagerCore,
  nflog: NotificationLog,
): AlertmanagerMetrics {
  const state = registerStateMetrics(registry, core);
  const stores = {
    nflog: registerStoreMetrics(registry, 'nflog'),
    silences: registerStoreMetrics(registry, 'silences'),
  };
  instrumentStore(nflog, stores.nflog, 'get', (r) => r === undefined);
  instrumentStore(core.silences, stores.silences, 'mutedBy', () => false);
  const processing = new Summary({
    name: 'alertmanager_dispatcher_alert_processing_duration_seconds',
    help: 'Summary of latencies for the processing of alerts.',
    percentiles: [],
    registers: [registry],
  });
  return {
    notify: registerNotifyMetrics(registry),
    api: state.api,
    setConfigHash: state.setConfigHash,
    alertProcessed: (seconds) => processing.observe(seconds),
    snapshot(store, write, sizeBytes) {
      const m = stores[store];
      timed((s) => m.snapshotDuration.observe(s), write);
      m.snapshotSize.set(sizeBytes());
    },
  };
}
