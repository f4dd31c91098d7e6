// PromQL query latency: our engine over @argus/tsdb against Debian's Prometheus 2.42, on the
// same generated data (pods × containers counters, per-pod request counters and classic
// request-duration histograms, node-like CPU counters; 30 s interval over 6 h). Prometheus
// receives the data by remote write and answers over its HTTP API; ours runs in-process
// and includes encoding the API JSON, so Prometheus pays HTTP round trips that ours does
// not (loopback, small next to the query times measured here). Each query runs after a
// warm-up, several times; medians and ours ÷ Prometheus are written to
// bench/results/promql.{json,md}. Scale with PROMQL_BENCH_PODS (default 300) and
// PROMQL_BENCH_RUNS (default 5).
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { formatSpread, spread, writeResult } from './measure.ts';
import type { Spread } from './measure.ts';

if (process.env['TSX_TSCONFIG_PATH'] === undefined) {
  const result = spawnSync(process.execPath, [...process.execArgv, ...process.argv.slice(1)], {
    stdio: 'inherit',
    env: { ...process.env, TSX_TSCONFIG_PATH: resolve(import.meta.dirname, '../tsconfig.json') },
  });
  process.exit(result.status ?? 1);
}

const PODS = Number(process.env['PROMQL_BENCH_PODS'] ?? 300);
const RUNS = Number(process.env['PROMQL_BENCH_RUNS'] ?? 5);
const INTERVAL_MS = 30_000;
const HOURS = 6;
const STEPS = (HOURS * 3600_000) / INTERVAL_MS;
const LES = ['0.005', '0.01', '0.025', '0.05', '0.1', '0.25', '0.5', '1', '+Inf'];

const QUERIES: Array<{ name: string; query: string; range?: boolean }> = [
  { name: 'selector', query: 'http_requests_total' },
  { name: 'rate', query: 'rate(http_requests_total[5m])' },
  { name: 'sum(rate)', query: 'sum(rate(http_requests_total[5m]))' },
  { name: 'sum by (pod)(rate)', query: 'sum by (pod) (rate(http_requests_total[5m]))' },
  { name: 'histogram_quantile', query: 'histogram_quantile(0.9, sum by (le) (rate(http_request_duration_seconds_bucket[5m])))' },
  { name: 'topk', query: 'topk(10, rate(container_cpu_usage_seconds_total[5m]))' },
  {
    name: 'binary op on()',
    query: 'sum by (pod) (rate(container_cpu_usage_seconds_total[5m])) / on(pod) sum by (pod) (rate(http_requests_total[5m]))',
  },
  { name: 'regex matcher', query: 'sum(rate(http_requests_total{pod=~"pod-1.*", code=~"2.."}[5m]))' },
  { name: '2h range sum by (pod)(rate) @30s', query: 'sum by (pod) (rate(http_requests_total[5m]))', range: true },
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
      out.push({ labels: { __name__: 'container_cpu_usage_seconds_total', namespace: `ns-${p % 10}`, pod, container: `c${c}` }, slope: 1 + ((p + c) % 7) });
    }
    for (const code of ['200', '500']) {
      out.push({ labels: { __name__: 'http_requests_total', pod, code, job: 'api' }, slope: code === '200' ? 10 + (p % 5) : 1 });
    }
    LES.forEach((le, i) => {
      out.push({ labels: { __name__: 'http_request_duration_seconds_bucket', pod, le, job: 'api' }, slope: 2 * (i + 1) });
    });
  }
  for (let n = 0; n < Math.max(1, PODS / 20); n++) {
    for (let cpu = 0; cpu < 4; cpu++) {
      for (const mode of ['idle', 'user', 'system', 'iowait', 'irq', 'softirq', 'steal', 'nice']) {
        out.push({ labels: { __name__: 'node_cpu_seconds_total', instance: `node-${n}:9100`, job: 'node', cpu: String(cpu), mode }, slope: mode === 'idle' ? 25 : 2 });
      }
    }
  }
  return out;
}

async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === 'object' && addr ? resolvePort(addr.port) : reject(new Error('no port'))));
    });
  });
}

async function waitReady(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      const r = await fetch(url);
      if (r.ok) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${url} not ready after ${timeoutMs} ms`);
}

async function main(): Promise<void> {
  const { Labels } = await import('@argus/model');
  const { openTsdb } = await import('@argus/tsdb');
  const { Engine, encodeSuccess } = await import('@argus/promql');
  const { encodeWriteRequest, REMOTE_WRITE_HEADERS } = await import('@argus/remote');

  const defs = series();
  const end = Math.floor(Date.now() / INTERVAL_MS) * INTERVAL_MS - INTERVAL_MS;
  const start = end - (STEPS - 1) * INTERVAL_MS;
  const work = mkdtempSync(join(tmpdir(), 'promql-bench-'));
  const port = await freePort();
  const config = join(work, 'prometheus.yml');
  writeFileSync(config, 'global:\n  scrape_interval: 1h\n');
  const prom = spawn(
    'prometheus',
    [
      `--config.file=${config}`,
      `--storage.tsdb.path=${join(work, 'prom')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--web.enable-remote-write-receiver',
      '--query.max-samples=100000000',
      '--log.level=warn',
    ],
    { stdio: ['ignore', 'ignore', 'inherit'], detached: true },
  );
  const base = `http://127.0.0.1:${port}`;
  try {
    await waitReady(`${base}/-/ready`, 60_000);
    const tsdb = await openTsdb(join(work, 'argus'));
    const labels = defs.map((d) => Labels.fromRecord(d.labels));
    const remoteLabels = defs.map((d) => Object.entries(d.labels).map(([name, value]) => ({ name, value })).sort((a, b) => (a.name < b.name ? -1 : 1)));
    const refs = new Array<number>(defs.length).fill(0);
    const BATCH = 20;
    let samples = 0;
    const loadStart = performance.now();
    for (let s0 = 0; s0 < STEPS; s0 += BATCH) {
      const s1 = Math.min(STEPS, s0 + BATCH);
      const app = tsdb.appender();
      const timeseries = defs.map((d, i) => {
        const points = [];
        for (let s = s0; s < s1; s++) {
          const t = start + s * INTERVAL_MS;
          const v = d.slope * s + (i % 13);
          refs[i] = app.append(refs[i]!, labels[i]!, t, v);
          points.push({ value: v, timestamp: t });
          samples++;
        }
        return { labels: remoteLabels[i]!, samples: points };
      });
      await app.commit();
      const res = await fetch(`${base}/api/v1/write`, { method: 'POST', headers: REMOTE_WRITE_HEADERS, body: encodeWriteRequest({ timeseries }) });
      if (!res.ok) throw new Error(`remote write: ${res.status} ${await res.text()}`);
    }
    console.log(`loaded ${defs.length} series, ${samples} samples into both in ${((performance.now() - loadStart) / 1000).toFixed(1)} s`);

    const engine = new Engine({ maxSamples: 100_000_000 });
    const rows: Array<{ name: string; query: string; ours: Spread; prometheus: Spread; ratio: number; series: number }> = [];
    for (const q of QUERIES) {
      const rangeStart = end - 2 * 3600_000;
      const ours = async (): Promise<number> => {
        const t0 = performance.now();
        const res = q.range ? await engine.rangeQuery(tsdb, q.query, rangeStart, end, INTERVAL_MS) : await engine.instantQuery(tsdb, q.query, end);
        JSON.stringify(encodeSuccess(res));
        return performance.now() - t0;
      };
      const params = q.range
        ? `query=${encodeURIComponent(q.query)}&start=${rangeStart / 1000}&end=${end / 1000}&step=${INTERVAL_MS / 1000}`
        : `query=${encodeURIComponent(q.query)}&time=${end / 1000}`;
      const theirs = async (): Promise<number> => {
        const t0 = performance.now();
        const res = await fetch(`${base}/api/v1/${q.range ? 'query_range' : 'query'}?${params}`);
        await res.json();
        return performance.now() - t0;
      };
      const check = q.range ? await engine.rangeQuery(tsdb, q.query, rangeStart, end, INTERVAL_MS) : await engine.instantQuery(tsdb, q.query, end);
      const seriesCount = check.value.resultType === 'vector' ? check.value.samples.length : check.value.resultType === 'matrix' ? check.value.series.length : 1;
      // Interleave the two sides so that machine load hits both alike.
      const o: number[] = [];
      const p: number[] = [];
      await ours();
      await theirs();
      for (let r = 0; r < RUNS; r++) {
        o.push(await ours());
        p.push(await theirs());
      }
      const row = { name: q.name, query: q.query, ours: spread(o), prometheus: spread(p), ratio: 0, series: seriesCount };
      row.ratio = row.ours.median / row.prometheus.median;
      rows.push(row);
      console.log(`${q.name}: ours ${formatSpread(row.ours, 1)} ms, prometheus ${formatSpread(row.prometheus, 1)} ms, ratio ${row.ratio.toFixed(2)} (${seriesCount} series)`);
    }
    await tsdb.close();

    const md = [
      '# PromQL query latency (@argus/promql over @argus/tsdb vs Prometheus 2.42)',
      '',
      `${defs.length} series (${PODS} pods × 3 containers CPU counters, 2 request counters and a 9-bucket classic histogram per pod, node-like CPU counters), 30 s interval over ${HOURS} h, ${samples} samples, loaded into both (Prometheus by remote write).`,
      'Instant queries at the last sample; the range query spans the last 2 h at a 30 s step. Wall time in ms, median (min–max) of interleaved runs after one warm-up.',
      'Ours: in-process `Engine` over the Tsdb plus API JSON encoding; Prometheus: HTTP API on loopback including the round trip. The machine is shared with other work, so absolute times move between runs; the ratio is taken within one run.',
      `Load average at the end of the run: ${loadavg().map((l) => l.toFixed(1)).join(', ')} (${PODS} pods, ${RUNS} runs per query).`,
      '',
      '| query | series out | argus ms | Prometheus ms | argus ÷ Prometheus |',
      '|---|---|---|---|---|',
      ...rows.map((r) => `| ${r.name} | ${r.series} | ${formatSpread(r.ours, 1)} | ${formatSpread(r.prometheus, 1)} | ${r.ratio.toFixed(2)}× |`),
      '',
    ].join('\n');
    writeResult('promql', { pods: PODS, series: defs.length, samples, runs: RUNS, queries: rows }, md);
    console.log(md);
  } finally {
    if (prom.pid) {
      try {
        process.kill(-prom.pid, 'SIGTERM');
      } catch {
        // already gone
      }
    }
    await new Promise((r) => setTimeout(r, 500));
    rmSync(work, { recursive: true, force: true });
  }
}

await main();
