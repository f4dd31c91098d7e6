import { createLogger } from '@argus/service-kit';
import { afterEach, describe, expect, it } from 'vitest';
import { AlertmanagerCore } from '../alertmanager-core.ts';
import type { ClusterPeer } from '../cluster/cluster-peer.ts';
import { parseConfig } from '../config/config.ts';
import { makeAlert } from '../domain/alert.ts';
import type { Alert } from '../domain/alert.ts';
import { Dispatcher } from './dispatcher.ts';
import type { DispatcherOptions } from './dispatcher.ts';
import { stage } from './stage.ts';

const lines: string[] = [];
const logger = createLogger({
  level: 'info',
  format: 'json',
  sink: { write: (l: string) => void lines.push(l) },
});

const CONFIG = `
route:
  receiver: r
  group_by: [alertname]
  group_wait: 50ms
  group_interval: 100ms
receivers:
  - name: r
`;

interface Flush {
  groupKey: string;
  alerts: string[];
  atMs: number;
}

let dispatcher: Dispatcher | undefined;
afterEach(() => {
  dispatcher?.stop();
  dispatcher = undefined;
  lines.length = 0;
});

function setup(options: DispatcherOptions, config = CONFIG, flushDelayMs = 0) {
  const core = new AlertmanagerCore(parseConfig(config));
  const flushes: Flush[] = [];
  dispatcher = new Dispatcher(
    core,
    () =>
      stage(async (ctx, alerts) => {
        flushes.push({
          groupKey: ctx.groupKey,
          alerts: alerts.map((a) => a.labels['instance']!),
          atMs: Date.now(),
        });
        if (flushDelayMs > 0) await sleep(flushDelayMs);
        return alerts;
      }),
    logger,
    options,
  );
  dispatcher.start();
  return { core, flushes, d: dispatcher };
}

function alert(
  name: string,
  instance: string,
  endsAtMs = Date.now() + 3_600_000,
  startsAtMs = Date.now(),
): Alert {
  const now = Date.now();
  return makeAlert({
    labels: { alertname: name, instance },
    annotations: {},
    startsAtMs,
    endsAtMs,
    generatorURL: '',
    updatedAtMs: now,
    timeout: false,
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitUntil(cond: () => boolean, timeoutMs: number): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out');
    await sleep(5);
  }
}

describe('Dispatcher --dispatch.* behaviour', () => {
  it('flushes nothing before --dispatch.start-delay has passed, then at once', async () => {
    const startAtMs = Date.now() + 600;
    const { core, flushes } = setup({ startAtMs });
    core.alerts.put([alert('A', 'x')]);
    await waitUntil(() => flushes.length > 0, 2_000);
    expect(flushes[0]!.atMs).toBeGreaterThanOrEqual(startAtMs);
    expect(flushes[0]!.atMs).toBeLessThan(startAtMs + 100);
  });

  it('drops alerts that would need a group beyond --dispatch.max-aggregation-groups and logs an error', async () => {
    let told = 0;
    const { core, d } = setup({ maxAggregationGroups: 2, onLimitReached: () => told++ });
    core.alerts.put([alert('A', 'x'), alert('B', 'x'), alert('C', 'x'), alert('A', 'y')]);
    expect(d.groups().map((g) => g.groupKey)).toEqual(['{}:{alertname="A"}', '{}:{alertname="B"}']);
    expect(d.groups()[0]!.alerts.size).toBe(2);
    expect(d.limitReached).toBe(1);
    expect(told).toBe(1);
    expect(lines.join('\n')).toContain('Failed to create aggregation group');
    expect(lines.join('\n')).toContain('too many aggregation groups, cannot create new group for alert');
  });

  it('keeps an emptied group until maintenance, and starts a fresh group for a new alert meanwhile', async () => {
    const { core, flushes, d } = setup({ maintenanceIntervalMs: 60_000 });
    const resolvedSoon = alert('A', 'x', Date.now() + 20);
    core.alerts.put([resolvedSoon]);
    // The group_wait flush sends it resolved and removes it: the group is destroyed.
    await waitUntil(() => d.groups()[0]?.destroyed === true, 2_000);
    const [old] = d.groups();
    expect(old!.destroyed).toBe(true);
    expect(old!.alerts.size).toBe(0);

    const insertedAtMs = Date.now();
    core.alerts.put([alert('A', 'z')]);
    const [fresh] = d.groups();
    expect(fresh).not.toBe(old);
    expect(d.groups()).toHaveLength(1);
    await waitUntil(() => flushes.length === 2, 2_000);
    expect(flushes[1]!.alerts).toEqual(['z']);
    expect(flushes[1]!.atMs - insertedAtMs).toBeGreaterThanOrEqual(45); // its own group_wait

    const [again] = d.groups();
    expect(d.doMaintenance()).toBe(0);
    expect(d.groups()).toEqual([again]);
  });

  it('drops destroyed groups every --dispatch.maintenance-interval', async () => {
    const { core, d, flushes } = setup({ maintenanceIntervalMs: 150 });
    core.alerts.put([alert('A', 'x', Date.now() + 20)]);
    expect(d.groups()).toHaveLength(1);
    await waitUntil(() => flushes.length > 0, 2_000);
    await waitUntil(() => d.groups().length === 0, 2_000);
  });

  it('flushes once when old alerts keep arriving while the immediate first flush is in flight', async () => {
    const config = CONFIG.replace('group_interval: 100ms', 'group_interval: 10s');
    const { core, flushes } = setup({}, config, 200);
    const old = Date.now() - 60_000;
    core.alerts.put([alert('A', 'x', undefined, old)]);
    await waitUntil(() => flushes.length === 1, 2_000);
    core.alerts.put([alert('A', 'y', undefined, old)]);
    core.alerts.put([alert('A', 'z', undefined, old)]);
    await sleep(400);
    expect(flushes.map((f) => f.alerts)).toEqual([['x']]);
  });

  it('waits until settled, then position × peer timeout before notifying', async () => {
    let settle: () => void = () => undefined;
    const settled = new Promise<void>((r) => (settle = r));
    const peer: ClusterPeer = {
      name: 'b',
      position: () => 2,
      settled: () => settled,
      status: () => ({ status: 'settling', peers: [] }),
    };
    const { core, flushes } = setup({ peer, peerTimeoutMs: 100 });
    const t0 = Date.now();
    core.alerts.put([alert('A', 'x')]);
    await sleep(200);
    expect(flushes).toHaveLength(0);
    settle();
    await sleep(120);
    expect(flushes).toHaveLength(0); // 2 × 100ms wait
    await sleep(150);
    expect(flushes).toHaveLength(1);
    expect(flushes[0]!.atMs - t0).toBeGreaterThanOrEqual(400);
  });
});
