// Samples shipped scraper → NATS JetStream → tsdb, with real processes: the built scraper and
// tsdb, Debian's nats-server. tsdb is killed (-9) and restarted while the scraper keeps
// publishing, then nats-server is restarted: the stored `up` series must have no gap.
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { writeFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectBus, publishToStream } from '@argus/bus';
import { freePort, makeTempDir, requireProgram, startProcess, startService, waitFor } from '@argus/testkit';
import type { TempDir, TestProcess } from '@argus/testkit';
import { largestStep, scraperMetric, sleep, upTimestamps } from './shipping-helpers.ts';

const SCRAPE_MS = 1_000;
/** Largest step between consecutive stored scrapes that still counts as "no gap". */
const MAX_STEP_MS = 1_600;

let dir: TempDir;
let target: Server;
let nats: TestProcess;
let tsdb: TestProcess;
let scraper: TestProcess;
let natsPort: number;
let tsdbPort: number;
let tsdbUrl: string;
let scraperUrl: string;

const startNats = () =>
  startProcess({
    name: 'nats-server',
    command: requireProgram('nats-server'),
    args: ['-a', '127.0.0.1', '-p', String(natsPort), '-js', '-sd', dir.join('jetstream')],
    readyLine: /Server is ready/,
  });

const startTsdb = () =>
  startService(
    'tsdb',
    [
      `--web.listen-address=127.0.0.1:${tsdbPort}`,
      `--storage.tsdb.path=${dir.join('tsdb')}`,
      `--nats.url=nats://127.0.0.1:${natsPort}`,
    ],
    tsdbUrl,
  );

beforeAll(async () => {
  dir = await makeTempDir('nats-shipping');
  let hits = 0;
  target = createServer((_req, res) => {
    hits++;
    res.setHeader('content-type', 'text/plain; version=0.0.4');
    res.end(`# TYPE synthetic_hits_total counter\nsynthetic_hits_total ${hits}\n`);
  });
  await new Promise<void>((r) => target.listen(0, '127.0.0.1', r));
  const targetAddress = `127.0.0.1:${(target.address() as AddressInfo).port}`;
  natsPort = await freePort();
  nats = await startNats();
  tsdbPort = await freePort();
  tsdbUrl = `http://127.0.0.1:${tsdbPort}`;
  tsdb = await startTsdb();
  const configFile = dir.join('prometheus.yml');
  await writeFile(
    configFile,
    `global:\n  scrape_interval: 1s\n  external_labels: { replica: a }\nscrape_configs:\n  - job_name: synthetic\n    static_configs:\n      - targets: ['${targetAddress}']\n`,
  );
  const scraperPort = await freePort();
  scraperUrl = `http://127.0.0.1:${scraperPort}`;
  scraper = await startService(
    'scraper',
    [
      `--config.file=${configFile}`,
      `--web.listen-address=127.0.0.1:${scraperPort}`,
      `--storage.path=${dir.join('scraper')}`,
      `--nats.url=nats://127.0.0.1:${natsPort}`,
      '--shard=0',
    ],
    scraperUrl,
  );
}, 60_000);

afterAll(async () => {
  await Promise.all([scraper?.stop(), tsdb?.stop()]);
  await nats?.stop();
  await new Promise((r) => target?.close(r));
  await dir?.remove();
});

describe('sample shipping over NATS JetStream', () => {
  let firstMs = 0;

  it('delivers scraped samples to tsdb, with the external labels', async () => {
    await waitFor(async () => (await upTimestamps(tsdbUrl, 60)).length >= 3, {
      timeoutMs: 15_000,
      description: 'three scrapes of up in tsdb',
    });
    firstMs = (await upTimestamps(tsdbUrl, 60))[0]!;
    const res = await fetch(
      `${tsdbUrl}/api/v1/query?query=${encodeURIComponent('synthetic_hits_total{job="synthetic"}')}`,
    );
    const body = (await res.json()) as { data: { result: { metric: Record<string, string> }[] } };
    expect(body.data.result).toHaveLength(1);
    expect(body.data.result[0]!.metric).toMatchObject({ replica: 'a', job: 'synthetic' });
  });

  it('loses nothing while tsdb is killed and restarted', async () => {
    await tsdb.stop('SIGKILL');
    const killedAt = Date.now();
    await sleep(3 * SCRAPE_MS);
    tsdb = await startTsdb();
    // Scrapes published while tsdb was down arrive after the restart; the series is whole.
    await waitFor(async () => (await upTimestamps(tsdbUrl, 60)).some((t) => t > Date.now() - 2 * SCRAPE_MS), {
      timeoutMs: 15_000,
      description: 'fresh scrapes after the tsdb restart',
    });
    const ts = await upTimestamps(tsdbUrl, 60);
    expect(ts.filter((t) => t > killedAt && t < killedAt + 3 * SCRAPE_MS).length).toBeGreaterThanOrEqual(2);
    expect(largestStep(ts, firstMs)).toBeLessThanOrEqual(MAX_STEP_MS);
  }, 30_000);

  it('reconnects and resumes after nats-server restarts', async () => {
    await nats.stop();
    const downAt = Date.now();
    await sleep(3 * SCRAPE_MS);
    nats = await startNats();
    await waitFor(async () => (await upTimestamps(tsdbUrl, 60)).some((t) => t > Date.now() - 2 * SCRAPE_MS), {
      timeoutMs: 20_000,
      description: 'fresh scrapes after the NATS restart',
    });
    const ts = await upTimestamps(tsdbUrl, 60);
    // Scrapes made while NATS was down waited in the scraper's queue, then were published.
    expect(ts.filter((t) => t > downAt && t < downAt + 3 * SCRAPE_MS).length).toBeGreaterThanOrEqual(2);
    expect(largestStep(ts, firstMs)).toBeLessThanOrEqual(MAX_STEP_MS);
    expect(await scraperMetric(scraperUrl, 'argus_nats_samples_retried_total')).toBeGreaterThan(0);
    expect(await scraperMetric(scraperUrl, 'argus_nats_connected')).toBe(1);
  }, 40_000);

  it('terminates a message that does not decode, logging subject and sequence', async () => {
    const bus = await connectBus({ servers: `nats://127.0.0.1:${natsPort}` });
    try {
      const ack = await publishToStream(bus, 'argus.samples.7', 'not a write request');
      await waitFor(() => new RegExp(`seq=${ack.seq}\\b`).test(tsdb.output()), {
        timeoutMs: 10_000,
        description: 'the bad message logged',
      });
      const line = tsdb
        .output()
        .split('\n')
        .find((l) => l.includes(`seq=${ack.seq}`));
      expect(line).toMatch(/message does not decode; terminated/);
      expect(line).toMatch(/subject=argus\.samples\.7/);
      await waitFor(
        async () => (await bus.jsm.consumers.info('ARGUS_SAMPLES', 'tsdb')).ack_floor.stream_seq >= ack.seq,
        { timeoutMs: 10_000, description: 'the ack floor past the bad message' },
      );
    } finally {
      await bus.close();
    }
    // Shipping goes on after it.
    const before = (await upTimestamps(tsdbUrl, 60)).at(-1)!;
    await waitFor(async () => (await upTimestamps(tsdbUrl, 60)).at(-1)! > before, {
      timeoutMs: 10_000,
      description: 'a scrape after the bad message',
    });
  }, 30_000);
});
