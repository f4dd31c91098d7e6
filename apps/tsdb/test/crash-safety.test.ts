// Kill -9 during remote-write ingestion, restart on the same data directory: every
// sample acknowledged with a 2xx must be there. Repeated over several cycles.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeWriteRequest, REMOTE_WRITE_HEADERS } from '@argus/remote';
import { freePort, makeTempDir, startService, type TempDir } from '@argus/testkit';

const SERIES = 50;
const CYCLES = 3;

describe('crash safety', () => {
  let dir: TempDir;
  beforeAll(async () => {
    dir = await makeTempDir('tsdb-crash');
  });
  afterAll(async () => {
    await dir?.remove();
  });

  it('keeps every acknowledged sample across kill -9 and restart', { timeout: 120_000 }, async () => {
    const acked = new Set<number>();
    let t = Date.now() - 60 * 60_000;
    for (let cycle = 0; cycle < CYCLES; cycle++) {
      const port = await freePort();
      const base = `http://127.0.0.1:${port}`;
      const tsdb = await startService(
        'tsdb',
        [`--web.listen-address=127.0.0.1:${port}`, `--storage.tsdb.path=${dir.path}`],
        base,
      );

      await expectAllAcked(base, acked, t);

      // A writer that keeps going until the process dies under it (one at a time:
      // concurrent writers would race each other's timestamps out of order).
      let stop = false;
      const writer = async () => {
        while (!stop) {
          const ts = (t += 1000);
          const body = encodeWriteRequest({
            timeseries: Array.from({ length: SERIES }, (_, i) => ({
              labels: [
                { name: '__name__', value: 'crash_test' },
                { name: 'i', value: String(i) },
              ],
              samples: [{ value: ts, timestamp: ts }],
            })),
          });
          try {
            const res = await fetch(`${base}/api/v1/write`, {
              method: 'POST',
              headers: REMOTE_WRITE_HEADERS,
              body,
            });
            if (res.status === 204) acked.add(ts);
            else if (res.status >= 400 && res.status < 500)
              throw new Error(`unexpected ${res.status}: ${await res.text()}`);
          } catch (err) {
            if (err instanceof Error && err.message.startsWith('unexpected')) throw err;
            return; // connection refused or reset: the process is gone
          }
        }
      };
      const writing = writer();
      let failure: unknown;
      writing.catch((err: unknown) => (failure = err));
      while (acked.size < (cycle + 1) * 40 && failure === undefined)
        await new Promise((r) => setTimeout(r, 5));
      await tsdb.stop('SIGKILL', 0);
      stop = true;
      await writing;
    }

    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const tsdb = await startService(
      'tsdb',
      [`--web.listen-address=127.0.0.1:${port}`, `--storage.tsdb.path=${dir.path}`],
      base,
    );
    try {
      await expectAllAcked(base, acked, t);
    } finally {
      await tsdb.stop();
    }
  });
});

/** Every acknowledged timestamp is stored for every series. */
async function expectAllAcked(base: string, acked: Set<number>, lastT: number): Promise<void> {
  if (acked.size === 0) return;
  const first = Math.min(...acked);
  const res = await fetch(
    `${base}/api/v1/query_range?query=crash_test&start=${first / 1000}&end=${lastT / 1000}&step=1`,
  );
  const json = (await res.json()) as {
    data: { result: { metric: { i: string }; values: [number, string][] }[] };
  };
  expect(json.data.result).toHaveLength(SERIES);
  for (const s of json.data.result) {
    const stored = new Set(s.values.map(([, v]) => Number(v)));
    const missing = [...acked].filter((ts) => !stored.has(ts));
    expect(missing, `series i=${s.metric.i}`).toEqual([]);
  }
}
