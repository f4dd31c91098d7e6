import { Labels, STALE_NAN } from '@argus/model';
import { decodeWriteRequest, decompressBlock } from '@argus/remote';
import { describe, expect, it } from 'vitest';
import { parseScraperConfig } from './config/scraper-config.ts';
import { RemoteWriteQueue, retryAfterMs } from './remote-write-queue.ts';
import type { SendFunc } from './remote-write-queue.ts';

const config = (extra = '') =>
  parseScraperConfig(
    `remote_write:\n  - url: http://x/api/v1/write\n    queue_config: {max_samples_per_send: 2, capacity: 4, batch_send_deadline: 10ms}\n${extra}`,
    'p.yml',
    '.',
  ).remoteWrite[0]!;

function recorder(statuses: number[]): { send: SendFunc; bodies: Buffer[] } {
  const bodies: Buffer[] = [];
  return {
    bodies,
    send: async (body) => {
      bodies.push(body);
      return { status: statuses.shift() ?? 204, retryAfter: null };
    },
  };
}

describe('RemoteWriteQueue', () => {
  it('adds external labels where absent, applies write relabeling and batches', async () => {
    const { send, bodies } = recorder([]);
    const q = new RemoteWriteQueue({
      config: config(
        `    write_relabel_configs:\n      - {source_labels: [__name__], regex: dropme, action: drop}\n`,
      ),
      externalLabels: { cluster: 'c1', job: 'ignored' },
      baseDir: '.',
      send,
    });
    const app = q.appender();
    app.append(0, Labels.of('__name__', 'a', 'job', 'j'), 1, 1);
    app.append(0, Labels.of('__name__', 'dropme'), 1, 1);
    app.append(0, Labels.of('__name__', 'b'), 1, STALE_NAN);
    app.append(0, Labels.of('__name__', 'a', 'job', 'j'), 2, 2);
    await app.commit();
    await q.close();
    const series = bodies.flatMap((b) => decodeWriteRequest(b).timeseries);
    const timestamps = new Map<string, number[]>();
    for (const s of series) {
      const key = s.labels.map((l) => `${l.name}=${l.value}`).join(',');
      timestamps.set(key, [...(timestamps.get(key) ?? []), ...s.samples.map((x) => x.timestamp)]);
    }
    expect(Object.fromEntries(timestamps)).toEqual({
      '__name__=a,cluster=c1,job=j': [1, 2],
      '__name__=b,cluster=c1,job=ignored': [1],
    });
    expect(q.stats.samplesTotal).toBe(3);
    // StaleNaN keeps its bits through the queue (the decoder may canonicalise NaN, so look at the bytes).
    const stale = Buffer.from([0x09, 0x02, 0, 0, 0, 0, 0, 0xf0, 0x7f]);
    expect(bodies.some((b) => decompressBlock(b).includes(stale))).toBe(true);
  });

  it.each([
    { name: '5xx is retried', statuses: [500, 503], sent: 3, failed: 0 },
    { name: '429 is retried', statuses: [429], sent: 2, failed: 0 },
    { name: '400 is dropped', statuses: [400], sent: 1, failed: 1 },
  ])('$name', async ({ statuses, sent, failed }) => {
    const { send, bodies } = recorder(statuses);
    const waits: number[] = [];
    const q = new RemoteWriteQueue({
      config: config(),
      externalLabels: {},
      baseDir: '.',
      send,
      sleep: async (ms) => void waits.push(ms),
    });
    const app = q.appender();
    app.append(0, Labels.of('__name__', 'a'), 1, 1);
    await app.commit();
    await q.close();
    expect(bodies).toHaveLength(sent);
    expect(q.stats.samplesFailedTotal).toBe(failed);
    expect(waits).toEqual([30, 60].slice(0, sent - 1));
  });

  it('reshards up when the shards cannot keep up, keeping every series in order', async () => {
    const bodies: Buffer[] = [];
    // Each send takes 5 ms: one shard moves at most 2 samples per 5 ms.
    const send: SendFunc = async (body) => {
      bodies.push(body);
      await new Promise((r) => setTimeout(r, 5));
      return { status: 204, retryAfter: null };
    };
    const q = new RemoteWriteQueue({
      config: config(),
      externalLabels: {},
      baseDir: '.',
      send,
      reshardIntervalMs: 40,
    });
    expect(q.shardCount).toBe(1);
    const series = Array.from({ length: 20 }, (_, i) => Labels.of('__name__', `s${i}`));
    for (let t = 1; t <= 30; t++) {
      const app = q.appender();
      for (const labels of series) app.append(0, labels, t, t);
      await app.commit();
    }
    expect(q.shardCount).toBeGreaterThan(1);
    await q.close();
    const seen = new Map<string, number[]>();
    for (const b of bodies)
      for (const ts of decodeWriteRequest(b).timeseries) {
        const name = ts.labels[0]!.value;
        seen.set(name, [...(seen.get(name) ?? []), ...ts.samples.map((x) => Number(x.timestamp))]);
      }
    expect(seen.size).toBe(20);
    for (const ts of seen.values()) expect(ts).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
  });

  it('hands out refs that find a series again; a ref given with other labels is only a missed hint', async () => {
    const { send, bodies } = recorder([]);
    const q = new RemoteWriteQueue({ config: config(), externalLabels: {}, baseDir: '.', send });
    const a = Labels.of('__name__', 'a');
    const b = Labels.of('__name__', 'b');
    const app = q.appender();
    const refA = app.append(0, a, 1, 1);
    const refB = app.append(0, b, 1, 1);
    expect(refA).toBeGreaterThan(0);
    expect(refB).not.toBe(refA);
    expect(app.append(refA, a, 2, 2)).toBe(refA);
    // b presented with a's ref (another queue's ref, a reused scrape cache): still b.
    expect(app.append(refA, b, 2, 2)).toBe(refB);
    // The same label set as another object: its own slot, the same outgoing series.
    const a2 = Labels.of('__name__', 'a');
    expect(app.append(0, a2, 3, 3)).not.toBe(refA);
    await app.commit();
    await q.close();
    const names = bodies.flatMap((body) =>
      decodeWriteRequest(body).timeseries.map(
        (s) => `${s.labels[0]!.value}@${Number(s.samples[0]!.timestamp)}`,
      ),
    );
    expect(names.sort()).toEqual(['a@1', 'a@2', 'a@3', 'b@1', 'b@2']);
  });

  it('sends every sample once and in order when the ring buffer wraps', async () => {
    const { send, bodies } = recorder([]);
    // capacity 4, batches of 2: three commits of three samples wrap the ring several times.
    const q = new RemoteWriteQueue({ config: config(), externalLabels: {}, baseDir: '.', send });
    const s = Labels.of('__name__', 's');
    for (let round = 0; round < 3; round++) {
      const app = q.appender();
      for (let i = 1; i <= 3; i++) app.append(0, s, round * 3 + i, round * 3 + i);
      await app.commit();
    }
    await q.close();
    const samples = bodies.flatMap((body) =>
      decodeWriteRequest(body).timeseries.map((x) => [Number(x.samples[0]!.timestamp), x.samples[0]!.value]),
    );
    expect(samples).toEqual(Array.from({ length: 9 }, (_, i) => [i + 1, i + 1]));
    expect(q.stats.samplesPending).toBe(0);
  });

  it('reads Retry-After in seconds and as a date', () => {
    expect(retryAfterMs('3')).toBe(3000);
    expect(retryAfterMs('Thu, 01 Jan 1970 00:00:10 GMT', 4000)).toBe(6000);
    expect(retryAfterMs(null)).toBeUndefined();
  });
});
