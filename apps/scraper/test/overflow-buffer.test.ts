// The on-disk overflow buffer (--storage.path) keeps every scrape of a tsdb outage that
// lasts far longer than the queue's memory (capacity 20 samples, a scrape is ~25), across a
// scraper restart in the middle of it: once tsdb is back on the same data dir and port,
// every sample the scraper took during the outage is stored. Real processes: built scraper
// and tsdb.
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { writeFile } from 'node:fs/promises';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { freePort, makeTempDir, startService, waitFor } from '@argus/testkit';
import type { TempDir, TestProcess } from '@argus/testkit';
import { scraperMetric, sleep } from './shipping-helpers.ts';

const SCRAPE_MS = 250;
const SERIES = 20;

let dir: TempDir;
let target: Server;
let tsdb: TestProcess;
let scraper: TestProcess;
let tsdbPort: number;
let tsdbUrl: string;
let scraperPort: number;
let scraperUrl: string;
/** When each value of `synthetic_hits_total` was served. */
const served: { hit: number; atMs: number }[] = [];

const startTsdb = () =>
  startService(
    'tsdb',
    [`--web.listen-address=127.0.0.1:${tsdbPort}`, `--storage.tsdb.path=${dir.join('tsdb')}`],
    tsdbUrl,
  );
const startScraper = () =>
  startService(
    'scraper',
    [
      `--config.file=${dir.join('prometheus.yml')}`,
      `--web.listen-address=127.0.0.1:${scraperPort}`,
      `--storage.path=${dir.join('scraper')}`,
    ],
    scraperUrl,
  );

/**
 * The values of `synthetic_hits_total` and the sample count of `synthetic_series{i="7"}` tsdb
 * stored over the 2 minutes before `atMs` (both queries at that one instant, so a scrape
 * arriving between them cannot make them disagree).
 */
async function stored(atMs = Date.now()): Promise<{ hits: Set<number>; series7: number }> {
  const query = async (expr: string) => {
    const params = new URLSearchParams({ query: expr, time: String(atMs / 1000) });
    const res = await fetch(`${tsdbUrl}/api/v1/query?${params}`);
    const body = (await res.json()) as { data: { result: { values: [number, string][] }[] } };
    return body.data.result[0]?.values ?? [];
  };
  const hits = new Set((await query('synthetic_hits_total[2m]')).map(([, v]) => Number(v)));
  return { hits, series7: (await query('synthetic_series{i="7"}[2m]')).length };
}

beforeAll(async () => {
  dir = await makeTempDir('overflow-buffer');
  let hits = 0;
  target = createServer((_req, res) => {
    hits++;
    served.push({ hit: hits, atMs: Date.now() });
    res.setHeader('content-type', 'text/plain; version=0.0.4');
    let body = `# TYPE synthetic_hits_total counter\nsynthetic_hits_total ${hits}\n`;
    for (let i = 0; i < SERIES; i++) body += `synthetic_series{i="${i}"} ${hits}\n`;
    res.end(body);
  });
  await new Promise<void>((r) => target.listen(0, '127.0.0.1', r));
  const targetAddress = `127.0.0.1:${(target.address() as AddressInfo).port}`;
  tsdbPort = await freePort();
  tsdbUrl = `http://127.0.0.1:${tsdbPort}`;
  scraperPort = await freePort();
  scraperUrl = `http://127.0.0.1:${scraperPort}`;
  await writeFile(
    dir.join('prometheus.yml'),
    `global:\n  scrape_interval: ${SCRAPE_MS}ms\nscrape_configs:\n  - job_name: synthetic\n    static_configs:\n      - targets: ['${targetAddress}']\n` +
      `remote_write:\n  - url: ${tsdbUrl}/api/v1/write\n    queue_config: { capacity: 20, max_samples_per_send: 10, min_shards: 1, max_shards: 1, batch_send_deadline: 50ms, min_backoff: 50ms, max_backoff: 300ms }\n`,
  );
  [tsdb, scraper] = await Promise.all([startTsdb(), startScraper()]);
}, 60_000);

afterAll(async () => {
  await Promise.all([scraper?.stop(), tsdb?.stop()]);
  await new Promise((r) => target?.close(r));
  await dir?.remove();
});

it('stores every scrape of a tsdb outage longer than the queue memory, across a scraper restart', async () => {
  await waitFor(async () => (await stored()).hits.size >= 3, {
    timeoutMs: 15_000,
    description: 'three scrapes in tsdb',
  });
  await tsdb.stop('SIGKILL');
  const outageFrom = Date.now();
  await sleep(2_500);
  expect(await scraperMetric(scraperUrl, 'argus_remote_storage_overflow_samples')).toBeGreaterThan(
    2 * (SERIES + 6),
  );
  // A scrape in flight when the scraper stops is dropped (as upstream's cancelled context).
  const restartFrom = Date.now() - 2 * SCRAPE_MS;
  // A generous grace: a SIGKILL after the default 5 s on a loaded machine would lose what the shards hold.
  await scraper.stop('SIGTERM', 20_000);
  scraper = await startScraper();
  const restartTo = Date.now();
  await sleep(2_500);
  const bufferedBeforeTsdb = await scraperMetric(scraperUrl, 'argus_remote_storage_overflow_samples');
  expect(bufferedBeforeTsdb).toBeGreaterThan(4 * (SERIES + 6));
  const outageTo = Date.now();
  tsdb = await startTsdb();
  await waitFor(
    async () => (await scraperMetric(scraperUrl, 'argus_remote_storage_overflow_batches')) === 0,
    {
      timeoutMs: 15_000,
      description: 'the overflow buffer drained',
    },
  );

  const wanted = served
    .filter((s) => s.atMs >= outageFrom && s.atMs < outageTo && (s.atMs < restartFrom || s.atMs > restartTo))
    .map((s) => s.hit);
  expect(wanted.length).toBeGreaterThan(10);
  // The batches leave the buffer before tsdb has appended them all: wait a moment for the last.
  await waitFor(
    async () => {
      const s = await stored(outageTo);
      return wanted.every((hit) => s.hits.has(hit)) && s.series7 === s.hits.size;
    },
    { timeoutMs: 10_000, description: 'every scrape of the outage in tsdb' },
  ).catch(() => undefined);
  // Up to the end of the outage, whose scrapes have all been sent by now.
  const { hits: got, series7 } = await stored(outageTo);
  expect(wanted.filter((hit) => !got.has(hit))).toEqual([]);
  // Every stored scrape has all its series, not just the counter.
  expect(series7).toBe(got.size);
}, 60_000);
