// A pair of Alertmanagers for differential tests: Debian's 0.25 (a real process) and ours
// (in process), given the same alertmanager.yml, each sending its webhooks to its own path
// of one local sink, so a test can play the same timeline on both and compare.
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { writeFile } from 'node:fs/promises';
import { createLogger } from '@argus/service-kit';
import { makeTempDir, startAlertmanager } from '@argus/testkit';
import type { RunningProgram, TempDir } from '@argus/testkit';
import { createAlertmanagerService } from '../src/alertmanager-service.ts';
import type { AlertmanagerService } from '../src/alertmanager-service.ts';

export type Json = Record<string, unknown>;
export type Side = 'upstream' | 'ours';
export const SIDES: readonly Side[] = ['upstream', 'ours'];

/** One received webhook body and when it arrived (ms since the pair started). */
export interface Notification {
  readonly at: number;
  readonly body: Json;
}

export interface Pair {
  readonly url: Record<Side, string>;
  readonly received: Record<Side, Notification[]>;
  /** Milliseconds since the pair started (the clock of `Notification.at`). */
  now(): number;
  /** POSTs `body` to `path` on both sides (at once) and returns both parsed answers. */
  post(path: string, body: unknown): Promise<Record<Side, unknown>>;
  get(path: string): Promise<Record<Side, unknown>>;
  del(path: Record<Side, string>): Promise<void>;
  stop(): Promise<void>;
}

/**
 * `config(hook)` is the alertmanager.yml text with `hook` as every webhook URL. With
 * `withUpstream` false only ours runs (for behaviour 0.25 does not have).
 */
export async function startPair(config: (hook: string) => string, withUpstream = true): Promise<Pair> {
  const t0 = Date.now();
  const received: Record<Side, Notification[]> = { upstream: [], ours: [] };
  const sink: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      const side: Side = req.url === '/upstream' ? 'upstream' : 'ours';
      received[side].push({ at: Date.now() - t0, body: JSON.parse(body) as Json });
      res.end();
    });
  });
  await new Promise<void>((r) => sink.listen(0, '127.0.0.1', r));
  const base = `http://127.0.0.1:${(sink.address() as AddressInfo).port}`;
  let dir: TempDir | undefined;
  let upstream: RunningProgram | undefined;
  let ours: AlertmanagerService | undefined;
  const stop = async () => {
    await Promise.all([upstream?.stop(), ours?.stop()]);
    await new Promise((r) => sink.close(r));
    await dir?.remove();
  };
  try {
    dir = await makeTempDir('am-diff-timeline');
    await writeFile(dir.join('am.yml'), config(`${base}/ours`));
    const oursP = createAlertmanagerService({
      configFile: dir.join('am.yml'),
      listenAddress: '127.0.0.1:0',
      logger: createLogger({ level: 'error', format: 'logfmt', sink: { write: () => undefined } }),
    });
    [upstream, ours] = await Promise.all([
      withUpstream ? startAlertmanager(config(`${base}/upstream`)) : undefined,
      oursP,
    ]);
    await ours.start();
  } catch (error) {
    await stop();
    throw error;
  }
  const url: Record<Side, string> = { upstream: upstream?.url ?? '', ours: ours.address.url };
  // Without upstream (config 0.25 refuses), only ours is asked; `upstream` answers undefined.
  const both = async (f: (side: Side) => Promise<unknown>) => {
    const [u, o] = await Promise.all(SIDES.map((s) => (url[s] === '' ? undefined : f(s))));
    return { upstream: u, ours: o };
  };
  return {
    url,
    received,
    now: () => Date.now() - t0,
    post: (path, body) =>
      both(async (side) => {
        const res = await fetch(url[side] + path, {
          method: 'POST',
          body: JSON.stringify(body),
          headers: { 'content-type': 'application/json' },
        });
        const text = await res.text();
        if (res.status !== 200) throw new Error(`${side} POST ${path}: ${res.status} ${text}`);
        return text === '' ? undefined : (JSON.parse(text) as unknown);
      }),
    get: (path) => both(async (side) => (await fetch(url[side] + path)).json() as Promise<unknown>),
    del: async (paths) => {
      await both(async (side) => {
        const res = await fetch(url[side] + paths[side], { method: 'DELETE' });
        if (res.status !== 200) throw new Error(`${side} DELETE ${paths[side]}: ${res.status}`);
      });
    },
    stop,
  };
}

/** Alerts starting now and ending in an hour (fresh, so both sides wait group_wait). */
export function alerts(labels: Record<string, string>[], endsAt = new Date(Date.now() + 3_600_000)): Json[] {
  const startsAt = new Date().toISOString();
  return labels.map((l) => ({ labels: l, startsAt, endsAt: endsAt.toISOString() }));
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A webhook body without the fields 0.25 lacks or that name the sending process. */
export function normBody(body: Json): Json {
  const { notification_reason: _n, routeLabels: _r, externalURL: _e, ...rest } = body;
  const list = (rest['alerts'] as Json[]).map((a) => {
    const { generatorURL: _g, ...alert } = a;
    return alert;
  });
  list.sort((a, b) => String(a['fingerprint']).localeCompare(String(b['fingerprint'])));
  return { ...rest, alerts: list };
}

/** Notification bodies normalised and sorted by receiver and group key (arrival order lost). */
export function normBodies(list: readonly Notification[]): Json[] {
  return list
    .map((n) => normBody(n.body))
    .sort((a, b) =>
      `${String(a['receiver'])}|${String(a['groupKey'])}|${String(a['status'])}`.localeCompare(
        `${String(b['receiver'])}|${String(b['groupKey'])}|${String(b['status'])}`,
      ),
    );
}

/** `/api/v2/alerts` without update times, `mutedBy` (0.34) and silence ids (random per side). */
export function normAlerts(list: unknown): Json[] {
  return (list as Json[])
    .map(({ updatedAt: _u, status, ...rest }): Json => {
      const { mutedBy: _m, silencedBy, ...st } = status as Json;
      return { ...rest, status: { ...st, silencedBy: (silencedBy as string[]).map(() => '<silence>') } };
    })
    .sort((a, b) => String(a['fingerprint']).localeCompare(String(b['fingerprint'])));
}

/** `/api/v2/alerts/groups` reduced to labels, receiver and alert fingerprints. */
export function normGroups(groups: unknown): Json[] {
  return (groups as Json[])
    .map((g) => ({
      labels: g['labels'],
      receiver: (g['receiver'] as Json)['name'],
      alerts: (g['alerts'] as Json[]).map((a) => String(a['fingerprint'])).sort(),
    }))
    .sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
}
