// The same remote-write stream into Debian's Prometheus 2.42 and into our tsdb; the same
// HTTP API requests against both must return the same JSON. Sample times sit between
// query steps so that 2.x's closed and 3.x's left-open range windows agree.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REMOTE_WRITE_HEADERS, encodeWriteRequest, type RemoteTimeSeries } from '@argus/remote';
import {
  freePort,
  makeTempDir,
  requireProgram,
  startProcess,
  startService,
  type TempDir,
  type TestProcess,
} from '@argus/testkit';

const STEP_MS = 15_000;
const POINTS = 120;
const T0 = Math.floor((Date.now() - POINTS * STEP_MS - 60_000) / 60_000) * 60_000;
const EVAL_S = (T0 + 100 * STEP_MS) / 1000;

function sortVector(body: {
  data?: { resultType?: string; result?: { metric: Record<string, string> }[] };
}): void {
  if (body.data?.resultType !== 'vector') return;
  const key = (m: Record<string, string>) => JSON.stringify(Object.entries(m).sort());
  body.data.result!.sort((a, b) =>
    key(a.metric) < key(b.metric) ? -1 : key(a.metric) > key(b.metric) ? 1 : 0,
  );
}

function syntheticSeries(): RemoteTimeSeries[] {
  const out: RemoteTimeSeries[] = [];
  const add = (labels: Record<string, string>, value: (i: number) => number) =>
    out.push({
      labels: Object.entries(labels)
        .sort(([a], [b]) => (a < b ? -1 : 1))
        .map(([name, v]) => ({ name, value: v })),
      samples: Array.from({ length: POINTS }, (_, i) => ({
        timestamp: T0 + 7_000 + i * STEP_MS,
        value: value(i),
      })),
    });
  for (const pod of ['a', 'b', 'c']) {
    for (const code of ['200', '500']) {
      const rate = pod.charCodeAt(0) - 96 + (code === '500' ? 0.25 : 3);
      add({ __name__: 'http_requests_total', pod, code, job: 'api' }, (i) =>
        i < 60 ? i * rate : (i - 60) * rate,
      );
    }
    add({ __name__: 'memory_bytes', pod, job: 'api' }, (i) => 1e6 + ((i * 7919) % 1000) * 1024);
    let cumulative = 0;
    for (const [le, share] of [
      ['0.1', 0.5],
      ['0.5', 0.8],
      ['1', 0.95],
      ['+Inf', 1],
    ] as const) {
      cumulative = share;
      add({ __name__: 'latency_seconds_bucket', pod, job: 'api', le }, (i) =>
        Math.floor(i * 10 * cumulative),
      );
    }
  }
  return out;
}

const queries = [
  'http_requests_total',
  'http_requests_total{code=~"5.."}',
  'rate(http_requests_total[5m])',
  'sum by (pod) (rate(http_requests_total[5m]))',
  'sum without (code) (increase(http_requests_total[10m]))',
  'topk(2, memory_bytes)',
  'bottomk(1, memory_bytes)',
  'histogram_quantile(0.9, sum by (le) (rate(latency_seconds_bucket[5m])))',
  'histogram_quantile(0.5, rate(latency_seconds_bucket[5m]))',
  'count_values("v", http_requests_total > 100)',
  'memory_bytes / on(pod) group_left sum by (pod) (http_requests_total)',
  'http_requests_total and on(pod) memory_bytes > 1.5e6',
  'label_replace(memory_bytes, "p", "pod-$1", "pod", "(.*)")',
  'avg_over_time(memory_bytes[10m])',
  'quantile_over_time(0.5, memory_bytes[10m])',
  'resets(http_requests_total[30m])',
  'changes(memory_bytes[10m])',
  'deriv(memory_bytes[10m])',
  'predict_linear(memory_bytes[10m], 3600)',
  'absent(nonexistent{job="x"})',
  'sort_desc(sum by (code) (rate(http_requests_total[5m])))',
  'stddev by (job) (memory_bytes)',
  'quantile(0.3, memory_bytes)',
  'count(count by (pod) (http_requests_total))',
  'time() - timestamp(memory_bytes)',
  'clamp(memory_bytes, 1.1e6, 1.5e6)',
  'scalar(sum(memory_bytes)) / 3',
  'vector(1) + 2',
  '-memory_bytes offset 5m',
];

describe('API parity with Prometheus 2.42', () => {
  let dir: TempDir;
  let prometheus: TestProcess;
  let ours: TestProcess;
  let promBase: string;
  let ourBase: string;

  beforeAll(async () => {
    dir = await makeTempDir('tsdb-parity');
    const promPort = await freePort();
    promBase = `http://127.0.0.1:${promPort}`;
    const config = join(dir.path, 'prometheus.yml');
    await writeFile(config, 'global: {}\n');
    prometheus = await startProcess({
      command: requireProgram('prometheus'),
      args: [
        `--config.file=${config}`,
        `--storage.tsdb.path=${join(dir.path, 'prom')}`,
        `--web.listen-address=127.0.0.1:${promPort}`,
        '--web.enable-remote-write-receiver',
      ],
      readyUrl: `${promBase}/-/ready`,
      timeoutMs: 30_000,
    });
    const ourPort = await freePort();
    ourBase = `http://127.0.0.1:${ourPort}`;
    ours = await startService(
      'tsdb',
      [`--web.listen-address=127.0.0.1:${ourPort}`, `--storage.tsdb.path=${join(dir.path, 'ours')}`],
      ourBase,
    );
    const body = encodeWriteRequest({ timeseries: syntheticSeries() });
    for (const base of [promBase, ourBase]) {
      const res = await fetch(`${base}/api/v1/write`, {
        method: 'POST',
        headers: REMOTE_WRITE_HEADERS,
        body,
      });
      expect(res.status, `${base}: ${await res.text()}`).toBe(204);
    }
  }, 60_000);

  afterAll(async () => {
    await Promise.all([prometheus?.stop(), ours?.stop()]);
    await dir?.remove();
  });

  const both = async (path: string) => {
    const [a, b] = await Promise.all([fetch(promBase + path), fetch(ourBase + path)]);
    return {
      upstream: { status: a.status, body: await a.json() },
      ours: { status: b.status, body: await b.json() },
    };
  };

  it.each(queries)('instant %s', async (query) => {
    const { upstream, ours } = await both(`/api/v1/query?query=${encodeURIComponent(query)}&time=${EVAL_S}`);
    expect(upstream.status).toBe(200);
    // Instant vectors have no defined order upstream (histogram_quantile iterates a Go
    // map), except under sort functions.
    if (!query.startsWith('sort'))
      for (const side of [upstream, ours]) sortVector(side.body as Parameters<typeof sortVector>[0]);
    expect(ours).toEqual(upstream);
  });

  it.each(queries.slice(0, 12))('range %s', async (query) => {
    const start = EVAL_S - 1800;
    const { upstream, ours } = await both(
      `/api/v1/query_range?query=${encodeURIComponent(query)}&start=${start}&end=${EVAL_S}&step=60`,
    );
    expect(upstream.status).toBe(200);
    expect(ours).toEqual(upstream);
  });

  it.each([
    '/api/v1/labels',
    '/api/v1/label/pod/values',
    '/api/v1/label/le/values?match[]=latency_seconds_bucket{pod="a"}',
    '/api/v1/series?match[]=memory_bytes&match[]=http_requests_total{pod="b"}',
    '/api/v1/query?query=sum(',
    '/api/v1/format_query?query=sum(rate(x%5B5m%5D))by(job)%2Bon(a)group_left%20y',
    '/api/v1/query?query=rate(memory_bytes)',
    '/api/v1/query_range?query=up&start=10&end=5&step=1',
    '/api/v1/series?match[]=rate(x%5B5m%5D)',
    '/api/v1/labels?match[]=%7B%7D',
    '/api/v1/series?match[]=up&start=10&end=5',
    '/api/v1/query?query=up&time=abc',
    '/api/v1/query_range?query=up&start=0&end=100000&step=1',
  ])('%s', async (path) => {
    const { upstream, ours } = await both(path);
    expect(ours).toEqual(upstream);
  });
});
