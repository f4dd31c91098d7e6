import { createHash } from 'node:crypto';
import { Counter, Gauge, Histogram, Summary } from 'prom-client';
import type { Registry } from 'prom-client';
import type { AlertmanagerCore } from '../alertmanager-core.ts';
import { isResolved } from '../domain/alert.ts';
import { silenceState } from '../domain/silences.ts';

/**
 * Upstream's `alertmanager_config_hash` value: the first 6 bytes of the config file's
 * MD5, little-endian (6 bytes so the value is exact in a float64).
 */
export function configHashValue(fileContent: string | Buffer): number {
  const sum = createHash('md5').update(fileContent).digest();
  return sum.readUIntLE(0, 6);
}

/** Counters the API's `POST /api/v2/alerts` reports to. */
export interface ApiAlertMetrics {
  /** One posted alert (valid or not), firing or resolved by its `endsAt`. */
  received(status: 'firing' | 'resolved'): void;
  invalid(): void;
}

/**
 * Families read from the state when scraped (`alertmanager_alerts{state}`,
 * `alertmanager_marked_alerts{state}`, `alertmanager_silences{state}`,
 * `alertmanager_receivers`, `alertmanager_integrations`) plus the config hash and the
 * API's received/invalid counters. `version` is always `v2` in use (Argus has no API v1),
 * `v1` stays at zero as in upstream.
 */
export function registerStateMetrics(
  registry: Registry,
  core: AlertmanagerCore,
): { setConfigHash: (value: number) => void; api: ApiAlertMetrics } {
  const states = ['active', 'suppressed', 'unprocessed'] as const;
  const byState = (all: boolean) => {
    const now = Date.now();
    const counts = { active: 0, suppressed: 0, unprocessed: 0 };
    for (const a of core.alerts.all()) {
      if (!all && isResolved(a, now)) continue;
      counts[core.status(a, now).state]++;
    }
    return counts;
  };
  new Gauge({
    name: 'alertmanager_alerts',
    help: 'How many alerts by state.',
    labelNames: ['state'],
    registers: [registry],
    collect() {
      const c = byState(false);
      for (const state of states) this.set({ state }, c[state]);
    },
  });
  new Gauge({
    name: 'alertmanager_marked_alerts',
    help: 'How many alerts by state are currently marked in the Alertmanager regardless of their expiry.',
    labelNames: ['state'],
    registers: [registry],
    collect() {
      const c = byState(true);
      for (const state of states) this.set({ state }, c[state]);
    },
  });
  new Gauge({
    name: 'alertmanager_silences',
    help: 'How many silences by state.',
    labelNames: ['state'],
    registers: [registry],
    collect() {
      const now = Date.now();
      const c = { active: 0, expired: 0, pending: 0 };
      for (const s of core.silences.all()) c[silenceState(s, now)]++;
      for (const [state, n] of Object.entries(c)) this.set({ state }, n);
    },
  });
  new Gauge({
    name: 'alertmanager_receivers',
    help: 'Number of configured receivers.',
    registers: [registry],
    collect() {
      this.set(core.config.receivers.size);
    },
  });
  new Gauge({
    name: 'alertmanager_integrations',
    help: 'Number of configured integrations.',
    registers: [registry],
    collect() {
      let n = 0;
      for (const rc of core.config.receivers.values()) {
        for (const [key, value] of Object.entries(rc as unknown as Record<string, unknown>)) {
          if (key !== 'name' && Array.isArray(value)) n += value.length;
        }
      }
      this.set(n);
    },
  });
  const hash = new Gauge({
    name: 'alertmanager_config_hash',
    help: 'Hash of the currently loaded alertmanager configuration.',
    registers: [registry],
  });
  const received = new Counter({
    name: 'alertmanager_alerts_received_total',
    help: 'The total number of received alerts.',
    labelNames: ['status', 'version'],
    registers: [registry],
  });
  const invalid = new Counter({
    name: 'alertmanager_alerts_invalid_total',
    help: 'The total number of received alerts that were invalid.',
    labelNames: ['version'],
    registers: [registry],
  });
  for (const version of ['v1', 'v2']) {
    for (const status of ['firing', 'resolved']) received.inc({ status, version }, 0);
    invalid.inc({ version }, 0);
  }
  return {
    setConfigHash: (value) => hash.set(value),
    api: {
      received: (status) => received.inc({ status, version: 'v2' }),
      invalid: () => invalid.inc({ version: 'v2' }),
    },
  };
}

/** Times `fn` into `observe` (seconds), rethrowing what it throws. */
export function timed<T>(observe: (seconds: number) => void, fn: () => T): T {
  const start = process.hrtime.bigint();
  try {
    return fn();
  } finally {
    observe(Number(process.hrtime.bigint() - start) / 1e9);
  }
}

/** The query/GC/snapshot families upstream's nflog and silences packages both have. */
export interface StoreMetrics {
  readonly queries: Counter;
  readonly queryErrors: Counter;
  readonly queryDuration: Histogram;
  readonly gcDuration: Summary;
  readonly snapshotDuration: Summary;
  readonly snapshotSize: Gauge;
}

/**
 * `alertmanager_<prefix>_*` as upstream names them. `…_gossip_messages_propagated_total`
 * is registered for parity and stays 0: NATS delivers to every replica, nothing is re-gossiped.
 */
export function registerStoreMetrics(registry: Registry, prefix: 'nflog' | 'silences'): StoreMetrics {
  const what = prefix === 'nflog' ? 'notification log' : 'silence';
  const ns = `alertmanager_${prefix}`;
  new Counter({
    name: `${ns}_gossip_messages_propagated_total`,
    help: 'Number of received gossip messages that have been further gossiped.',
    registers: [registry],
  });
  return {
    queries: new Counter({
      name: `${ns}_queries_total`,
      help:
        prefix === 'nflog'
          ? 'Number of notification log queries were received.'
          : 'How many silence queries were received.',
      registers: [registry],
    }),
    queryErrors: new Counter({
      name: `${ns}_query_errors_total`,
      help:
        prefix === 'nflog'
          ? 'Number notification log received queries that failed.'
          : 'How many silence received queries did not succeed.',
      registers: [registry],
    }),
    queryDuration: new Histogram({
      name: `${ns}_query_duration_seconds`,
      help: `Duration of ${what} query evaluation.`,
      registers: [registry],
    }),
    gcDuration: new Summary({
      name: `${ns}_gc_duration_seconds`,
      help: `Duration of the last ${what} garbage collection cycle.`,
      percentiles: [],
      registers: [registry],
    }),
    snapshotDuration: new Summary({
      name: `${ns}_snapshot_duration_seconds`,
      help: `Duration of the last ${what} snapshot.`,
      percentiles: [],
      registers: [registry],
    }),
    snapshotSize: new Gauge({
      name: `${ns}_snapshot_size_bytes`,
      help: `Size of the last ${what} snapshot in bytes.`,
      registers: [registry],
    }),
  };
}
