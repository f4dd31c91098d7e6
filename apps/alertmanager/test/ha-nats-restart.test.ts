import { afterAll, expect, it } from 'vitest';
import { freePort, makeTempDir, requireProgram, startProcess, waitFor } from '@argus/testkit';
import type { TempDir, TestProcess } from '@argus/testkit';
import { clusterOf, getJson, startReplica } from './ha-harness.ts';
import type { Replica } from './ha-harness.ts';

// Replication goes on after the NATS server restarts (same port and store): the replicas
// reconnect, a silence created afterwards reaches the other replica, and so does one
// created while NATS was down (its put failed; the re-read after reconnecting sends it).
const cleanups: (() => Promise<unknown>)[] = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c().catch(() => undefined);
});

it('keeps replicating silences after nats-server restarts', async () => {
  const dir: TempDir = await makeTempDir('nats-restart');
  cleanups.push(() => dir.remove());
  const port = await freePort();
  const start = (): Promise<TestProcess> =>
    startProcess({
      command: requireProgram('nats-server'),
      args: ['-a', '127.0.0.1', '-p', String(port), '-js', '-sd', dir.join('js')],
      readyLine: /Server is ready/,
    });
  let nats = await start();
  cleanups.push(() => nats.stop());
  const config = 'route:\n  receiver: x\nreceivers:\n  - name: x\n';
  const replicas: Replica[] = [];
  for (const name of ['r1', 'r2']) {
    const r = await startReplica(name, config, [
      `--nats.url=nats://127.0.0.1:${port}`,
      `--cluster.peer-name=${name}`,
      '--cluster.label=restart',
    ]);
    replicas.push(r);
    cleanups.push(() => r.stop());
  }
  await waitFor(async () => (await clusterOf(replicas[1]!)).peers.length === 2, { timeoutMs: 15_000 });

  const silence = async (r: Replica, name: string): Promise<string> => {
    const res = await fetch(`${r.url}/api/v2/silences`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        matchers: [{ name: 'alertname', value: name, isRegex: false, isEqual: true }],
        startsAt: new Date().toISOString(),
        endsAt: new Date(Date.now() + 3_600_000).toISOString(),
        createdBy: 'test',
        comment: name,
      }),
    });
    expect(res.status).toBe(200);
    return ((await res.json()) as { silenceID: string }).silenceID;
  };
  const seenOn = async (r: Replica, id: string) =>
    (await getJson<{ id: string }[]>(`${r.url}/api/v2/silences`)).some((s) => s.id === id);

  await nats.stop('SIGKILL', 0);
  const duringOutage = await silence(replicas[1]!, 'DuringOutage'); // acknowledged locally
  await new Promise((r) => setTimeout(r, 6_000)); // longer than a JetStream publish waits
  nats = await start();
  await new Promise((r) => setTimeout(r, 3_000)); // reconnect with backoff

  const afterRestart = await silence(replicas[0]!, 'AfterRestart');
  await waitFor(async () => await seenOn(replicas[1]!, afterRestart), { timeoutMs: 10_000 });
  await waitFor(async () => await seenOn(replicas[0]!, duringOutage), { timeoutMs: 10_000 });
  // Peers announce themselves on their own schedule after the reconnect: give r1 time to reappear.
  const peers = async () => (await clusterOf(replicas[1]!)).peers.map((p) => p.name);
  await waitFor(async () => (await peers()).length === 2, { timeoutMs: 10_000 }).catch(() => undefined);
  expect(await peers()).toEqual(['r1', 'r2']);
}, 90_000);
