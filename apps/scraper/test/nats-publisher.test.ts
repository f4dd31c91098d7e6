// NatsSamplePublisher against a real nats-server: bounded memory and backpressure while the
// server is down, everything stored exactly once after it is back.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { connectBus } from '@argus/bus';
import { Labels } from '@argus/model';
import { SAMPLES_STREAM, decodeWriteRequest } from '@argus/remote';
import { freePort, makeTempDir, requireProgram, startProcess, waitFor } from '@argus/testkit';
import type { TempDir, TestProcess } from '@argus/testkit';
import { NatsSamplePublisher } from '../src/nats-sample-publisher.ts';

let dir: TempDir;
let port: number;
let nats: TestProcess | undefined;
const logs: string[] = [];

const startNats = () =>
  startProcess({
    name: 'nats-server',
    command: requireProgram('nats-server'),
    args: ['-a', '127.0.0.1', '-p', String(port), '-js', '-sd', dir.join('jetstream')],
    readyLine: /Server is ready/,
  });

beforeAll(async () => {
  dir = await makeTempDir('nats-publisher');
  port = await freePort();
  nats = await startNats();
});

afterAll(async () => {
  await nats?.stop();
  await dir?.remove();
});

/** Every sample stored in the stream's subject, as `series@t=v` (from stream sequence `from`). */
async function storedSamples(url: string, from = 1): Promise<string[]> {
  const bus = await connectBus({ servers: url });
  try {
    const info = await bus.jsm.streams.info(SAMPLES_STREAM);
    const out: string[] = [];
    for (let seq = Math.max(from, info.state.first_seq); seq <= info.state.last_seq; seq++) {
      const m = await bus.jsm.streams.getMessage(SAMPLES_STREAM, { seq });
      if (m === null) throw new Error(`stream message ${seq} is missing`);
      expect(m.subject).toBe('argus.samples.3');
      for (const ts of decodeWriteRequest(m.data).timeseries) {
        const name = ts.labels.map((l) => `${l.name}=${l.value}`).join(',');
        for (const s of ts.samples) out.push(`${name}@${s.timestamp}=${s.value}`);
      }
    }
    return out;
  } finally {
    await bus.close();
  }
}

it('holds at most capacity plus one batch while NATS is down, makes commits wait, and stores every sample once after', async () => {
  const url = `nats://127.0.0.1:${port}`;
  const publisher = await NatsSamplePublisher.start({
    url,
    shard: 3,
    externalLabels: { replica: 'r1' },
    log: (message, fields) => logs.push(`${message} ${JSON.stringify(fields)}`),
    queueConfig: { capacity: 100, max_samples_per_send: 40, min_shards: 1, max_shards: 1, max_backoff: 200 },
  });
  try {
    const series = Array.from({ length: 10 }, (_, i) => Labels.fromRecord({ __name__: 'm', i: String(i) }));
    const commitScrape = async (t: number) => {
      const app = publisher.appender();
      for (const l of series) app.append(0, l, t, t / 1000);
      await app.commit();
    };
    await commitScrape(1_000);
    await waitFor(() => publisher.stats.samplesTotal === 10, { description: 'the first scrape stored' });

    await nats!.stop();
    nats = undefined;
    // 30 scrapes of 10 samples while the server is down: the shard holds 100 queued plus
    // the 40 of the batch being retried, so commits wait.
    let committed = 0;
    const scrapes = (async () => {
      for (let k = 2; k <= 31; k++) {
        await commitScrape(k * 1_000);
        committed++;
      }
    })();
    // A publish made before the client noticed the disconnect fails after its 10 s timeout.
    await waitFor(() => publisher.stats.samplesRetriedTotal > 0, {
      timeoutMs: 20_000,
      description: 'a failed publish retried',
    });
    await new Promise((r) => setTimeout(r, 1_000));
    expect(publisher.stats.samplesPending).toBeLessThanOrEqual(140);
    expect(committed).toBeLessThan(30);
    expect(publisher.bus.connected).toBe(false);

    nats = await startNats();
    await scrapes;
    await waitFor(() => publisher.stats.samplesTotal === 310, {
      timeoutMs: 15_000,
      description: 'all 310 samples stored',
    });
    const stored = await storedSamples(url);
    expect(stored).toHaveLength(310);
    expect(new Set(stored).size).toBe(310);
    expect(stored).toContain('__name__=m,i=7,replica=r1@31000=31');
  } finally {
    await publisher.close();
  }
}, 60_000);

it('switches external labels on reload for the commits that follow', async () => {
  nats ??= await startNats();
  const url = `nats://127.0.0.1:${port}`;
  const publisher = await NatsSamplePublisher.start({
    url,
    shard: 3,
    externalLabels: { replica: 'r1' },
    log: (message, fields) => logs.push(`${message} ${JSON.stringify(fields)}`),
  });
  try {
    const bus = await connectBus({ servers: url });
    const from = (await bus.jsm.streams.info(SAMPLES_STREAM)).state.last_seq + 1;
    await bus.close();
    const series = Labels.fromRecord({ __name__: 'reloaded', replica: 'own' });
    const other = Labels.fromRecord({ __name__: 'reloaded' });
    const commit = async (t: number) => {
      const app = publisher.appender();
      app.append(0, series, t, 1);
      app.append(0, other, t, 2);
      await app.commit();
    };
    await commit(100_000);
    await publisher.setExternalLabels({ replica: 'r2', dc: 'x' });
    await commit(101_000);
    await waitFor(() => publisher.stats.samplesTotal === 4, { description: 'four samples stored' });
    expect((await storedSamples(url, from)).sort()).toEqual([
      '__name__=reloaded,dc=x,replica=own@101000=1',
      '__name__=reloaded,dc=x,replica=r2@101000=2',
      '__name__=reloaded,replica=own@100000=1',
      '__name__=reloaded,replica=r1@100000=2',
    ]);
  } finally {
    await publisher.close();
  }
}, 20_000);
