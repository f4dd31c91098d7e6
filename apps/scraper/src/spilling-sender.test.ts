import { Labels } from '@argus/model';
import { compressBlock, decodeWriteRequest, decompressBlock } from '@argus/remote';
import { makeTempDir } from '@argus/testkit';
import type { TempDir } from '@argus/testkit';
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseScraperConfig } from './config/scraper-config.ts';
import { remoteMetrics } from './metrics/self-metrics.ts';
import { RemoteWriteQueue } from './remote-write-queue.ts';
import type { RemoteWriteStats, SendFunc } from './remote-write-queue.ts';
import { emptyRemoteWriteStats } from './remote-write-shard.ts';
import { SpillingSender } from './spilling-sender.ts';
import type { SpillTarget, SpillingSendFunc, SpillingSenderOptions } from './spilling-sender.ts';

let tmp: TempDir;
let senders: SpillingSender[];
beforeEach(async () => {
  tmp = await makeTempDir('spill');
  senders = [];
});
afterEach(async () => {
  for (const s of senders) await s.close();
  await tmp.remove();
});

function openSender(options: Partial<SpillingSenderOptions> = {}, dir = tmp.join('buf')): SpillingSender {
  const s = SpillingSender.open({ dir, ...options });
  senders.push(s);
  return s;
}

/** A remote end that answers `downStatus` (or throws, for 0) until `up()`, keeping what it accepted. */
function fakeRemote(downStatus = 503, retryAfter: string | null = null) {
  let down = false;
  const accepted: Buffer[] = [];
  const answers: number[] = [];
  const send: SendFunc = async (body) => {
    const wasDown = down;
    await sleep(1);
    if (wasDown) {
      answers.push(downStatus);
      if (downStatus === 0) throw new Error('connect ECONNREFUSED 127.0.0.1:1');
      return { status: downStatus, retryAfter };
    }
    accepted.push(Buffer.from(body));
    answers.push(204);
    return { status: 204, retryAfter: null };
  };
  return {
    send,
    accepted,
    answers,
    down: () => void (down = true),
    up: () => void (down = false),
  };
}

const queueConfig = { min_backoff: 5, max_backoff: 20, retry_on_http_429: true, max_samples_per_send: 100 };

/** A batch body: a snappy block of its name and a newline, so merged requests still read as names. */
const batch = (name: string) => compressBlock(Buffer.from(`${name}\n`));
/** The batch names in request bodies, in order. */
const names = (bodies: readonly Buffer[]) =>
  bodies.flatMap((b) => decompressBlock(b).toString().split('\n').filter(Boolean));
const target = (send: SendFunc, extra: Partial<SpillTarget> = {}): SpillTarget => ({
  send,
  queueConfig,
  timeoutMs: 1000,
  ...extra,
});

/** A shard as the queue runs one: batches one at a time, retrying until a 2xx. */
async function runShard(
  send: SpillingSendFunc,
  shard: number,
  batches: number,
  everyMs: number,
): Promise<number> {
  let buffered = 0;
  for (let j = 0; j < batches; j++) {
    for (;;) {
      const r = await send(batch(`s${shard}-b${j}`), 1000, { samples: 2, highestTimestampMs: j });
      if (r.buffered) buffered++;
      if (r.status >= 200 && r.status < 300) break;
      await sleep(5);
    }
    await sleep(everyMs);
  }
  return buffered;
}

/** Accepted batches per shard, in arrival order. */
function perShard(accepted: readonly Buffer[]): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const name of names(accepted)) {
    const [shard] = name.split('-');
    (out[shard!] ??= []).push(name);
  }
  return out;
}

const batchNames = (shard: number, n: number) => Array.from({ length: n }, (_, j) => `s${shard}-b${j}`);

describe('SpillingSender', () => {
  it.each([
    { name: '503', downStatus: 503 },
    { name: 'network errors', downStatus: 0 },
  ])(
    'buffers while the remote end fails ($name), then delivers every batch once, in order per shard',
    async ({ downStatus }) => {
      const remote = fakeRemote(downStatus);
      const spill = openSender();
      const stats: RemoteWriteStats = emptyRemoteWriteStats();
      const send = spill.attach(target(remote.send, { stats }));
      setTimeout(remote.down, 40);
      setTimeout(remote.up, 240);
      const buffered = await Promise.all([0, 1, 2].map((s) => runShard(send, s, 40, 8)));
      await spill.whenEmpty();
      expect(Math.min(...buffered)).toBeGreaterThan(0);
      expect(remote.answers).toContain(downStatus);
      expect(perShard(remote.accepted)).toEqual({
        s0: batchNames(0, 40),
        s1: batchNames(1, 40),
        s2: batchNames(2, 40),
      });
      expect(spill.stats.sentBatches).toBe(spill.stats.bufferedBatches);
      expect(spill.stats.sentSamples).toBe(2 * spill.stats.bufferedBatches);
      // The buffer's successful sends count into the queue's stats; the shard counts its direct ones.
      expect(stats.samplesTotal).toBe(spill.stats.sentSamples);
      expect(stats.samplesRetriedTotal).toBeGreaterThan(0);
      expect(spill.pending).toEqual({ batches: 0, samples: 0, bytes: 0 });
      expect(readdirSync(tmp.join('buf')).filter((f) => f.endsWith('.seg'))).toEqual([]);
    },
  );

  it('goes straight to the remote end while nothing is buffered, and hands non-retryable answers back', async () => {
    const remote = fakeRemote(400);
    const spill = openSender();
    const send = spill.attach(target(remote.send));
    expect(await send(batch('a'), 1000)).toEqual({ status: 204, retryAfter: null });
    remote.down();
    expect(await send(batch('b'), 1000)).toMatchObject({ status: 400 });
    expect(spill.stats.bufferedBatches).toBe(0);
    expect(readdirSync(tmp.join('buf')).filter((f) => f.endsWith('.seg'))).toEqual([]);
  });

  it('hands a 429 back when retry_on_http_429 is off, and buffers it honouring Retry-After when on', async () => {
    const remote = fakeRemote(429, '7');
    const waits: number[] = [];
    const spill = openSender({
      sleep: async (ms) => {
        waits.push(ms);
        remote.up();
      },
    });
    remote.down();
    const off = spill.attach(
      target(remote.send, { queueConfig: { ...queueConfig, retry_on_http_429: false } }),
    );
    expect(await off(batch('a'), 1000)).toMatchObject({ status: 429, retryAfter: '7' });
    const on = spill.attach(target(remote.send));
    expect(await on(batch('b'), 1000)).toEqual({ status: 200, retryAfter: null, buffered: true });
    await spill.whenEmpty();
    expect(waits).toEqual([7000]);
    expect(names(remote.accepted)).toEqual(['b']);
  });

  it('backs off doubling from min_backoff to max_backoff while the buffer cannot be sent', async () => {
    const remote = fakeRemote(500);
    const waits: number[] = [];
    const spill = openSender({
      sleep: async (ms) => {
        waits.push(ms);
        if (waits.length === 5) remote.up();
      },
    });
    remote.down();
    const send = spill.attach(target(remote.send));
    await send(batch('a'), 1000);
    await spill.whenEmpty();
    expect(waits).toEqual([5, 10, 20, 20, 20]);
    expect(names(remote.accepted)).toEqual(['a']);
  });

  it('drops a buffered batch the remote end refuses (4xx) and goes on with the next', async () => {
    let failures = 3;
    const accepted: string[] = [];
    const send: SendFunc = async (body) => {
      if (failures > 0) {
        failures--;
        return { status: 503, retryAfter: null };
      }
      if (names([body]).includes('bad')) return { status: 400, retryAfter: null };
      accepted.push(...names([body]));
      return { status: 200, retryAfter: null };
    };
    const logs: string[] = [];
    const spill = openSender({ log: (m) => logs.push(m), sleep: () => sleep(1) });
    const s = spill.attach(target(send));
    for (const body of ['first', 'bad', 'good'])
      expect(await s(batch(body), 1000, { samples: body.length, highestTimestampMs: 1 })).toMatchObject({
        buffered: true,
      });
    await spill.whenEmpty();
    expect(accepted).toEqual(['first', 'good']);
    expect(spill.stats).toMatchObject({ failedBatches: 1, failedSamples: 3, sentBatches: 2, sentSamples: 9 });
    // The three went out merged first; refused, they were sent one by one.
    expect(logs).toContain(
      'merged request refused (server returned HTTP status 400): sending its 3 batches one by one',
    );
    expect(logs).toContain(
      'non-recoverable error sending 3 buffered samples: server returned HTTP status 400',
    );
  });

  it('drops the oldest buffered batches past maxBytes, logging how many', async () => {
    const remote = fakeRemote(503);
    const logs: { message: string; fields?: Record<string, unknown> }[] = [];
    // Each record: 12-byte frame header + 12-byte envelope + the body; room for 4.
    const framed = 24 + batch('batch-0').length;
    const spill = openSender({
      maxBytes: 4 * framed,
      log: (message, fields) => logs.push({ message, fields }),
    });
    remote.down();
    const send = spill.attach(target(remote.send));
    for (let i = 0; i < 6; i++) await send(batch(`batch-${i}`), 1000, { samples: 10, highestTimestampMs: i });
    expect(spill.pending).toEqual({ batches: 4, samples: 40, bytes: 4 * framed });
    expect(spill.stats).toMatchObject({
      bufferedBatches: 6,
      droppedForRoomBatches: 2,
      droppedForRoomSamples: 20,
    });
    expect(
      logs.filter((l) => l.message.includes('dropped its oldest batches')).map((l) => l.fields?.batches),
    ).toEqual([1, 1]);
    remote.up();
    await spill.whenEmpty();
    expect(names(remote.accepted)).toEqual(['batch-2', 'batch-3', 'batch-4', 'batch-5']);
  });

  it('merges buffered batches into fewer requests, bounded by ten times max_samples_per_send', async () => {
    const remote = fakeRemote(503);
    remote.down();
    const spill = openSender();
    const send = spill.attach(target(remote.send));
    // 60 batches of 30 samples: at most 1000 samples (ten times 100) a request, so 33 batches.
    for (let j = 0; j < 60; j++) await send(batch(`s0-b${j}`), 1000, { samples: 30, highestTimestampMs: j });
    remote.up();
    await spill.whenEmpty();
    expect(names(remote.accepted)).toEqual(batchNames(0, 60));
    expect(remote.accepted.length).toBeLessThanOrEqual(4);
    for (const body of remote.accepted) expect(names([body]).length).toBeLessThanOrEqual(33);
    expect(spill.stats).toMatchObject({ sentBatches: 60, sentSamples: 1800 });
  });

  it("counts its sends into the queue's prometheus_remote_storage_* series, the highest sent timestamp once sent", async () => {
    const labels = { remote_name: 'spill-metrics', url: 'http://spill-metrics' };
    const value = async (metric: { get(): Promise<{ values: { labels: object; value: number }[] }> }) =>
      (await metric.get()).values.find((v) => JSON.stringify(v.labels) === JSON.stringify(labels))?.value ??
      0;
    const remote = fakeRemote(503);
    const spill = openSender({ sleep: () => sleep(1) });
    const send = spill.attach(target(remote.send, { metricLabels: labels }));
    remote.down();
    await send(batch('s0-b0'), 1000, { samples: 7, highestTimestampMs: 5_000 });
    await send(batch('s0-b1'), 1000, { samples: 3, highestTimestampMs: 9_000 });
    expect(await value(remoteMetrics.samplesRetried)).toBeGreaterThanOrEqual(7);
    expect(await value(remoteMetrics.highestSentTimestamp)).toBe(0);
    remote.up();
    await spill.whenEmpty();
    expect(await value(remoteMetrics.highestSentTimestamp)).toBe(9);
    expect(await value(remoteMetrics.samples)).toBe(
      (await value(remoteMetrics.samplesRetried)) + 10, // every attempt, as upstream
    );
    expect(await value(remoteMetrics.samplesFailed)).toBe(0);
  });

  it('lets the shard retry in memory when the disk refuses the batch', async () => {
    const remote = fakeRemote(503);
    const logs: string[] = [];
    const spill = openSender({ maxBytes: 40, log: (m) => logs.push(m) });
    remote.down();
    const send = spill.attach(target(remote.send));
    expect(await send(Buffer.alloc(100), 1000)).toMatchObject({ status: 503 });
    expect(spill.pending.batches).toBe(0);
    expect(logs).toEqual([
      expect.stringContaining(`cannot buffer batch on disk: disk queue ${tmp.join('buf')}`),
    ]);
  });

  it('stops sending through a detached queue and goes on through the next one attached', async () => {
    const old = fakeRemote(503);
    const next = fakeRemote(503);
    old.down();
    const spill = openSender();
    const oldTarget = target(old.send);
    const send = spill.attach(oldTarget);
    await send(batch('s0-b0'), 1000);
    await send(batch('s0-b1'), 1000);
    await spill.detach(oldTarget);
    const triesBefore = old.answers.length;
    await sleep(60);
    expect(old.answers.length).toBe(triesBefore);
    expect(spill.pending.batches).toBe(2);
    // The closing queue's last batch still goes behind the others.
    await send(batch('s0-b2'), 1000);
    spill.attach(target(next.send));
    await spill.whenEmpty();
    expect(names(next.accepted)).toEqual(batchNames(0, 3));
    expect(old.accepted).toEqual([]);
  });

  it('sends what a previous run buffered before anything new, after a clean stop', async () => {
    const remote = fakeRemote(503);
    remote.down();
    const first = openSender();
    const send1 = first.attach(target(remote.send));
    for (let j = 0; j < 5; j++) await send1(batch(`s0-b${j}`), 1000, { samples: 1, highestTimestampMs: j });
    expect(first.pending.batches).toBe(5);
    await first.close();

    remote.up();
    const logs: string[] = [];
    const second = openSender({ log: (m) => logs.push(m) });
    expect(second.pending.batches).toBe(5);
    expect(logs).toEqual([
      'remote write overflow buffer holds batches of a previous run: sending them first',
    ]);
    const send2 = second.attach(target(remote.send));
    for (let j = 5; j < 8; j++) await send2(batch(`s0-b${j}`), 1000, { samples: 1, highestTimestampMs: j });
    await second.whenEmpty();
    expect(names(remote.accepted)).toEqual(batchNames(0, 8));
  });

  it('replays what was buffered when the process died mid-outage (files as a kill leaves them)', async () => {
    const remote = fakeRemote(503);
    remote.down();
    const dying = openSender();
    const send = dying.attach(target(remote.send));
    for (let j = 0; j < 4; j++) await send(batch(`s0-b${j}`), 1000);
    // What the next process finds: the directory as it is, never closed.
    const copy = tmp.join('after-kill');
    mkdirSync(copy);
    for (const f of readdirSync(tmp.join('buf')))
      writeFileSync(join(copy, f), readFileSync(join(tmp.join('buf'), f)));
    await dying.close(); // dead: it sends nothing more
    remote.up();
    const next = openSender({}, copy);
    next.attach(target(remote.send));
    await next.whenEmpty();
    expect(names(remote.accepted)).toEqual(batchNames(0, 4));
  });
});

describe('SpillingSender behind a RemoteWriteQueue', () => {
  const config = parseScraperConfig(
    `remote_write:\n  - url: http://x/api/v1/write\n    queue_config: {max_samples_per_send: 5, capacity: 10, batch_send_deadline: 5ms, min_backoff: 5ms, max_backoff: 20ms, min_shards: 2, max_shards: 2}\n`,
    'p.yml',
    '.',
  ).remoteWrite[0]!;

  /** Commits `scrapes` scrapes of 4 series, one every `everyMs`, starting at timestamp `from`. */
  async function scrape(q: RemoteWriteQueue, from: number, scrapes: number, everyMs: number): Promise<void> {
    for (let t = from; t < from + scrapes; t++) {
      const app = q.appender();
      for (let s = 0; s < 4; s++) app.append(0, Labels.of('__name__', 'm', 'series', `${s}`), t, t);
      await app.commit();
      await sleep(everyMs);
    }
  }

  /** Timestamps per series over every accepted request, in arrival order. */
  function arrived(accepted: readonly Buffer[]): Record<string, number[]> {
    const out: Record<string, number[]> = {};
    for (const body of accepted)
      for (const ts of decodeWriteRequest(body).timeseries) {
        const series = ts.labels.find((l) => l.name === 'series')!.value;
        (out[series] ??= []).push(...ts.samples.map((x) => x.timestamp));
      }
    return out;
  }

  const range = (from: number, n: number) => Array.from({ length: n }, (_, i) => from + i);

  it('delivers every sample exactly once and in order through an outage, and across a restart mid-outage', async () => {
    const remote = fakeRemote(503);
    const spill1 = openSender();
    // The queue's send: the spilling sender over the transport (the queue cannot pass BatchInfo yet).
    const queue1 = new RemoteWriteQueue({
      config,
      externalLabels: {},
      baseDir: '.',
      send: spill1.attach(target(remote.send)),
    });
    setTimeout(remote.down, 30);
    await scrape(queue1, 0, 30, 5); // the outage starts a third of the way in
    await queue1.close();
    expect(spill1.pending.batches).toBeGreaterThan(0);
    await spill1.close();

    setTimeout(remote.up, 50);
    const spill2 = openSender();
    const queue2 = new RemoteWriteQueue({
      config,
      externalLabels: {},
      baseDir: '.',
      send: spill2.attach(target(remote.send)),
    });
    await scrape(queue2, 30, 30, 5);
    await queue2.close();
    await spill2.whenEmpty();
    const want = range(0, 60);
    expect(arrived(remote.accepted)).toEqual({ '0': want, '1': want, '2': want, '3': want });
  });
});
