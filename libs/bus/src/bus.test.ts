import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, makeTempDir, requireProgram, startNatsServer, startProcess } from '@argus/testkit';
import type { RunningProgram } from '@argus/testkit';
import {
  BusConnectError,
  connectBus,
  consumeStream,
  ensureStream,
  kvKey,
  openKvBucket,
  publishToStream,
  UnprocessableMessageError,
} from './index.ts';
import type { Bus, KvRecord, StreamMessage } from './index.ts';

const text = (d: Uint8Array | undefined) => (d === undefined ? undefined : new TextDecoder().decode(d));

describe('bus against a real nats-server', () => {
  let nats: RunningProgram;
  let a: Bus;
  let b: Bus;

  beforeAll(async () => {
    nats = await startNatsServer();
    a = await connectBus({ servers: nats.url, name: 'a' });
    b = await connectBus({ servers: nats.url, name: 'b' });
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
    await nats?.stop();
  });

  it('hands existing values, then changes, to a watcher on another connection', async () => {
    const kvA = await openKvBucket(a, 'test-watch');
    await kvA.put('one', 'v1');
    await kvA.put('two', 'v2');
    await kvA.put('one', 'v1b');
    const kvB = await openKvBucket(b, 'test-watch');
    const seen: KvRecord[] = [];
    const watch = await kvB.watch((r) => seen.push(r));
    await watch.initialized;
    expect(seen.map((r) => [r.key, text(r.value)])).toEqual([
      ['two', 'v2'],
      ['one', 'v1b'],
    ]);
    await kvA.put('three', 'v3');
    await kvA.delete('two');
    await waitUntil(() => seen.length === 4);
    expect(seen.slice(2).map((r) => [r.key, r.operation, text(r.value)])).toEqual([
      ['three', 'PUT', 'v3'],
      ['two', 'DEL', undefined],
    ]);
    expect(text((await kvB.get('three'))?.value)).toBe('v3');
    watch.stop();
  });

  it('reports an empty bucket as initialized at once', async () => {
    const kv = await openKvBucket(a, 'test-empty');
    const watch = await kv.watch(() => undefined);
    await expect(watch.initialized).resolves.toBeUndefined();
    watch.stop();
  });

  it('maps any string to a stable valid key', () => {
    expect(kvKey('silence-1234')).toBe('silence-1234');
    const k = kvKey('{}:{alertname="x y"}:web/webhook/0');
    expect(k).toMatch(/^h\.[0-9a-f]{64}$/);
    expect(kvKey('{}:{alertname="x y"}:web/webhook/0')).toBe(k);
    expect(kvKey('h.abc')).not.toBe('h.abc');
  });

  it('redelivers a message whose handler failed and resumes a durable after the last ack', async () => {
    await ensureStream(a, { name: 'TEST_S', subjects: ['test.s.>'] });
    await ensureStream(a, { name: 'TEST_S', subjects: ['test.s.>'], maxAgeMs: 60_000 });
    for (let i = 1; i <= 3; i++) await publishToStream(a, `test.s.${i}`, `m${i}`, { msgId: `id-${i}` });
    expect((await publishToStream(a, 'test.s.1', 'm1', { msgId: 'id-1' })).duplicate).toBe(true);

    const got: string[] = [];
    let failedOnce = false;
    const first = await consumeStream(b, {
      stream: 'TEST_S',
      durable: 'reader',
      retryDelayMs: 50,
      handler: async (m: StreamMessage) => {
        if (text(m.data) === 'm2' && !failedOnce) {
          failedOnce = true;
          throw new Error('transient');
        }
        got.push(`${text(m.data)}#${m.deliveryCount}`);
      },
    });
    await waitUntil(() => got.length === 3);
    expect(got.sort()).toEqual(['m1#1', 'm2#2', 'm3#1']);
    await first.stop();

    await publishToStream(a, 'test.s.4', 'm4');
    const later: string[] = [];
    const second = await consumeStream(b, {
      stream: 'TEST_S',
      durable: 'reader',
      handler: async (m) => void later.push(text(m.data)!),
    });
    await waitUntil(() => later.length === 1);
    expect(later).toEqual(['m4']);
    await second.stop();
  });

  it('terminates a message whose handler throws UnprocessableMessageError', async () => {
    await ensureStream(a, { name: 'TEST_TERM', subjects: ['test.term.>'] });
    await publishToStream(a, 'test.term.1', 'bad');
    await publishToStream(a, 'test.term.1', 'good');
    const seen: string[] = [];
    const consumer = await consumeStream(b, {
      stream: 'TEST_TERM',
      durable: 'term-reader',
      retryDelayMs: 20,
      handler: async (m) => {
        seen.push(text(m.data)!);
        if (text(m.data) === 'bad') throw new UnprocessableMessageError('does not decode');
      },
    });
    await waitUntil(() => seen.includes('good'));
    await new Promise((r) => setTimeout(r, 300));
    await consumer.stop();
    expect(seen).toEqual(['bad', 'good']);
    await b.nc.flush();
    const info = await b.jsm.consumers.info('TEST_TERM', 'term-reader');
    expect(info.num_pending + info.num_ack_pending + info.num_redelivered).toBe(0);
    expect(info.ack_floor.stream_seq).toBe(2);
  });

  it('resumes at the ack floor: what a dead consumer took comes back first, in order', async () => {
    await ensureStream(a, { name: 'TEST_RESUME', subjects: ['test.resume.>'] });
    for (const m of ['m1', 'm2', 'm3']) await publishToStream(a, 'test.resume.1', m);
    const crashing = await connectBus({ servers: nats.url, name: 'crashing' });
    const took: string[] = [];
    await consumeStream(crashing, {
      stream: 'TEST_RESUME',
      durable: 'resumer',
      handler: async (m) => {
        took.push(text(m.data)!);
        if (text(m.data) === 'm2') await new Promise(() => undefined); // hangs, as a process killed mid-write
      },
    });
    await waitUntil(() => took.length === 2);
    await crashing.nc.close(); // no drain: m2 and m3 stay delivered, unacknowledged
    await publishToStream(a, 'test.resume.1', 'm4');
    const got: string[] = [];
    const started = Date.now();
    const resumed = await consumeStream(b, {
      stream: 'TEST_RESUME',
      durable: 'resumer',
      resumeFromAckFloor: true,
      handler: async (m) => void got.push(text(m.data)!),
    });
    await waitUntil(() => got.length === 3);
    await resumed.stop();
    expect(got).toEqual(['m2', 'm3', 'm4']);
    expect(Date.now() - started).toBeLessThan(10_000); // not after the 30 s ack wait
  });

  it('names the servers when the first connection fails', async () => {
    const error = await connectBus({ servers: 'nats://127.0.0.1:1', connectTimeoutMs: 300 }).catch((e) => e);
    expect(error).toBeInstanceOf(BusConnectError);
    expect((error as Error).message).toMatch(/servers: nats:\/\/127\.0\.0\.1:1\)$/);
  });

  it('reconnects with backoff after the server restarts on the same port', async () => {
    const dir = await makeTempDir('bus-reconnect');
    const port = await freePort();
    const args = ['-a', '127.0.0.1', '-p', String(port), '-js', '-sd', dir.join('js')];
    const start = () =>
      startProcess({ command: requireProgram('nats-server'), args, readyLine: /Server is ready/ });
    let server = await start();
    const events: string[] = [];
    const bus = await connectBus({
      servers: `nats://127.0.0.1:${port}`,
      reconnectDelayMs: 50,
      onEvent: (e) => events.push(e.type),
    });
    try {
      const kv = await openKvBucket(bus, 'test-reconnect');
      await kv.put('k', 'before');
      await server.stop('SIGKILL');
      await waitUntil(() => !bus.connected);
      server = await start();
      await waitUntil(() => bus.connected, 10_000);
      expect(events).toEqual(expect.arrayContaining(['disconnect', 'reconnect']));
      await kv.put('k', 'after');
      expect(text((await kv.get('k'))?.value)).toBe('after');
    } finally {
      await bus.close();
      await server.stop();
      await dir.remove();
    }
  });
});

async function waitUntil(cond: () => boolean, timeoutMs = 5_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 20));
  }
}
