import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { requireProgram, startNatsServer, waitFor } from '@argus/testkit';
import type { RunningProgram } from '@argus/testkit';
import { clusterOf, getJson, postAlerts, sleep, startReplica, startWebhookSink } from './ha-harness.ts';
import type { Replica, WebhookSink } from './ha-harness.ts';

// Three built replicas share a real nats-server; every alert is posted to all three, as
// Prometheus does, and one webhook sink counts what reaches users.
const run = promisify(execFile);
// Long enough for the first replica's send and KV put to reach the others on a busy machine.
const PEER_TIMEOUT_MS = 3_000;
const GROUP_WAIT_MS = 1_000;

describe('HA over NATS: three replicas', () => {
  let nats: RunningProgram;
  let sink: WebhookSink;
  const replicas: Replica[] = [];
  const byName = (n: string) => replicas.find((r) => r.name === n)!;

  beforeAll(async () => {
    nats = await startNatsServer();
    sink = await startWebhookSink();
    const config = [
      'route:',
      '  receiver: hook',
      '  group_by: [alertname]',
      `  group_wait: ${GROUP_WAIT_MS}ms`,
      '  group_interval: 10m',
      '  repeat_interval: 1h',
      'receivers:',
      '  - name: hook',
      '    webhook_configs:',
      `      - url: ${sink.url}`,
    ].join('\n');
    // Started in reverse name order, so the first to come up is not position 0.
    for (const name of ['am-c', 'am-b', 'am-a']) {
      replicas.push(
        await startReplica(name, config, [
          `--nats.url=${nats.url}`,
          `--cluster.peer-name=${name}`,
          `--cluster.advertise-address=${name}.example:9094`,
          `--cluster.peer-timeout=${PEER_TIMEOUT_MS}ms`,
          '--cluster.label=hatest',
        ]),
      );
    }
    await waitFor(
      async () => {
        for (const r of replicas) {
          const c = await clusterOf(r);
          if (c.status !== 'ready' || c.peers.length !== 3) return false;
        }
        return true;
      },
      { timeoutMs: 30_000, intervalMs: 250 },
    );
  }, 90_000);

  afterAll(async () => {
    for (const r of replicas) await r.stop().catch(() => undefined);
    await sink?.close();
    await nats?.stop();
  });

  it('reports the peers sorted by name and status ready, as upstream shapes it', async () => {
    const c = await clusterOf(byName('am-b'));
    expect(c).toEqual({
      name: 'am-b',
      status: 'ready',
      peers: [
        { name: 'am-a', address: 'am-a.example:9094' },
        { name: 'am-b', address: 'am-b.example:9094' },
        { name: 'am-c', address: 'am-c.example:9094' },
      ],
    });
  });

  it("exports upstream's cluster self-metrics", async () => {
    const text = await (await fetch(`${byName('am-b').url}/metrics`)).text();
    expect(text).toMatch(/^alertmanager_cluster_enabled 1$/m);
    expect(text).toMatch(/^alertmanager_cluster_members 3$/m);
    expect(text).toMatch(/^alertmanager_peer_position 1$/m);
    expect(text).toMatch(/^alertmanager_dispatcher_aggregation_groups \d+$/m);
  });

  it('is shown by amtool 0.25 `cluster show`', async () => {
    const { stdout } = await run(requireProgram('amtool'), [
      `--alertmanager.url=${byName('am-c').url}`,
      'cluster',
      'show',
      '-o',
      'json',
    ]);
    const shown = JSON.parse(stdout) as { name: string; status: string; peers: { name: string }[] };
    expect(shown.status).toBe('ready');
    expect(shown.name).toBe('am-c');
    expect(shown.peers.map((p) => p.name)).toEqual(['am-a', 'am-b', 'am-c']);
  });

  it('sends exactly one notification per group when all three receive the same alerts', async () => {
    const groups = ['HaOne', 'HaTwo', 'HaThree', 'HaFour', 'HaFive'];
    const alerts = groups.flatMap((g) => [
      { labels: { alertname: g, instance: 'i1' } },
      { labels: { alertname: g, instance: 'i2' } },
    ]);
    await Promise.all(replicas.map((r) => postAlerts(r.url, alerts)));
    const keys = groups.map((g) => `{}:{alertname="${g}"}`);
    await waitFor(() => keys.every((k) => sink.countByGroup().has(k)), { timeoutMs: 15_000 });
    // Past the last replica's wait (2 × peer timeout) nothing more may arrive.
    await sleep(2 * PEER_TIMEOUT_MS + 1_500);
    const counts = sink.countByGroup();
    for (const k of keys) expect(counts.get(k), k).toBe(1);
    for (const b of sink.bodies.filter((x) => keys.includes(x.groupKey))) expect(b.alerts).toHaveLength(2);
  });

  it('shows a silence created on one replica on the others, and its expiry too', async () => {
    const res = await fetch(`${byName('am-b').url}/api/v2/silences`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        matchers: [{ name: 'alertname', value: 'Quiet', isRegex: false, isEqual: true }],
        startsAt: new Date().toISOString(),
        endsAt: new Date(Date.now() + 3_600_000).toISOString(),
        createdBy: 'ha-test',
        comment: 'replicated',
      }),
    });
    expect(res.status).toBe(200);
    const { silenceID } = (await res.json()) as { silenceID: string };
    type S = { id: string; status: { state: string }; comment: string };
    const stateOn = async (r: Replica) =>
      (await getJson<S[]>(`${r.url}/api/v2/silences`)).find((s) => s.id === silenceID)?.status.state;
    await waitFor(
      async () =>
        (await stateOn(byName('am-a'))) === 'active' && (await stateOn(byName('am-c'))) === 'active',
      {
        timeoutMs: 5_000,
      },
    );
    expect(
      (await fetch(`${byName('am-c').url}/api/v2/silence/${silenceID}`, { method: 'DELETE' })).status,
    ).toBe(200);
    await waitFor(
      async () =>
        (await stateOn(byName('am-a'))) === 'expired' && (await stateOn(byName('am-b'))) === 'expired',
      {
        timeoutMs: 5_000,
      },
    );
  });

  it('survivors take over when the first replica is killed with SIGKILL before its flush', async () => {
    const groups = ['KillOne', 'KillTwo', 'KillThree'];
    const alerts = groups.map((g) => ({ labels: { alertname: g, instance: 'i1' } }));
    await Promise.all(replicas.map((r) => postAlerts(r.url, alerts)));
    const a = byName('am-a');
    await a.process.stop('SIGKILL', 0);
    const keys = groups.map((g) => `{}:{alertname="${g}"}`);
    await waitFor(() => keys.every((k) => sink.countByGroup().has(k)), { timeoutMs: 15_000 });
    await sleep(2 * PEER_TIMEOUT_MS + 1_500);
    const counts = sink.countByGroup();
    for (const k of keys) expect(counts.get(k), k).toBe(1);
    await waitFor(async () => (await clusterOf(byName('am-c'))).peers.length === 2, { timeoutMs: 10_000 });
    expect((await clusterOf(byName('am-c'))).peers.map((p) => p.name)).toEqual(['am-b', 'am-c']);
  });

  it('keeps clustering off with an empty --cluster.listen-address, even with --nats.url', async () => {
    const solo = await startReplica('am-solo', 'route:\n  receiver: x\nreceivers:\n  - name: x\n', [
      `--nats.url=${nats.url}`,
      '--cluster.listen-address=',
      '--cluster.peer-name=am-0',
      '--cluster.label=hatest',
    ]);
    try {
      expect(await clusterOf(solo)).toEqual({ status: 'disabled', peers: [] });
      await sleep(1_500);
      expect((await clusterOf(byName('am-b'))).peers.map((p) => p.name)).not.toContain('am-0');
    } finally {
      await solo.stop();
    }
  });
});
