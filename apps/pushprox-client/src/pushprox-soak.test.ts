import { writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { loadavg } from 'node:os';
import type { Server } from 'node:http';
import { createLogger } from '@argus/service-kit';
import { freePort, startService, waitFor } from '@argus/testkit';
import type { TestProcess } from '@argus/testkit';
import { Pool } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPushproxClient } from './pushprox-client.ts';
import type { PushproxClient } from './pushprox-client.ts';

// Many of our clients (in-process) against our built proxy, each target scraped once a
// second through the proxy, every answer checked against the scrape that asked for it.
// CI runs 10 s; the full run is
//   PUSHPROX_SOAK_SECONDS=60 PUSHPROX_SOAK_RESULT=../../bench/results/pushprox.soak.json \
//     pnpm exec vitest run src/pushprox-soak.test.ts
// (from apps/pushprox-client), whose result is committed.

const CLIENTS = Number(process.env.PUSHPROX_SOAK_CLIENTS ?? 200);
const SECONDS = Number(process.env.PUSHPROX_SOAK_SECONDS ?? 10);
const RESULT_FILE = process.env.PUSHPROX_SOAK_RESULT;
const logger = createLogger({ level: 'error', sink: { write: () => undefined } });

let proxy: TestProcess;
let proxyPort: number;
let targetPort: number;
let pool: Pool;
const targets: Server[] = [];
const clients: PushproxClient[] = [];

const startProxy = (): Promise<TestProcess> =>
  startService(
    'pushprox-proxy',
    [`--web.listen-address=127.0.0.1:${proxyPort}`, '--log.level=error'],
    `http://127.0.0.1:${proxyPort}`,
  );

beforeAll(async () => {
  proxyPort = await freePort();
  proxy = await startProxy();
  // Target i listens on 127.0.0.<i> and echoes the Host and URL it was asked for.
  targetPort = await freePort();
  for (let i = 1; i <= CLIENTS; i++) {
    const server = createServer((request, response) => {
      response.writeHead(200, { 'content-type': 'text/plain' });
      response.end(`echo{host="${request.headers.host}",url="${request.url}"} 1\n`);
    });
    await new Promise<void>((resolve) => server.listen(targetPort, `127.0.0.${i}`, resolve));
    targets.push(server);
  }
  for (let i = 1; i <= CLIENTS; i++) {
    const client = createPushproxClient({
      fqdn: `127.0.0.${i}`,
      proxyUrl: `http://127.0.0.1:${proxyPort}`,
      metricsAddress: '127.0.0.1:0',
      retryInitialWaitMs: 100,
      retryMaxWaitMs: 500,
      logger,
    });
    await client.start();
    clients.push(client);
  }
  // One connection pool to the proxy, as a scraper with proxy_url keeps one.
  pool = new Pool(`http://127.0.0.1:${proxyPort}`, { connections: CLIENTS + 16 });
  await waitFor(async () => (await listed()).length === CLIENTS, {
    timeoutMs: 30_000,
    description: 'all clients registered',
  });
}, 120_000);

afterAll(async () => {
  await pool?.destroy();
  await Promise.all(clients.map((c) => c.stop()));
  await proxy?.stop();
  await Promise.all(targets.map((s) => new Promise((r) => s.close(r))));
});

async function listed(): Promise<string[]> {
  const answer = await fetch(`http://127.0.0.1:${proxyPort}/clients`);
  return ((await answer.json()) as { targets: string[] }[]).map((g) => g.targets[0]!);
}

type Outcome = 'ok' | 'lost' | 'crossed';
interface Result {
  readonly outcome: Outcome;
  readonly ms: number;
  /** Why a scrape was not ok: the status and body, or the error. */
  readonly reason?: string;
}

// Generous on purpose: on a loaded CI machine a scrape may queue for seconds; what this test
// looks for is answers that never come or reach the wrong scrape, not slowness.
const SCRAPE_TIMEOUT_SECONDS = 30;

/** One proxied scrape of target `i` (1-based), sequence `k`: its outcome and latency. */
async function scrape(i: number, k: number): Promise<Result> {
  const host = `127.0.0.${i}:${targetPort}`;
  const path = `/metrics?i=${i}&k=${k}`;
  const started = performance.now();
  try {
    const answer = await pool.request({
      method: 'GET',
      path: `http://${host}${path}`,
      headers: { host, 'x-prometheus-scrape-timeout-seconds': String(SCRAPE_TIMEOUT_SECONDS) },
      headersTimeout: 2 * SCRAPE_TIMEOUT_SECONDS * 1000,
      bodyTimeout: 2 * SCRAPE_TIMEOUT_SECONDS * 1000,
    });
    const body = await answer.body.text();
    const ms = performance.now() - started;
    if (answer.statusCode !== 200)
      return { outcome: 'lost', ms, reason: `${answer.statusCode} ${body.trim()}` };
    if (body === `echo{host="${host}",url="${path}"} 1\n`) return { outcome: 'ok', ms };
    return { outcome: 'crossed', ms, reason: `asked ${host}${path}, got ${body.trim()}` };
  } catch (error) {
    return { outcome: 'lost', ms: performance.now() - started, reason: (error as Error).message };
  }
}

/** Every client's target scraped once a second (starts spread over the second) until `stop()`. */
function scrapeEverySecond(rounds: number): {
  done: Promise<Result[]>;
  stop(): void;
} {
  let stopped = false;
  const loops = Array.from({ length: CLIENTS }, async (_, index) => {
    const results: Result[] = [];
    const start = performance.now() + (index * 1000) / CLIENTS;
    for (let k = 0; k < rounds && !stopped; k++) {
      const wait = start + k * 1000 - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      results.push(await scrape(index + 1, k));
    }
    return results;
  });
  return {
    done: Promise.all(loops).then((all) => all.flat()),
    stop: () => {
      stopped = true;
    },
  };
}

describe(`pushprox soak: ${CLIENTS} clients × 1 scrape/s`, () => {
  it(
    `for ${SECONDS} s: no lost or crossed responses`,
    async () => {
      const cpuBefore = await proxyCpuSeconds();
      const results = await scrapeEverySecond(SECONDS).done;
      const cpuSeconds = (await proxyCpuSeconds()) - cpuBefore;
      const count = (o: Outcome) => results.filter((r) => r.outcome === o).length;
      const ms = results.map((r) => r.ms).sort((a, b) => a - b);
      const summary = {
        clients: CLIENTS,
        seconds: SECONDS,
        scrapes: results.length,
        ok: count('ok'),
        lost: count('lost'),
        crossed: count('crossed'),
        latency_ms: {
          p50: round(ms[Math.floor(ms.length * 0.5)]!),
          p99: round(ms[Math.floor(ms.length * 0.99)]!),
          max: round(ms[ms.length - 1]!),
        },
        proxy_cpu_seconds_per_1000_scrapes: round((cpuSeconds * 1000) / results.length),
        load_average_1m: round(loadavg()[0]!),
        not_ok: results.filter((r) => r.outcome !== 'ok').slice(0, 5),
      };
      if (RESULT_FILE) await writeFile(RESULT_FILE, `${JSON.stringify(summary, null, 2)}\n`);
      expect(summary).toMatchObject({
        scrapes: CLIENTS * SECONDS,
        ok: CLIENTS * SECONDS,
        lost: 0,
        crossed: 0,
      });
      const errors = await Promise.all(
        clients.map(async (c) => (await c.metrics.scrapeErrors.get()).values[0]!.value),
      );
      expect(errors.reduce((a, b) => a + b, 0)).toBe(0);
    },
    (SECONDS * 3 + 90) * 1000,
  );

  it('proxy restarted under that load: every client comes back by itself and scrapes succeed again', async () => {
    const load = scrapeEverySecond(1_000);
    await new Promise((r) => setTimeout(r, 1_500));
    await proxy.stop();
    proxy = await startProxy();
    await waitFor(async () => (await listed()).length === CLIENTS, {
      timeoutMs: 30_000,
      description: 'all clients re-registered',
    });
    await new Promise((r) => setTimeout(r, 1_500));
    load.stop();
    await load.done;
    const after = await Promise.all(Array.from({ length: CLIENTS }, (_, i) => scrape(i + 1, -1)));
    expect(after.filter((r) => r.outcome !== 'ok')).toEqual([]);
  }, 90_000);
});

const round = (x: number): number => Math.round(x * 100) / 100;

/** User + system CPU seconds of the proxy process, from /proc. */
async function proxyCpuSeconds(): Promise<number> {
  const { readFile } = await import('node:fs/promises');
  const stat = await readFile(`/proc/${proxy.pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}
