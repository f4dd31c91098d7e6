// TSDB head ingestion: appends/s, CPU-s per million samples, WAL bytes per sample,
// head chunk bytes per sample, resident memory per active series, and WAL replay time,
// for @argus/tsdb on node-exporter-like data (100 targets × 1,000 series, 15 s
// interval, one commit per target scrape). Each run is a fresh child process so RSS is
// measured from a clean baseline. Side by side: Debian's Prometheus 2.42 is started on
// the WAL the first run wrote (same bytes, upstream format) and its replay CPU time
// and resident memory after replay are measured from /proc, against an empty-directory
// baseline. Appends are not compared side by side (Prometheus has no append-only
// entry point); PERFORMANCE.md's figures stand in. Writes bench/results/tsdb-head.{json,md}.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { cpuSeconds, formatSpread, rssBytes, spread, writeResult } from './measure.ts';

if (process.env['TSX_TSCONFIG_PATH'] === undefined) {
  const result = spawnSync(process.execPath, [...process.execArgv, ...process.argv.slice(1)], {
    stdio: 'inherit',
    env: { ...process.env, TSX_TSCONFIG_PATH: resolve(import.meta.dirname, '../tsconfig.json') },
  });
  process.exit(result.status ?? 1);
}

const TARGETS = Number(process.env['TSDB_BENCH_TARGETS'] ?? 100);
const SERIES_PER_TARGET = 1000;
const SCRAPES = Number(process.env['TSDB_BENCH_SCRAPES'] ?? 120);
const INTERVAL_MS = 15_000;
const RUNS = Number(process.env['TSDB_BENCH_RUNS'] ?? 3);

/** Upstream figures from PERFORMANCE.md (Prometheus 2.42, 2 cores). */
const UPSTREAM = {
  walBytesPerSample: 8.5,
  rssBytesPerSeriesLow: 2600,
  rssBytesPerSeriesHigh: 3500,
  cpuSecondsPerMillionScrapeAndStore: 1.15,
};

interface RunResult {
  series: number;
  samples: number;
  ingestCpuSeconds: number;
  ingestWallSeconds: number;
  walBytes: number;
  chunkBytes: number;
  rssBytesPerSeries: number;
  heapBytesPerSeries: number;
  replayWallSeconds: number;
  replayCpuSeconds: number;
  replaySamples: number;
}

function gc(): void {
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
}

function dirBytes(dir: string): number {
  let total = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    total += e.isDirectory() ? dirBytes(p) : statSync(p).size;
  }
  return total;
}

async function child(): Promise<void> {
  const { Labels } = await import('@argus/model');
  const { openTsdb } = await import('@argus/tsdb');
  // Node-exporter-like label sets: ~100 metric names, cpu/mode/device fan-out, per target.
  const targets: ReturnType<typeof Labels.of>[][] = [];
  for (let t = 0; t < TARGETS; t++) {
    const sets: ReturnType<typeof Labels.of>[] = [];
    for (let i = 0; i < SERIES_PER_TARGET; i++) {
      const family = i % 100;
      sets.push(
        Labels.of(
          '__name__',
          `node_bench_metric_${family}_total`,
          'cpu',
          String(Math.floor(i / 100) % 16),
          'instance',
          `10.0.${t >> 8}.${t & 255}:9100`,
          'job',
          'node',
          'mode',
          ['idle', 'iowait', 'irq', 'nice', 'softirq', 'steal', 'system', 'user'][Math.floor(i / 1600) % 8]! +
            String(Math.floor(i / 100)),
        ),
      );
    }
    targets.push(sets);
  }
  let seed = 7;
  const rand = (): number => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return seed / 2 ** 32;
  };
  // Per series value state: counters grow by small integers, every 4th is a noisy gauge.
  const values = new Float64Array(TARGETS * SERIES_PER_TARGET);
  const refs = new Array<number>(TARGETS * SERIES_PER_TARGET).fill(0);

  const dir = mkdtempSync(join(tmpdir(), 'argus-bench-tsdb-'));
  try {
    gc();
    const rssBefore = process.memoryUsage().rss;
    const heapBefore = process.memoryUsage().heapUsed + process.memoryUsage().arrayBuffers;
    let db: Awaited<ReturnType<typeof openTsdb>> | undefined = await openTsdb(dir);
    const t0 = 1_700_000_000_000;
    const cpu0 = process.cpuUsage();
    const wall0 = performance.now();
    let samples = 0;
    for (let s = 0; s < SCRAPES; s++) {
      const ts = t0 + s * INTERVAL_MS;
      for (let t = 0; t < TARGETS; t++) {
        const app = db.appender();
        const sets = targets[t]!;
        const base = t * SERIES_PER_TARGET;
        for (let i = 0; i < SERIES_PER_TARGET; i++) {
          const k = base + i;
          const v =
            i % 4 === 3 ? Math.round(rand() * 1e6) / 100 : (values[k] = values[k]! + Math.floor(rand() * 10));
          refs[k] = app.append(refs[k]!, sets[i]!, ts + (k % 7), v);
        }
        await app.commit();
        samples += SERIES_PER_TARGET;
      }
    }
    const cpu = process.cpuUsage(cpu0);
    const wall = (performance.now() - wall0) / 1000;
    let chunkBytes = 0;
    for (const s of db.head.allSeries()) for (const c of s.chunkViews()) chunkBytes += c.bytes.length;
    gc();
    const rssAfter = process.memoryUsage().rss;
    const heapAfter = process.memoryUsage().heapUsed + process.memoryUsage().arrayBuffers;
    const series = db.head.numSeries;
    await db.close();
    // Replay from a clean heap: the ingesting head must not stay alive during it.
    db = undefined;
    gc();
    const walBytes = dirBytes(join(dir, 'wal'));

    const rcpu0 = process.cpuUsage();
    const rwall0 = performance.now();
    const again = await openTsdb(dir);
    const rcpu = process.cpuUsage(rcpu0);
    const rwall = (performance.now() - rwall0) / 1000;
    const replaySamples = again.replay.samples;
    await again.close();

    const result: RunResult = {
      series,
      samples,
      ingestCpuSeconds: (cpu.user + cpu.system) / 1e6,
      ingestWallSeconds: wall,
      walBytes,
      chunkBytes,
      // The label sets and value arrays of the generator are allocated before the baseline.
      rssBytesPerSeries: (rssAfter - rssBefore) / series,
      heapBytesPerSeries: (heapAfter - heapBefore) / series,
      replayWallSeconds: rwall,
      replayCpuSeconds: (rcpu.user + rcpu.system) / 1e6,
      replaySamples,
    };
    process.stdout.write(`RESULT ${JSON.stringify(result)}\n`);
    if (process.argv.includes('--keep')) process.stdout.write(`DIR ${dir}\n`);
  } finally {
    if (!process.argv.includes('--keep')) rmSync(dir, { recursive: true, force: true });
  }
}

interface PrometheusReplay {
  /** CPU seconds of the process when it logged "WAL replay completed". */
  cpuSeconds: number;
  /** RSS when it logged "Server is ready", and 3 s later. */
  rssReadyBytes: number;
  rssSettledBytes: number;
  walReplayWallSeconds: number;
}

/** Starts Prometheus on `dataDir`, measures until ready, stops it. */
async function prometheusReplay(dataDir: string): Promise<PrometheusReplay> {
  const confDir = mkdtempSync(join(tmpdir(), 'argus-bench-prom-'));
  const config = join(confDir, 'prometheus.yml');
  writeFileSync(config, 'global:\n  scrape_interval: 1m\n');
  const child = spawn(
    '/usr/bin/prometheus',
    [`--config.file=${config}`, `--storage.tsdb.path=${dataDir}`, '--web.listen-address=127.0.0.1:0'],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  const pid = child.pid!;
  try {
    return await new Promise<PrometheusReplay>((resolvePromise, reject) => {
      let log = '';
      const out: Partial<PrometheusReplay> = {};
      child.once('exit', () => reject(new Error(`prometheus exited:\n${log}`)));
      child.stderr!.on('data', (d: Buffer) => {
        log += d.toString();
        if (out.cpuSeconds === undefined && log.includes('msg="WAL replay completed"')) {
          out.cpuSeconds = cpuSeconds(pid);
          const m = /wal_replay_duration=([\d.]+)(ms|s|µs|m)/.exec(log);
          out.walReplayWallSeconds = m
            ? Number(m[1]) * ({ ms: 1e-3, s: 1, µs: 1e-6, m: 60 } as Record<string, number>)[m[2]!]!
            : NaN;
        }
        if (
          out.rssReadyBytes === undefined &&
          log.includes('msg="Server is ready to receive web requests."')
        ) {
          out.rssReadyBytes = rssBytes(pid);
          setTimeout(() => {
            out.rssSettledBytes = rssBytes(pid);
            resolvePromise(out as PrometheusReplay);
          }, 3000);
        }
      });
    });
  } finally {
    child.kill('SIGKILL');
    rmSync(confDir, { recursive: true, force: true });
  }
}

async function parent(): Promise<void> {
  const runs: RunResult[] = [];
  let keptDir: string | undefined;
  for (let r = 0; r < RUNS; r++) {
    const keep = r === 0 && existsSync('/usr/bin/prometheus');
    const out = spawnSync(
      process.execPath,
      [...process.execArgv, process.argv[1]!, '--child', ...(keep ? ['--keep'] : [])],
      {
        encoding: 'utf8',
        env: process.env,
        maxBuffer: 1 << 20,
      },
    );
    const line = out.stdout.split('\n').find((l) => l.startsWith('RESULT '));
    if (!line) {
      process.stderr.write(out.stdout + out.stderr);
      process.exit(1);
    }
    runs.push(JSON.parse(line.slice(7)) as RunResult);
    console.log(`run ${r + 1}/${RUNS}: ${line.slice(7)}`);
    keptDir ??= out.stdout
      .split('\n')
      .find((l) => l.startsWith('DIR '))
      ?.slice(4);
  }
  // Prometheus on the same WAL, three times each on it and on an empty directory.
  let prom:
    | {
        replayCpu: ReturnType<typeof spread>;
        rssPerSeries: ReturnType<typeof spread>;
        rssReadyPerSeries: ReturnType<typeof spread>;
        wall: ReturnType<typeof spread>;
      }
    | undefined;
  if (keptDir) {
    const empty: PrometheusReplay[] = [];
    const full: PrometheusReplay[] = [];
    try {
      for (let i = 0; i < 3; i++) {
        const emptyDir = mkdtempSync(join(tmpdir(), 'argus-bench-prom-empty-'));
        try {
          empty.push(await prometheusReplay(emptyDir));
        } finally {
          rmSync(emptyDir, { recursive: true, force: true });
        }
        // Prometheus writes into the directory (a new segment, chunks_head); replays stay comparable.
        full.push(await prometheusReplay(keptDir));
        console.log(
          `prometheus ${i + 1}/3: empty ${JSON.stringify(empty[i])} full ${JSON.stringify(full[i])}`,
        );
      }
    } finally {
      rmSync(keptDir, { recursive: true, force: true });
    }
    const series = runs[0]!.series;
    const samples = runs[0]!.replaySamples;
    const baseCpu = spread(empty.map((e) => e.cpuSeconds)).median;
    const baseRss = spread(empty.map((e) => e.rssSettledBytes)).median;
    const baseReady = spread(empty.map((e) => e.rssReadyBytes)).median;
    prom = {
      replayCpu: spread(full.map((f) => (f.cpuSeconds - baseCpu) / (samples / 1e6))),
      rssPerSeries: spread(full.map((f) => (f.rssSettledBytes - baseRss) / series)),
      rssReadyPerSeries: spread(full.map((f) => (f.rssReadyBytes - baseReady) / series)),
      wall: spread(full.map((f) => f.walReplayWallSeconds / (samples / 1e6))),
    };
  }
  const med = (f: (r: RunResult) => number) => spread(runs.map(f));
  const first = runs[0]!;
  // The machine is shared: CPU time, not wall time, is the figure to compare.
  const appendsPerSecond = med((r) => r.samples / r.ingestCpuSeconds);
  const cpuPerMillion = med((r) => r.ingestCpuSeconds / (r.samples / 1e6));
  const walPerSample = med((r) => r.walBytes / r.samples);
  const chunkPerSample = med((r) => r.chunkBytes / r.samples);
  const rssPerSeries = med((r) => r.rssBytesPerSeries);
  const heapPerSeries = med((r) => r.heapBytesPerSeries);
  const replayPerMillion = med((r) => r.replayCpuSeconds / (r.replaySamples / 1e6));
  const mid = (UPSTREAM.rssBytesPerSeriesLow + UPSTREAM.rssBytesPerSeriesHigh) / 2;
  const md = `# TSDB head ingestion (@argus/tsdb)

${first.series.toLocaleString('en')} series (${TARGETS} targets × ${SERIES_PER_TARGET}), ${SCRAPES} scrapes at ${INTERVAL_MS / 1000} s,
${first.samples.toLocaleString('en')} samples, one commit (one WAL write) per target scrape, refs cached as a scrape cache does.
Median (min–max) of ${RUNS} runs, each in a fresh process; CPU time of the process (the machine is shared, wall time is not comparable).
Rows marked "measured" ran Debian's Prometheus 2.42 on the WAL our first run wrote (median of 3, minus an empty-directory start;
its replay uses both cores, CPU summed); other Prometheus figures are PERFORMANCE.md's. Both WALs are snappy-compressed.

| figure | argus | Prometheus 2.42 | argus ÷ Prometheus |
|---|---|---|---|
| appends per CPU-second (millions) | ${formatSpread({ ...appendsPerSecond, median: appendsPerSecond.median / 1e6, min: appendsPerSecond.min / 1e6, max: appendsPerSecond.max / 1e6 })} | — | — |
| CPU-s per million samples (append + commit + WAL) | ${formatSpread(cpuPerMillion, 3)} | 1.1–1.2 (scrape **and** store) | ${(cpuPerMillion.median / UPSTREAM.cpuSecondsPerMillionScrapeAndStore).toFixed(2)}× (ours excludes scraping) |
| WAL bytes per sample | ${formatSpread(walPerSample)} | 8.5 | ${(walPerSample.median / UPSTREAM.walBytesPerSample).toFixed(2)}× |
| head chunk bytes per sample | ${formatSpread(chunkPerSample)} | — | — |
| RSS per active series (bytes), after ingest | ${formatSpread(rssPerSeries, 0)} | 2,600–3,500 (PERFORMANCE.md) | ${(rssPerSeries.median / mid).toFixed(2)}× (vs 3,050) |
| RSS per series after replaying this WAL (bytes), 3 s after ready | — | ${prom ? formatSpread(prom.rssPerSeries, 0) : 'not run'} (measured) | ${prom ? (rssPerSeries.median / prom.rssPerSeries.median).toFixed(2) + '× (ours after ingest)' : '—'} |
| JS heap + array buffers per series (bytes) | ${formatSpread(heapPerSeries, 0)} | — | — |
| WAL replay, CPU-s per million samples | ${formatSpread(replayPerMillion, 3)} | ${prom ? formatSpread(prom.replayCpu, 3) : 'not run'} (measured, same WAL) | ${prom ? (replayPerMillion.median / prom.replayCpu.median).toFixed(2) + '×' : '—'} |
`;
  writeResult(
    'tsdb-head',
    {
      config: {
        targets: TARGETS,
        seriesPerTarget: SERIES_PER_TARGET,
        scrapes: SCRAPES,
        intervalMs: INTERVAL_MS,
        runs: RUNS,
      },
      upstream: UPSTREAM,
      runs,
      summary: {
        appendsPerSecond,
        cpuPerMillion,
        walPerSample,
        chunkPerSample,
        rssPerSeries,
        heapPerSeries,
        replayPerMillion,
      },
      prometheus: prom,
    },
    md,
  );
}

if (process.argv.includes('--child')) await child();
else await parent();
