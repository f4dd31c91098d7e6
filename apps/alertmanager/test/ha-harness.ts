import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { writeFile } from 'node:fs/promises';
import { freePort, makeTempDir, startService } from '@argus/testkit';
import type { TempDir, TestProcess } from '@argus/testkit';

/** A webhook receiver that records every notification body. */
export interface WebhookSink {
  readonly url: string;
  readonly bodies: { groupKey: string; status: string; alerts: unknown[]; receivedAtMs: number }[];
  /** Notifications per group key. */
  countByGroup(): Map<string, number>;
  close(): Promise<void>;
}

export async function startWebhookSink(): Promise<WebhookSink> {
  const bodies: WebhookSink['bodies'] = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      const parsed = JSON.parse(body) as { groupKey: string; status: string; alerts: unknown[] };
      bodies.push({ ...parsed, receivedAtMs: Date.now() });
      res.end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    bodies,
    countByGroup() {
      const m = new Map<string, number>();
      for (const b of bodies) m.set(b.groupKey, (m.get(b.groupKey) ?? 0) + 1);
      return m;
    },
    close: () => new Promise((r) => server.close(() => r())),
  };
}

/** One built Alertmanager (`apps/alertmanager/dist/main.js`) with its own storage. */
export interface Replica {
  readonly name: string;
  readonly url: string;
  readonly process: TestProcess;
  readonly dir: TempDir;
  stop(): Promise<void>;
}

/** Starts a replica; with `dir`, in that directory (a restart over the same storage). */
export async function startReplica(
  name: string,
  config: string,
  args: readonly string[],
  existingDir?: TempDir,
): Promise<Replica> {
  const dir = existingDir ?? (await makeTempDir(`am-${name}`));
  const port = await freePort();
  await writeFile(dir.join('alertmanager.yml'), config);
  const url = `http://127.0.0.1:${port}`;
  const process = await startService(
    'alertmanager',
    [
      `--config.file=${dir.join('alertmanager.yml')}`,
      `--storage.path=${dir.join('data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--log.level=info',
      ...args,
    ],
    url,
  );
  return {
    name,
    url,
    process,
    dir,
    async stop() {
      await process.stop();
      await dir.remove();
    },
  };
}

export async function postAlerts(url: string, alerts: readonly Record<string, unknown>[]): Promise<void> {
  const res = await fetch(`${url}/api/v2/alerts`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(alerts),
  });
  if (res.status !== 200) throw new Error(`POST alerts to ${url}: ${res.status} ${await res.text()}`);
}

export async function getJson<T>(url: string): Promise<T> {
  const res = await fetch(url);
  if (res.status !== 200) throw new Error(`GET ${url}: ${res.status}`);
  return (await res.json()) as T;
}

export interface StatusCluster {
  name?: string;
  status: string;
  peers: { name: string; address: string }[];
}

export const clusterOf = async (r: Replica): Promise<StatusCluster> =>
  (await getJson<{ cluster: StatusCluster }>(`${r.url}/api/v2/status`)).cluster;

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
