// Remote write to tsdb survives a tsdb restart: the queue keeps a batch that failed
// (connection refused while tsdb is down) and retries it with backoff, so the scrapes made
// while tsdb was killed (-9) arrive once it is back. Real processes: built scraper and tsdb.
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { writeFile } from 'node:fs/promises';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { freePort, makeTempDir, startService, waitFor } from '@argus/testkit';
import type { TempDir, TestProcess } from '@argus/testkit';
import { largestStep, scraperMetric, sleep, upTimestamps } from './shipping-helpers.ts';

const SCRAPE_MS = 1_000;
/** Largest step between consecutive stored scrapes that still counts as "no gap". */
const MAX_STEP_MS = 1_600;

let dir: TempDir;
let target: Server;
let tsdb: TestProcess;
let scraper: TestProcess;
let tsdbPort: number;
let tsdbUrl: string;
let scraperUrl: string;

const startTsdb = () =>
  startService(
    'tsdb',
    [`--web.listen-address=127.0.0.1:${tsdbPort}`, `--storage.tsdb.path=${dir.join('tsdb')}`],
    tsdbUrl,
  );

beforeAll(async () => {
  dir = await makeTempDir('remote-write-restart');
  let hits = 0;
  target = createServer((_req, res) => {
    hits++;
    res.setHeader('content-type', 'text/plain; version=0.0.4');
    res.end(`# TYPE synthetic_hits_total counter\nsynthetic_hits_total ${hits}\n`);
  });
  await new Promise<void>((r) => target.listen(0, '127.0.0.1', r));
  const targetAddress = `127.0.0.1:${(target.address() as AddressInfo).port}`;
  tsdbPort = await freePort();
  tsdbUrl = `http://127.0.0.1:${tsdbPort}`;
  tsdb = await startTsdb();
  const configFile = dir.join('prometheus.yml');
  await writeFile(
    configFile,
    `global:\n  scrape_interval: 1s\nscrape_configs:\n  - job_name: synthetic\n    static_configs:\n      - targets: ['${targetAddress}']\nremote_write:\n  - url: ${tsdbUrl}/api/v1/write\n    queue_config: { batch_send_deadline: 200ms, max_backoff: 1s }\n`,
  );
  const scraperPort = await freePort();
  scraperUrl = `http://127.0.0.1:${scraperPort}`;
  scraper = await startService(
    'scraper',
    [
      `--config.file=${configFile}`,
      `--web.listen-address=127.0.0.1:${scraperPort}`,
      `--storage.path=${dir.join('scraper')}`,
    ],
    scraperUrl,
  );
}, 60_000);

afterAll(async () => {
  await Promise.all([scraper?.stop(), tsdb?.stop()]);
  await new Promise((r) => target?.close(r));
  await dir?.remove();
});

it('loses no scrape while tsdb is killed and restarted during remote write', async () => {
  await waitFor(async () => (await upTimestamps(tsdbUrl, 60)).length >= 3, {
    timeoutMs: 15_000,
    description: 'three scrapes of up in tsdb',
  });
  const firstMs = (await upTimestamps(tsdbUrl, 60))[0]!;
  await tsdb.stop('SIGKILL');
  const killedAt = Date.now();
  await sleep(3 * SCRAPE_MS);
  tsdb = await startTsdb();
  await waitFor(async () => (await upTimestamps(tsdbUrl, 60)).some((t) => t > Date.now() - 2 * SCRAPE_MS), {
    timeoutMs: 15_000,
    description: 'fresh scrapes after the tsdb restart',
  });
  const ts = await upTimestamps(tsdbUrl, 60);
  expect(ts.filter((t) => t > killedAt && t < killedAt + 3 * SCRAPE_MS).length).toBeGreaterThanOrEqual(2);
  expect(largestStep(ts, firstMs)).toBeLessThanOrEqual(MAX_STEP_MS);
  expect(await scraperMetric(scraperUrl, 'prometheus_remote_storage_samples_retried_total')).toBeGreaterThan(
    0,
  );
}, 40_000);
