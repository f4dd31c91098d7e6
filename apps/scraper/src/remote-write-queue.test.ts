import { Labels, STALE_NAN } from '@argus/model';
import { decodeWriteRequest } from '@argus/remote';
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

  it('reads Retry-After in seconds and as a date', () => {
    expect(retryAfterMs('3')).toBe(3000);
    expect(retryAfterMs('Thu, 01 Jan 1970 00:00:10 GMT', 4000)).toBe(6000);
    expect(retryAfterMs(null)).toBeUndefined();
  });
});
