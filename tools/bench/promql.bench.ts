// Our tsdb service against Debian's Prometheus 2.42, both as processes on loopback, fed
// the same remote-write stream and asked the same queries over their HTTP APIs.
//
// 1. Ingestion: the same pre-encoded remote-write bodies (pods × containers counters,
//    per-pod request counters and classic request-duration histograms, node-like CPU
//    counters; 30 s interval over 6 h) go to each side in turn; CPU seconds of the
//    server process per million samples and RSS growth per series, from /proc.
// 2. Memory per active series: MEMORY_SERIES more series (10 samples each) to both,
//    RSS growth per series.
// 3. Queries: each query after a warm-up, several times, the sides interleaved.
// Results: bench/results/promql.{json,md} and bench/results/tsdb-remote-write.{json,md}.
// Scale with PROMQL_BENCH_PODS (default 1000), PROMQL_BENCH_RUNS (default 5) and
// TSDB_BENCH_MEMORY_SERIES (default 100000); BENCH_RESULT_TAG names the result files.
import { writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { encodeWriteRequest, REMOTE_WRITE_HEADERS, type RemoteTimeSeries } from '@argus/remote';
import {
  freePort,
  makeTempDir,
  requireProgram,
  startProcess,
  startService,
  type TestProcess,
} from '@argus/testkit';
import { cpuSeconds, formatSpread, rssBytes, spread, writeResult } from './measure.ts';
import type { Spread } from './measure.ts';

const PODS = Number(process.env['PROMQL_BENCH_PODS'] ?? 1000);
const RUNS = Number(process.env['PROMQL_BENCH_RUNS'] ?? 5);
const MEMORY_SERIES = Number(process.env['TSDB_BENCH_MEMORY_SERIES'] ?? 100_000);
/** Appended to the result names, so a run at another scale does not replace the default one. */
const RESULT_TAG = process.env['BENCH_RESULT_TAG'] ?? '';

const INTERVAL_MS = 30_000;
const HOURS = 6;
const STEPS = (HOURS * 3600_000) / INTERVAL_MS;
const LES = ['0.005', '0.01', '0.025', '0.05', '0.1', '0.25', '0.5', '1', '+Inf'];

const QUERIES: Array<{ name: string; query: string; range?: boolean }> = [
  { name: 'selector', query: 'http_requests_total' },
  { name: 'rate', query: 'rate(http_requests_total[5m])' },
  { name: 'sum(rate)', query: 'sum(rate(http_requests_total[5m]))' },
  { name: 'sum by (pod)(rate)', query: 'sum by (pod) (rate(http_requests_total[5m]))' },
  {
    name: 'histogram_quantile',
    query: 'histogram_quantile(0.9, sum by (le) (rate(http_request_duration_seconds_bucket[5m])))',
  },
  { name: 'topk', query: 'topk(10, rate(container_cpu_usage_seconds_total[5m]))' },
  {
    name: 'binary op on()',
    query:
      'sum by (pod) (rate(container_cpu_usage_seconds_total[5m])) / on(pod) sum by (pod) (rate(http_requests_total[5m]))',
  },
  { name: 'regex matcher', query: 'sum(rate(http_requests_total{pod=~"pod-1.*", code=~"2.."}[5m]))' },
  {
    name: '2h range sum by (pod)(rate) @30s',
    query: 'sum by (pod) (rate(http_requests_total[5m]))',
    range: true,
  },
];

interface SeriesDef {
  labels: Record<string, string>;
  /** Increase per interval (counters) of this series. */
  slope: number;
}

function series(): SeriesDef[] {
  const out: SeriesDef[] = [];
  for (let p = 0; p < PODS; p++) {
    const pod = `pod-${p}`;
    for (let c = 0; c < 3; c++) {
      out.push({
        labels: {
          __name__: 'container_cpu_usage_seconds_total',
          namespace: `ns-${p % 10}`,
          pod,
          container: `c${c}`,
        },
        slope: 1 + ((p + c) % 7),
      });
    }
    for (const code of ['200', '500']) {
      out.push({
        labels: { __name__: 'http_requests_total', pod, code, job: 'api' },
        slope: code === '200' ? 10 + (p % 5) : 1,
      });
    }
    LES.forEach((le, i) => {
      out.push({
        labels: { __name__: 'http_request_duration_seconds_bucket', pod, le, job: 'api' },
        slope: 2 * (i + 1),
      });
    });
  }
  for (let n = 0; n < Math.max(1, PODS / 20); n++) {
    for (let cpu = 0; cpu < 4; cpu++) {
      for (const mode of ['idle', 'user', 'system', 'iowait', 'irq', 'softirq', 'steal', 'nice']) {
        out.push({
          labels: {
            __name__: 'node_cpu_seconds_total',
            instance: `node-${n}:9100`,
            job: 'node',
            cpu: String(cpu),
            mode,
          },
          slope: mode === 'idle' ? 25 : 2,
        });
      }
    }
  }
  return out;
}

interface Side {
  name: string;
  base: string;
  process: TestProcess;
}

/** Sends every body to one side, one request at a time; returns CPU seconds and wall seconds spent. */
async function ingest(side: Side, bodies: readonly Buffer[]): Promise<{ cpuS: number; wallS: number }> {
  const cpu0 = cpuSeconds(side.process.pid);
  const t0 = performance.now();
  for (const body of bodies) {
    const res = await fetch(`${side.base}/api/v1/write`, {
      method: 'POST',
      headers: REMOTE_WRITE_HEADERS,
      body,
    });
    if (res.status !== 204) throw new Error(`${side.name} remote write: ${res.status} ${await res.text()}`);
  }
  return { cpuS: cpuSeconds(side.process.pid) - cpu0, wallS: (performance.now() - t0) / 1000 };
}

async function settle(): Promise<void> {
  await new Promise((r) => setTimeout(r, 3000));
}

async function main(): Promise<void> {
  const defs = series();
  const end = Math.floor(Date.now() / INTERVAL_MS) * INTERVAL_MS - INTERVAL_MS;
  const start = end - (STEPS - 1) * INTERVAL_MS;
  const work = await makeTempDir('promql-bench');
  const sides: Side[] = [];
  try {
    const promPort = await freePort();
    const config = join(work.path, 'prometheus.yml');
    writeFileSync(config, 'global:\n  scrape_interval: 1h\n');
    const prometheus = await startProcess({
      command: requireProgram('prometheus'),
      args: [
        `--config.file=${config}`,
        `--storage.tsdb.path=${join(work.path, 'prom')}`,
        `--web.listen-address=127.0.0.1:${promPort}`,
        '--web.enable-remote-write-receiver',
        '--query.max-samples=100000000',
        '--log.level=warn',
      ],
      readyUrl: `http://127.0.0.1:${promPort}/-/ready`,
      timeoutMs: 60_000,
    });
    sides.push({ name: 'Prometheus', base: `http://127.0.0.1:${promPort}`, process: prometheus });
    const ourPort = await freePort();
    const ourBase = `http://127.0.0.1:${ourPort}`;
    const ours = await startService(
      'tsdb',
      [
        `--web.listen-address=127.0.0.1:${ourPort}`,
        `--storage.tsdb.path=${join(work.path, 'argus')}`,
        '--query.max-samples=100000000',
        '--log.level=warn',
      ],
      ourBase,
    );
    sides.unshift({ name: 'argus', base: ourBase, process: ours });

    // The same bodies for both sides, encoded once.
    const remoteLabels = defs.map((d) =>
      Object.entries(d.labels)
        .map(([name, value]) => ({ name, value }))
        .sort((a, b) => (a.name < b.name ? -1 : 1)),
    );
    const BATCH = 20;
    const bodies: Buffer[] = [];
    let samples = 0;
    for (let s0 = 0; s0 < STEPS; s0 += BATCH) {
      const s1 = Math.min(STEPS, s0 + BATCH);
      const timeseries: RemoteTimeSeries[] = defs.map((d, i) => {
        const points = [];
        for (let s = s0; s < s1; s++) {
          points.push({ value: d.slope * s + (i % 13), timestamp: start + s * INTERVAL_MS });
          samples++;
        }
        return { labels: remoteLabels[i]!, samples: points };
      });
      bodies.push(encodeWriteRequest({ timeseries }));
    }

    const ingestion = new Map<string, { cpuS: number; wallS: number; rssBefore: number; rssAfter: number }>();
    for (const side of sides) {
      await settle();
      const rssBefore = rssBytes(side.process.pid);
      const { cpuS, wallS } = await ingest(side, bodies);
      await settle();
      ingestion.set(side.name, { cpuS, wallS, rssBefore, rssAfter: rssBytes(side.process.pid) });
      console.log(
        `${side.name}: ingested ${samples} samples in ${wallS.toFixed(1)} s wall, ${cpuS.toFixed(2)} CPU-s`,
      );
    }

    const rows: Array<{
      name: string;
      query: string;
      ours: Spread;
      prometheus: Spread;
      ratio: number;
      series: number;
    }> = [];
    const [oursSide, promSide] = sides as [Side, Side];
    for (const q of QUERIES) {
      const rangeStart = end - 2 * 3600_000;
      const params = q.range
        ? `query=${encodeURIComponent(q.query)}&start=${rangeStart / 1000}&end=${end / 1000}&step=${INTERVAL_MS / 1000}`
        : `query=${encodeURIComponent(q.query)}&time=${end / 1000}`;
      const timed = (side: Side) => async (): Promise<{ ms: number; series: number }> => {
        const t0 = performance.now();
        const res = await fetch(`${side.base}/api/v1/${q.range ? 'query_range' : 'query'}?${params}`);
        const json = (await res.json()) as {
          status: string;
          error?: string;
          data: { result: unknown[] | unknown };
        };
        if (json.status !== 'success') throw new Error(`${side.name} ${q.query}: ${json.error}`);
        const result = json.data.result;
        return {
          ms: performance.now() - t0,
          series: Array.isArray(result) && typeof result[0] === 'object' ? result.length : 1,
        };
      };
      const ours = timed(oursSide);
      const theirs = timed(promSide);
      const o: number[] = [];
      const p: number[] = [];
      const warm = await ours();
      const warmTheirs = await theirs();
      if (warm.series !== warmTheirs.series)
        throw new Error(`${q.name}: ${warm.series} series from us, ${warmTheirs.series} from Prometheus`);
      for (let r = 0; r < RUNS; r++) {
        o.push((await ours()).ms);
        p.push((await theirs()).ms);
      }
      const row = {
        name: q.name,
        query: q.query,
        ours: spread(o),
        prometheus: spread(p),
        ratio: 0,
        series: warm.series,
      };
      row.ratio = row.ours.median / row.prometheus.median;
      rows.push(row);
      console.log(
        `${q.name}: ours ${formatSpread(row.ours, 1)} ms, prometheus ${formatSpread(row.prometheus, 1)} ms, ratio ${row.ratio.toFixed(2)}`,
      );
    }

    // Memory per active series: fresh series, 10 samples each, in batches of 10k series.
    const memory = new Map<string, { rssBefore: number; rssAfter: number }>();
    const memBodies: Buffer[] = [];
    for (let b = 0; b < MEMORY_SERIES; b += 10_000) {
      const timeseries: RemoteTimeSeries[] = [];
      for (let i = b; i < Math.min(MEMORY_SERIES, b + 10_000); i++) {
        timeseries.push({
          labels: [
            { name: '__name__', value: 'bench_memory_series' },
            { name: 'instance', value: `host-${i % 500}:9100` },
            { name: 'job', value: 'node' },
            { name: 'series', value: String(i) },
          ],
          samples: Array.from({ length: 10 }, (_, k) => ({
            value: i + k,
            timestamp: end - (9 - k) * INTERVAL_MS,
          })),
        });
      }
      memBodies.push(encodeWriteRequest({ timeseries }));
    }
    for (const side of sides) {
      await settle();
      const rssBefore = rssBytes(side.process.pid);
      await ingest(side, memBodies);
      await settle();
      memory.set(side.name, { rssBefore, rssAfter: rssBytes(side.process.pid) });
    }

    const md = [
      '# PromQL query latency (tsdb service vs Prometheus 2.42, both over HTTP)',
      '',
      `${defs.length} series (${PODS} pods × 3 containers CPU counters, 2 request counters and a 9-bucket classic histogram per pod, node-like CPU counters), 30 s interval over ${HOURS} h, ${samples} samples, loaded into both by remote write.`,
      "Instant queries at the last sample; the range query spans the last 2 h at a 30 s step. Wall time in ms through each side's HTTP API on loopback, median (min–max) of interleaved runs after one warm-up; both sides returned the same number of series.",
      `Load average at the end of the run: ${loadavg()
        .map((l) => l.toFixed(1))
        .join(', ')} on 2 cores (${RUNS} runs per query).`,
      '',
      '| query | series out | argus ms | Prometheus ms | argus ÷ Prometheus |',
      '|---|---|---|---|---|',
      ...rows.map(
        (r) =>
          `| ${r.name} | ${r.series} | ${formatSpread(r.ours, 1)} | ${formatSpread(r.prometheus, 1)} | ${r.ratio.toFixed(2)}× |`,
      ),
      '',
    ].join('\n');
    writeResult(
      `promql${RESULT_TAG}`,
      { pods: PODS, series: defs.length, samples, runs: RUNS, queries: rows },
      md,
    );

    const perMillion = (name: string) => (ingestion.get(name)!.cpuS / samples) * 1e6;
    const perSeries = (m: { rssBefore: number; rssAfter: number }, n: number) =>
      (m.rssAfter - m.rssBefore) / n;
    const a = 'argus';
    const p = 'Prometheus';
    const ingestMd = [
      '# Remote-write ingestion and memory (tsdb service vs Prometheus 2.42)',
      '',
      `Both servers as processes on loopback; the same ${bodies.length} pre-encoded remote-write bodies (${samples} samples, ${defs.length} series, 6 h at 30 s) sent to each side in turn, one request at a time.`,
      'CPU is utime+stime of the server process from /proc/<pid>/stat during its ingestion; RSS from /proc/<pid>/status 3 s after.',
      `Memory per active series: ${MEMORY_SERIES} more series with 10 samples each, RSS growth ÷ series.`,
      `Load average at the end of the run: ${loadavg()
        .map((l) => l.toFixed(1))
        .join(', ')} on 2 cores.`,
      '',
      '| figure | argus | Prometheus 2.42 | argus ÷ Prometheus |',
      '|---|---|---|---|',
      `| CPU-s per million samples ingested | ${perMillion(a).toFixed(2)} | ${perMillion(p).toFixed(2)} | ${(perMillion(a) / perMillion(p)).toFixed(2)}× |`,
      `| ingestion wall time (s) | ${ingestion.get(a)!.wallS.toFixed(1)} | ${ingestion.get(p)!.wallS.toFixed(1)} | ${(ingestion.get(a)!.wallS / ingestion.get(p)!.wallS).toFixed(2)}× |`,
      `| RSS growth per series, ${defs.length} series × ${STEPS} samples (bytes) | ${perSeries(ingestion.get(a)!, defs.length).toFixed(0)} | ${perSeries(ingestion.get(p)!, defs.length).toFixed(0)} | ${(perSeries(ingestion.get(a)!, defs.length) / perSeries(ingestion.get(p)!, defs.length)).toFixed(2)}× |`,
      `| RSS growth per active series, ${MEMORY_SERIES} series (bytes) | ${perSeries(memory.get(a)!, MEMORY_SERIES).toFixed(0)} | ${perSeries(memory.get(p)!, MEMORY_SERIES).toFixed(0)} | ${(perSeries(memory.get(a)!, MEMORY_SERIES) / perSeries(memory.get(p)!, MEMORY_SERIES)).toFixed(2)}× |`,
      `| RSS total at the end (MiB) | ${(memory.get(a)!.rssAfter / 2 ** 20).toFixed(0)} | ${(memory.get(p)!.rssAfter / 2 ** 20).toFixed(0)} | ${(memory.get(a)!.rssAfter / memory.get(p)!.rssAfter).toFixed(2)}× |`,
      '',
    ].join('\n');
    writeResult(
      `tsdb-remote-write${RESULT_TAG}`,
      {
        samples,
        series: defs.length,
        memorySeries: MEMORY_SERIES,
        ingestion: Object.fromEntries(ingestion),
        memory: Object.fromEntries(memory),
      },
      ingestMd,
    );
  } finally {
    await Promise.all(sides.map((s) => s.process.stop()));
    await work.remove();
  }
}

await main();
