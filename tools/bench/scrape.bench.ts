// Scrape benchmark: the same synthetic targets (20 × 5,000 series, every 5 s by default, prebuilt bodies
// served gzipped by one lightweight HTTP server in this process) scraped by Debian's
// Prometheus 2.42 and by our scraper shipping to our tsdb. The sides run one after the
// other, alternating, each with the same prometheus.yml (ours adds remote_write). Figure:
// CPU seconds (utime+stime from /proc, both our processes summed) per million samples
// stored, as each store's `prometheus_tsdb_head_samples_appended_total` counts them.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { cpuSeconds, rssBytes, spread, writeResult } from './measure.ts';
import type { Spread } from './measure.ts';
import { childOutputPath, freePort, nodeFlags, sleep, stopChild, waitReady } from './processes.ts';

const root = resolve(import.meta.dirname, '../..');
const TARGETS = Number(process.env.BENCH_TARGETS ?? 20);
const SERIES = Number(process.env.BENCH_SERIES ?? 5000);
const WARMUP_S = Number(process.env.BENCH_WARMUP_S ?? 20);
const WINDOW_S = Number(process.env.BENCH_WINDOW_S ?? 30);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2);
// 1 s, the issue's case (100,000 samples/s). BENCH_INTERVAL_S=5 runs a fifth of the rate, where
// each of our processes costs more per sample (Prometheus does not); its results go to
// scrape-5s.{md,json}.
const INTERVAL_S = Number(process.env.BENCH_INTERVAL_S ?? 1);
const RESULT_NAME = INTERVAL_S === 1 ? 'scrape' : `scrape-${INTERVAL_S}s`;
const SYNTHETIC = 5;
// BENCH_SINK=null: the scraper ships to a do-nothing endpoint in this process instead of our tsdb,
// so its own CPU per sample is measured (results are printed, not written to bench/results).
const SINK = process.env.BENCH_SINK ?? 'tsdb';
// BENCH_MAX_SAMPLES_PER_SEND: a remote_write max_samples_per_send other than the scraper's default,
// current Prometheus's 2000 (capacity 10000, max_shards 50), with capacity five times it (within
// upstream's advice of 3-10×); 500 runs 2.42's.
const MAX_PER_SEND = Number(process.env.BENCH_MAX_SAMPLES_PER_SEND ?? 0);
// BENCH_MAX_SHARDS: a remote_write max_shards other than the default 50.
const MAX_SHARDS = Number(process.env.BENCH_MAX_SHARDS ?? 0);
const QUEUE_FIELDS = [
  ...(MAX_PER_SEND > 0 ? [`max_samples_per_send: ${MAX_PER_SEND}`, `capacity: ${5 * MAX_PER_SEND}`] : []),
  ...(MAX_SHARDS > 0 ? [`max_shards: ${MAX_SHARDS}`] : []),
];
const QUEUE_CONFIG = QUEUE_FIELDS.length > 0 ? `    queue_config: { ${QUEUE_FIELDS.join(', ')} }\n` : '';
// BENCH_SCRAPER_MAIN: another build of the scraper to run (A/B runs side by side).
const SCRAPER_MAIN = process.env.BENCH_SCRAPER_MAIN ?? join(root, 'apps/scraper/dist/main.js');
// Series creation (labels, index, label bytes) is a one-off, so the window starts once every
// target has been scraped successfully and WARMUP_S more seconds have passed.

/**
 * One target's exposition: 50 families (counters and gauges with HELP/TYPE) × 100 series
 * with three labels; two variants with different values so samples change between scrapes.
 */
function body(target: number, variant: number): Buffer {
  const lines: string[] = [];
  const families = 50;
  const perFamily = Math.ceil(SERIES / families);
  let n = 0;
  for (let f = 0; f < families && n < SERIES; f++) {
    const counter = f % 2 === 0;
    const name = counter ? `bench_requests_${f}_total` : `bench_queue_depth_${f}`;
    lines.push(`# HELP ${name} Synthetic ${counter ? 'counter' : 'gauge'} ${f}.`);
    lines.push(`# TYPE ${name} ${counter ? 'counter' : 'gauge'}`);
    for (let s = 0; s < perFamily && n < SERIES; s++, n++) {
      const value = counter ? 1000 * target + s * 7 + variant : ((s * 13 + variant * 3) % 97) / 4;
      lines.push(`${name}{handler="/api/v1/item/${s % 25}",code="${200 + (s % 4)}",shard="${s}"} ${value}`);
    }
  }
  return gzipSync(Buffer.from(lines.join('\n') + '\n'));
}

/** Serves /t<i> from prebuilt gzipped bodies, alternating variants; counts answered scrapes. */
async function startTargets(): Promise<{ server: Server; port: number; count: () => number }> {
  const bodies = Array.from({ length: TARGETS }, (_, t) => [body(t, 0), body(t, 1)]);
  const hits = new Array<number>(TARGETS).fill(0);
  let answered = 0;
  const server = createServer((req, res) => {
    const t = Number(req.url!.slice(2).split('?')[0]);
    const variants = bodies[t];
    if (!variants) {
      res.statusCode = 404;
      res.end();
      return;
    }
    const b = variants[hits[t]++ % 2]!;
    res.writeHead(200, {
      'content-type': 'text/plain; version=0.0.4; charset=utf-8',
      'content-encoding': 'gzip',
      'content-length': b.length,
    });
    res.end(b, () => answered++);
  });
  server.keepAliveTimeout = 60_000;
  const port = await freePort();
  await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
  return { server, port, count: () => answered };
}

function prometheusYml(targetPort: number, remoteWrite: string): string {
  const groups = Array.from(
    { length: TARGETS },
    (_, t) =>
      `      - targets: ['127.0.0.1:${targetPort}']\n        labels: { __metrics_path__: /t${t}, target: t${t} }\n`,
  ).join('');
  return `global:\n  scrape_interval: ${INTERVAL_S}s\n  scrape_timeout: ${Math.min(INTERVAL_S, 10)}s\nscrape_configs:\n  - job_name: bench\n    static_configs:\n${groups}${remoteWrite}`;
}

interface Window {
  stored?: number;
  /** Samples in the scrapes the target server answered during the window. */
  answeredScrapeSamples: number;
  /** CPU seconds of each measured process, in the order given. */
  cpuByProcess: number[];
  cpuSeconds: number;
  samples: number;
  scrapesPerSecond: number;
  rssMiB: number;
}

/**
 * CPU of `pids` and scrapes answered over the window, after warm-up: every target scraped
 * and every series stored (series creation is a one-off cost, not the steady state), then
 * WARMUP_S more seconds.
 */
async function measure(
  pids: number[],
  count: () => number,
  base: string,
  how: { counter: string; up: () => Promise<number> } = {
    counter: 'prometheus_tsdb_head_samples_appended_total',
    up: () => upTargets(base),
  },
): Promise<Window> {
  const appended = async (): Promise<number> => {
    const text = await (await fetch(`${base}/metrics`)).text();
    return text
      .split('\n')
      .filter((l) => l.startsWith(how.counter))
      .reduce((sum, l) => sum + Number(l.slice(l.lastIndexOf(' ') + 1)), 0);
  };
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline && (await how.up().catch(() => 0)) < TARGETS) await sleep(1000);
  await sleep(WARMUP_S * 1000);
  const a0 = await appended();
  const cpu0 = pids.map(cpuSeconds);
  const n0 = count();
  const t0 = performance.now();
  await sleep(WINDOW_S * 1000);
  const cpuByProcess = pids.map((p, i) => cpuSeconds(p) - cpu0[i]!);
  const scrapes = count() - n0;
  const stored = (await appended()) - a0;
  const seconds = (performance.now() - t0) / 1000;
  return {
    cpuByProcess,
    cpuSeconds: cpuByProcess.reduce((a, b) => a + b, 0),
    samples: stored,
    answeredScrapeSamples: scrapes * (SERIES + SYNTHETIC),
    scrapesPerSecond: scrapes / seconds,
    rssMiB: pids.reduce((s, p) => s + rssBytes(p), 0) / 2 ** 20,
  };
}

async function runPrometheus(targetPort: number, count: () => number): Promise<Window> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-scrape-prom-'));
  const port = await freePort();
  writeFileSync(join(dir, 'prometheus.yml'), prometheusYml(targetPort, ''));
  const child = spawn(
    '/usr/bin/prometheus',
    [
      `--config.file=${join(dir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
    ],
    { stdio: 'ignore' },
  );
  try {
    await waitReady(`http://127.0.0.1:${port}/-/ready`, [child]);
    const w = await measure([child.pid!], count, `http://127.0.0.1:${port}`);
    return { ...w, stored: await storedSeries(`http://127.0.0.1:${port}`).catch(() => NaN) };
  } finally {
    await stopChild(child);
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Our scraper (SCRAPER_MAIN) on `port`, with its config and overflow buffer under `dir`. */
function spawnScraper(dir: string, port: number, nodeArgs: string[]): ChildProcess {
  return spawn(
    process.execPath,
    [
      ...nodeArgs,
      SCRAPER_MAIN,
      `--config.file=${join(dir, 'prometheus.yml')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      `--storage.path=${join(dir, 'scraper')}`,
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
}

/** Keeps the last few KiB a child writes, so a process that dies mid-run can be named and explained. */
function tailOutput(child: ChildProcess, name: string): () => string {
  let tail = '';
  let exit = '';
  const copy = childOutputPath(name);
  const keep = (chunk: Buffer) => {
    tail = (tail + chunk.toString()).slice(-4096);
    if (copy) appendFileSync(copy, chunk);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  child.once('exit', (code, signal) => (exit = `${name} exited (code ${code}, signal ${signal})`));
  return () => (exit ? `${exit}; last output:\n${tail}` : '');
}

async function runOurs(targetPort: number, count: () => number): Promise<Window & { pending: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-scrape-ours-'));
  const tsdbPort = await freePort();
  const scraperPort = await freePort();
  const tsdbUrl = `http://127.0.0.1:${tsdbPort}`;
  writeFileSync(
    join(dir, 'prometheus.yml'),
    prometheusYml(targetPort, `remote_write:\n  - url: ${tsdbUrl}/api/v1/write\n${QUEUE_CONFIG}`),
  );
  const prof = nodeFlags();
  const tsdb = spawn(
    process.execPath,
    [
      ...prof,
      join(root, 'apps/tsdb/dist/main.js'),
      `--web.listen-address=127.0.0.1:${tsdbPort}`,
      `--storage.tsdb.path=${join(dir, 'data')}`,
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const scraper = spawnScraper(dir, scraperPort, prof);
  const died = [tailOutput(tsdb, 'tsdb'), tailOutput(scraper, 'scraper')];
  try {
    await waitReady(`${tsdbUrl}/-/ready`, [tsdb, scraper]);
    await waitReady(`http://127.0.0.1:${scraperPort}/-/ready`, [tsdb, scraper]);
    const watch = process.env.BENCH_DEBUG
      ? setInterval(() => {
          const pick = (m: string, prefixes: string[]) =>
            m
              .split('\n')
              .filter((l) => prefixes.some((p) => l.startsWith(p)))
              .join(' | ');
          void Promise.all([
            fetch(`http://127.0.0.1:${scraperPort}/metrics`).then((r) => r.text()),
            fetch(`${tsdbUrl}/metrics`).then((r) => r.text()),
          ])
            .then(([scraperMetrics, tsdbMetrics]) =>
              console.log(
                new Date().toISOString(),
                count(),
                pick(scraperMetrics, [
                  'prometheus_remote_storage_bytes_total',
                  'prometheus_remote_storage_samples_total',
                  'prometheus_remote_storage_samples_pending',
                  'prometheus_remote_storage_shards{',
                  'nodejs_gc_duration_seconds_sum',
                  'process_cpu_seconds',
                  'nodejs_heap_size_used',
                ]),
                '\n  tsdb:',
                pick(tsdbMetrics, [
                  'prometheus_http_requests_total{code="204",handler="/api/v1/write"',
                  'nodejs_gc_duration_seconds_sum',
                  'nodejs_gc_duration_seconds_count',
                  'process_cpu',
                ]),
              ),
            )
            .catch(() => undefined);
        }, 3000)
      : undefined;
    const w = await measure([tsdb.pid!, scraper.pid!], count, tsdbUrl);
    clearInterval(watch);
    if (process.env.BENCH_DEBUG) {
      const t = (await (await fetch(`http://127.0.0.1:${scraperPort}/api/v1/targets`)).json()) as {
        data: { activeTargets: { health: string; lastError: string; lastScrapeDuration: number }[] };
      };
      console.log(
        t.data.activeTargets.map((x) => `${x.health} ${x.lastScrapeDuration.toFixed(3)} ${x.lastError}`),
      );
    }
    // Shipping must keep up, or CPU per sample would flatter a backlog.
    const metrics = await (await fetch(`http://127.0.0.1:${scraperPort}/metrics`)).text();
    const pending = Number(
      /^prometheus_remote_storage_samples_pending(?:\{[^}]*\})? (\S+)/m.exec(metrics)?.[1] ?? NaN,
    );
    return { ...w, pending, stored: await storedSeries(tsdbUrl).catch(() => NaN) };
  } catch (err) {
    const why = died.map((d) => d()).filter(Boolean);
    if (why.length > 0) console.error(why.join('\n'));
    throw err;
  } finally {
    await Promise.all([stopChild(scraper), stopChild(tsdb)]);
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * A remote-write endpoint that costs next to nothing: keep-alive, reads and discards each
 * body, answers 204. With BENCH_SINK=null the scraper ships here, so its CPU is read alone.
 */
async function startNullSink(): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    req.on('data', () => undefined);
    req.on('end', () => {
      res.statusCode = 204;
      res.end();
    });
  });
  server.keepAliveTimeout = 60_000;
  const port = await freePort();
  await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
  return { server, url: `http://127.0.0.1:${port}/api/v1/write` };
}

/** The scraper alone, shipping to the null sink; samples are those it sent (`…samples_total`). */
async function runScraperAlone(
  targetPort: number,
  count: () => number,
): Promise<Window & { pending: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-scrape-alone-'));
  const sink = await startNullSink();
  const scraperPort = await freePort();
  const base = `http://127.0.0.1:${scraperPort}`;
  writeFileSync(
    join(dir, 'prometheus.yml'),
    prometheusYml(targetPort, `remote_write:\n  - url: ${sink.url}\n${QUEUE_CONFIG}`),
  );
  const prof = nodeFlags();
  const scraper = spawnScraper(dir, scraperPort, prof);
  const died = tailOutput(scraper, 'scraper');
  const up = async (): Promise<number> => {
    const t = (await (await fetch(`${base}/api/v1/targets`)).json()) as {
      data: { activeTargets: { health: string }[] };
    };
    return t.data.activeTargets.filter((x) => x.health === 'up').length;
  };
  try {
    await waitReady(`${base}/-/ready`, [scraper]);
    const w = await measure([scraper.pid!], count, base, {
      counter: 'prometheus_remote_storage_samples_total',
      up,
    });
    const metrics = await (await fetch(`${base}/metrics`)).text();
    const pending = Number(
      /^prometheus_remote_storage_samples_pending(?:\{[^}]*\})? (\S+)/m.exec(metrics)?.[1] ?? NaN,
    );
    return { ...w, pending };
  } catch (err) {
    const why = died();
    if (why) console.error(why);
    throw err;
  } finally {
    await stopChild(scraper);
    sink.server.closeAllConnections();
    sink.server.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Targets whose last scrape succeeded, from the store (a cheap query, unlike counting all series). */
async function upTargets(base: string): Promise<number> {
  const res = (await (
    await fetch(`${base}/api/v1/query?query=${encodeURIComponent('count(up == 1)')}`)
  ).json()) as {
    data: { result: { value: [number, string] }[] };
  };
  return Number(res.data.result[0]?.value[1] ?? 0);
}

/** How many bench series a store answers for now (should be all: a side dropping work would show). */
async function storedSeries(base: string): Promise<number> {
  const q = encodeURIComponent('count({__name__=~"bench_.+"})');
  const res = (await (await fetch(`${base}/api/v1/query?query=${q}`)).json()) as {
    data: { result: { value: [number, string] }[] };
  };
  return Number(res.data.result[0]?.value[1] ?? 0);
}

const perMillion = (w: Window) => w.cpuSeconds / (w.samples / 1e6);

const targets = await startTargets();
const sides = (process.env.BENCH_SIDES ?? 'prometheus,argus').split(',');
const theirs: Window[] = [];
const ours: (Window & { pending: number })[] = [];
try {
  for (let r = 0; r < ROUNDS; r++) {
    if (sides.includes('prometheus')) {
      theirs.push(await runPrometheus(targets.port, targets.count));
      console.log(
        `prometheus round ${r + 1}: ${perMillion(theirs.at(-1)!).toFixed(2)} CPU-s/M`,
        theirs.at(-1),
      );
    }
    if (sides.includes('argus')) {
      ours.push(await (SINK === 'null' ? runScraperAlone : runOurs)(targets.port, targets.count));
      console.log(`argus round ${r + 1}: ${perMillion(ours.at(-1)!).toFixed(2)} CPU-s/M`, ours.at(-1));
    }
  }
} finally {
  targets.server.closeAllConnections();
  targets.server.close();
}

if (SINK === 'null') {
  for (const w of ours)
    console.log(`scraper alone: ${perMillion(w).toFixed(2)} CPU-s per million samples sent`);
  process.exit(0);
}

// One side alone (BENCH_SIDES) has no ratio: its rounds are printed above, the committed result stays.
if (ours.length === 0 || theirs.length === 0) {
  console.log(`one side only (BENCH_SIDES): bench/results/${RESULT_NAME}.* left as they are`);
  process.exit(0);
}

const ourSpread: Spread = spread(ours.map(perMillion));
const theirSpread: Spread = spread(theirs.map(perMillion));
const ratio = ourSpread.median / theirSpread.median;
const fmt = (s: Spread) => `${s.median.toFixed(2)} (${s.min.toFixed(2)}–${s.max.toFixed(2)}, n=${s.runs})`;
const avg = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const load = loadavg()
  .map((x) => x.toFixed(1))
  .join(', ');
const roundRatios = ours.map((w, i) => perMillion(w) / perMillion(theirs[i]!));
writeResult(
  RESULT_NAME,
  {
    targets: TARGETS,
    seriesPerTarget: SERIES,
    intervalSeconds: INTERVAL_S,
    warmupSeconds: WARMUP_S,
    windowSeconds: WINDOW_S,
    prometheus: theirs,
    argus: ours,
    cpuSecondsPerMillionSamples: { argus: ourSpread, prometheus: theirSpread, ratio, roundRatios },
    loadavg: loadavg(),
  },
  `# Scrape: scraper + tsdb vs Prometheus 2.42

${TARGETS} targets × ${SERIES} series every ${INTERVAL_S} s (prebuilt gzipped bodies, one in-bench HTTP server), the same prometheus.yml on both sides (ours adds remote_write to our tsdb).
Remote write: ${MAX_PER_SEND > 0 ? `max_samples_per_send ${MAX_PER_SEND}, capacity ${5 * MAX_PER_SEND}` : "the scraper's queue_config defaults (current Prometheus's: max_samples_per_send 2000, capacity 10000, max_shards 50)"}; the scraper has its overflow buffer under the run's temp dir (\`--storage.path\`).
Sides run in turn, ${ROUNDS} round(s): warm-up until every target is up, plus ${WARMUP_S} s, then a ${WINDOW_S} s window. CPU is utime+stime from /proc/<pid>/stat (ours: scraper and tsdb summed); samples are those stored in the window (each store's \`prometheus_tsdb_head_samples_appended_total\`).
Series each store answered for at the end (want ${TARGETS * SERIES}): argus ${ours.map((w) => w.stored).join(', ')}; Prometheus ${theirs.map((w) => w.stored).join(', ')}. Load average at the end: ${load} on 2 cores.

| figure | argus (scraper + tsdb) | Prometheus 2.42 | argus ÷ Prometheus |
|---|---|---|---|
| CPU-s per million samples | ${fmt(ourSpread)} | ${fmt(theirSpread)} | ${ratio.toFixed(2)}× |
| scrapes per second answered (want ${(TARGETS / INTERVAL_S).toFixed(1)}) | ${avg(ours.map((w) => w.scrapesPerSecond)).toFixed(1)} | ${avg(theirs.map((w) => w.scrapesPerSecond)).toFixed(1)} | |
| RSS at the end of the window (MiB) | ${avg(ours.map((w) => w.rssMiB)).toFixed(0)} | ${avg(theirs.map((w) => w.rssMiB)).toFixed(0)} | ${(avg(ours.map((w) => w.rssMiB)) / avg(theirs.map((w) => w.rssMiB))).toFixed(2)}× |

Ratio in each round (the sides of a round run back to back): ${roundRatios.map((r) => `${r.toFixed(2)}×`).join(', ')}.

CPU-s per million samples by process (ours): ${ours
    .map(
      (w) =>
        `tsdb ${(w.cpuByProcess[0]! / (w.samples / 1e6)).toFixed(2)} + scraper ${(w.cpuByProcess[1]! / (w.samples / 1e6)).toFixed(2)}`,
    )
    .join('; ')}.
Remote-write samples pending in the scraper at the end of each window: ${ours.map((w) => w.pending).join(', ')}.
A large pending count or fewer scrapes answered than wanted means ours did not keep up: scrapes wait for remote-write queue room (no WAL in between), so the figure then includes that churn.
`,
);
