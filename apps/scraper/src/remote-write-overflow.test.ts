import { Labels } from '@argus/model';
import { decodeWriteRequest } from '@argus/remote';
import { makeTempDir } from '@argus/testkit';
import { writeFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { expect, it } from 'vitest';
import { parseScraperConfig } from './config/scraper-config.ts';
import { RemoteWriteQueue } from './remote-write-queue.ts';
import { ScrapeManager } from './scrape-manager.ts';
import type { SendFunc } from './remote-write-queue.ts';
import { OverflowBuffers } from './spilling-senders.ts';

const config = parseScraperConfig(
  `remote_write:\n  - url: http://x/api/v1/write\n    queue_config: {max_samples_per_send: 5, capacity: 10, batch_send_deadline: 5ms, min_backoff: 5ms, max_backoff: 20ms, min_shards: 2, max_shards: 2}\n`,
  'p.yml',
  '.',
).remoteWrite[0]!;

it('wired: every sample once, in order, stats counted once, across a restart mid-outage', async () => {
  const tmp = await makeTempDir('wiring');
  let down = false;
  const accepted: Buffer[] = [];
  const send: SendFunc = async (body) => {
    const wasDown = down;
    await sleep(1);
    if (wasDown) return { status: 503, retryAfter: null };
    accepted.push(Buffer.from(body));
    return { status: 204, retryAfter: null };
  };
  const scrape = async (q: RemoteWriteQueue, from: number, n: number) => {
    for (let t = from; t < from + n; t++) {
      const app = q.appender();
      for (let s = 0; s < 4; s++) app.append(0, Labels.of('__name__', 'm', 'series', `${s}`), t, t);
      await app.commit();
      await sleep(5);
    }
  };
  let buffers = new OverflowBuffers(tmp.path);
  const q1 = new RemoteWriteQueue({
    config,
    externalLabels: {},
    baseDir: '.',
    send,
    overflow: buffers.for(config),
  });
  setTimeout(() => (down = true), 30);
  await scrape(q1, 0, 30);
  await q1.close();
  const pending = buffers.for(config).pending;
  expect(pending.batches).toBeGreaterThan(0);
  expect(pending.samples).toBeGreaterThan(0);
  await buffers.close();

  setTimeout(() => (down = false), 50);
  buffers = new OverflowBuffers(tmp.path);
  const q2 = new RemoteWriteQueue({
    config,
    externalLabels: {},
    baseDir: '.',
    send,
    overflow: buffers.for(config),
  });
  await scrape(q2, 30, 30);
  await q2.close();
  await buffers.for(config).whenEmpty();
  const out: Record<string, number[]> = {};
  for (const body of accepted)
    for (const ts of decodeWriteRequest(body).timeseries)
      (out[ts.labels.find((l) => l.name === 'series')!.value] ??= []).push(
        ...ts.samples.map((x) => x.timestamp),
      );
  const want = Array.from({ length: 60 }, (_, i) => i);
  expect(out).toEqual({ '0': want, '1': want, '2': want, '3': want });
  // Each sample counted once as sent over both queues (q1's buffered samples count in q2's stats when drained).
  expect(q1.stats.samplesTotal + q2.stats.samplesTotal).toBe(240);
  expect(q1.stats.samplesRetriedTotal + q2.stats.samplesRetriedTotal).toBeGreaterThan(0);
  await buffers.close();
  await tmp.remove();
});

it('a storage path that cannot hold the buffers fails the apply naming the directory, with no queue made', async () => {
  const tmp = await makeTempDir('wiring-bad');
  await writeFile(tmp.join('file'), 'not a directory');
  const manager = new ScrapeManager({
    log: () => undefined,
    overflow: new OverflowBuffers(tmp.join('file')),
  });
  const bad = parseScraperConfig(
    `remote_write:\n  - url: http://127.0.0.1:1/api/v1/write\n    name: one\n`,
    'p.yml',
    '.',
  );
  await expect(manager.apply(bad)).rejects.toThrow(tmp.join('file', 'remote-write', 'one'));
  expect(manager.queues).toEqual([]);
  await manager.stop();
  await tmp.remove();
});
