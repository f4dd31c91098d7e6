// Scrape-shaped remote write: our tsdb service against Debian's Prometheus 2.42
// (`--web.enable-remote-write-receiver`), both as processes on loopback, fed the same
// stream as the scrape bench's scraper sends: 20 targets × 5,000 series (the scrape
// bench's labels: __name__, code, handler, shard and the target labels instance, job,
// target), one sample per series per 5 s round, 500 series per request (upstream's
// max_samples_per_send), requests spread evenly over the round (20,000 samples/s,
// 40 requests/s) by 4 keep-alive senders. Series creation (the first rounds) is
// warm-up; then CPU seconds (utime+stime from /proc) of the server process over a
// window, per million samples it counted in `prometheus_tsdb_head_samples_appended_total`.
// Sides run in turn, BENCH_ROUNDS times; BENCH_PER_REQUEST changes the batch size (the
// results then go to tsdb-scrape-shaped-write-<n>.{json,md}). BENCH_SIDES=argus runs ours only;
// BENCH_PROFILE=<dir> writes a --cpu-prof of our tsdb there (the profiler itself costs CPU), see processes.ts;
// BENCH_TSDB_MAIN=<path> runs another build of the tsdb (e.g. a copy of an older dist).
// Results: bench/results/tsdb-scrape-shaped-write.{json,md}.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { compressBlock } from '@argus/remote';
import { cpuSeconds, formatSpread, rssBytes, spread, writeResult } from './measure.ts';
import type { Spread } from './measure.ts';
import { childOutput, freePort, nodeFlags, sleep, stopChild, waitReady } from './processes.ts';

const root = resolve(import.meta.dirname, '../..');
const TARGETS = Number(process.env.BENCH_TARGETS ?? 20);
const SERIES = Number(process.env.BENCH_SERIES ?? 5000);
// BENCH_INTERVAL_S=1 sends the 1 s scrape interval's rate (100,000 samples/s).
const INTERVAL_MS = 1000 * Number(process.env.BENCH_INTERVAL_S ?? 5);
// Upstream 2.42's max_samples_per_send; current Prometheus sends 2000 (BENCH_PER_REQUEST=2000).
const PER_REQUEST = Number(process.env.BENCH_PER_REQUEST ?? 500);
// BENCH_SENDERS: keep-alive connections sending at once (default 4).
const SENDERS = Number(process.env.BENCH_SENDERS ?? 4);
const WARMUP_S = Number(process.env.BENCH_WARMUP_S ?? 15);
const WINDOW_S = Number(process.env.BENCH_WINDOW_S ?? 30);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2);

// --- protobuf, by hand: label bytes are encoded once, samples per round ----------------

function varint(out: number[], n: number): void {
  while (n >= 0x80) {
    out.push((n % 0x80) | 0x80);
    n = Math.floor(n / 0x80);
  }
  out.push(n);
}

function field(out: number[], tag: number, bytes: ArrayLike<number>): void {
  out.push(tag);
  varint(out, bytes.length);
  for (let i = 0; i < bytes.length; i++) out.push(bytes[i]!);
}

/** The `labels` fields (1) of a TimeSeries, sorted by name as senders send them. */
function labelBytes(labels: Record<string, string>): Buffer {
  const out: number[] = [];
  for (const name of Object.keys(labels).sort()) {
    const pair: number[] = [];
    field(pair, 0x0a, Buffer.from(name));
    field(pair, 0x12, Buffer.from(labels[name]!));
    field(out, 0x0a, pair);
  }
  return Buffer.from(out);
}

/** Every series' label bytes, target by target, as a scrape appends them. */
function allSeries(instance: string): Buffer[] {
  const out: Buffer[] = [];
  const families = 50;
  const perFamily = Math.ceil(SERIES / families);
  for (let t = 0; t < TARGETS; t++) {
    let n = 0;
    for (let f = 0; f < families && n < SERIES; f++) {
      const name = f % 2 === 0 ? `bench_requests_${f}_total` : `bench_queue_depth_${f}`;
      for (let s = 0; s < perFamily && n < SERIES; s++, n++) {
        out.push(
          labelBytes({
            __name__: name,
            handler: `/api/v1/item/${s % 25}`,
            code: String(200 + (s % 4)),
            shard: String(s),
            instance,
            job: 'bench',
            target: `t${t}`,
          }),
        );
      }
    }
  }
  return out;
}

/** The round's requests: PER_REQUEST series each, one sample per series at `ts`, snappy-compressed. */
function encodeRound(series: Buffer[], round: number, ts: number): Buffer[] {
  const bodies: Buffer[] = [];
  const f64 = Buffer.alloc(8);
  for (let start = 0; start < series.length; start += PER_REQUEST) {
    const out: number[] = [];
    for (let i = start; i < Math.min(series.length, start + PER_REQUEST); i++) {
      const sample: number[] = [0x09];
      f64.writeDoubleLE(i % 2 === 0 ? 1000 * round + (i % 977) : ((i * 13 + round * 3) % 97) / 4);
      for (const b of f64) sample.push(b);
      sample.push(0x10);
      varint(sample, ts);
      const tsBytes: number[] = [];
      for (const b of series[i]!) tsBytes.push(b);
      field(tsBytes, 0x12, sample);
      field(out, 0x0a, tsBytes);
    }
    bodies.push(compressBlock(Buffer.from(out)));
  }
  return bodies;
}

// --- sending ----------------------------------------------------------------------------

const agent = new Agent({ keepAlive: true, maxSockets: SENDERS });

function post(port: number, body: Buffer): Promise<number> {
  return new Promise((res, rej) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path: '/api/v1/write',
        method: 'POST',
        agent,
        headers: {
          'content-type': 'application/x-protobuf',
          'content-encoding': 'snappy',
          'x-prometheus-remote-write-version': '0.1.0',
          'user-agent': 'Prometheus/2.42.0',
          'content-length': body.length,
        },
      },
      (response) => {
        response.resume();
        response.on('end', () => res(response.statusCode ?? 0));
      },
    );
    req.on('error', rej);
    req.end(body);
  });
}

/**
 * Sends round after round until `stop()` says so: each round's requests spread evenly
 * over INTERVAL_MS, at most SENDERS in flight. The next round is encoded while this
 * one is sent. Any status but 204 is an error (the figure would flatter a refusal).
 */
async function sendRounds(
  port: number,
  series: Buffer[],
  stop: () => boolean,
  onRound: (r: number) => void,
): Promise<void> {
  const t0 = Math.floor(Date.now() / INTERVAL_MS) * INTERVAL_MS;
  let next = encodeRound(series, 0, t0);
  for (let round = 0; !stop(); round++) {
    const bodies = next;
    const start = performance.now();
    const gap = INTERVAL_MS / bodies.length;
    let inFlight = 0;
    let failure: Error | undefined;
    const done: Promise<void>[] = [];
    for (let k = 0; k < bodies.length; k++) {
      const due = start + k * gap - performance.now();
      if (due > 0) await sleep(due);
      while (inFlight >= SENDERS) await sleep(1);
      if (failure) throw failure;
      inFlight++;
      done.push(
        post(port, bodies[k]!).then(
          (status) => {
            inFlight--;
            if (status !== 204) failure ??= new Error(`remote write answered ${status}`);
          },
          (err: Error) => {
            inFlight--;
            failure ??= err;
          },
        ),
      );
      if (k === 0) next = encodeRound(series, round + 1, t0 + (round + 1) * INTERVAL_MS);
    }
    await Promise.all(done);
    if (failure) throw failure;
    onRound(round);
    const rest = start + INTERVAL_MS - performance.now();
    if (rest > 0) await sleep(rest);
  }
}

// --- the sides --------------------------------------------------------------------------

async function appended(base: string): Promise<number> {
  const text = await (await fetch(`${base}/metrics`)).text();
  return text
    .split('\n')
    .filter((l) => l.startsWith('prometheus_tsdb_head_samples_appended_total'))
    .reduce((sum, l) => sum + Number(l.slice(l.lastIndexOf(' ') + 1)), 0);
}

/** CPU seconds (user, system) so far of the main thread of `pid` and of its other threads (GC helpers, libuv pool). */
function cpuByThread(pid: number): Record<string, [number, number]> {
  const out: Record<string, [number, number]> = {};
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
      const name = tid === String(pid) ? 'main' : 'others';
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const prev = out[name] ?? [0, 0];
      out[name] = [prev[0] + Number(f[11]) / 100, prev[1] + Number(f[12]) / 100];
    } catch {
      // the thread ended
    }
  }
  return out;
}

function threadDelta(
  a: Record<string, [number, number]>,
  b: Record<string, [number, number]>,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, [u, s]] of Object.entries(b)) {
    const [u0, s0] = a[name] ?? [0, 0];
    if (u - u0 + (s - s0) > 0) out[name] = `user ${(u - u0).toFixed(2)} sys ${(s - s0).toFixed(2)}`;
  }
  return out;
}

interface Window {
  /** CPU seconds of the window, main thread and the others (user, system): where the time goes. */
  threads: Record<string, string>;
  cpuSeconds: number;
  samples: number;
  requestsPerSecond: number;
  rssMiB: number;
}

/** Warm-up (one full round, then WARMUP_S), then the measured window over `pid`. */
async function measureSide(port: number, pid: number): Promise<Window> {
  const base = `http://127.0.0.1:${port}`;
  const series = allSeries(`127.0.0.1:${port}`);
  let rounds = 0;
  let finished = false;
  const sending = sendRounds(
    port,
    series,
    () => finished,
    (r) => (rounds = r + 1),
  );
  const watch = sending.catch((err: unknown) => {
    finished = true;
    throw err;
  });
  // Awaited in `finally`; until then a failure must not end the process as an unhandled
  // rejection (which would leave the server running).
  watch.catch(() => undefined);
  try {
    while (rounds < 1 && !finished) await sleep(200);
    await sleep(WARMUP_S * 1000);
    const a0 = await appended(base);
    const cpu0 = cpuSeconds(pid);
    const threads0 = cpuByThread(pid);
    const t0 = performance.now();
    await sleep(WINDOW_S * 1000);
    const cpu = cpuSeconds(pid) - cpu0;
    const threads = threadDelta(threads0, cpuByThread(pid));
    const seconds = (performance.now() - t0) / 1000;
    const samples = (await appended(base)) - a0;
    return {
      threads,
      cpuSeconds: cpu,
      samples,
      requestsPerSecond: samples / PER_REQUEST / seconds,
      rssMiB: rssBytes(pid) / 2 ** 20,
    };
  } finally {
    finished = true;
    await watch;
  }
}

async function runSide(side: 'argus' | 'prometheus'): Promise<Window> {
  const dir = mkdtempSync(join(tmpdir(), `bench-scrape-shaped-${side}-`));
  const port = await freePort();
  let child: ChildProcess;
  if (side === 'prometheus') {
    writeFileSync(join(dir, 'prometheus.yml'), 'global:\n  scrape_interval: 1m\n');
    child = spawn(
      '/usr/bin/prometheus',
      [
        `--config.file=${join(dir, 'prometheus.yml')}`,
        `--storage.tsdb.path=${join(dir, 'data')}`,
        `--web.listen-address=127.0.0.1:${port}`,
        '--web.enable-remote-write-receiver',
      ],
      { stdio: 'ignore' },
    );
  } else {
    const prof = nodeFlags();
    child = spawn(
      process.execPath,
      [
        ...prof,
        process.env.BENCH_TSDB_MAIN ?? join(root, 'apps/tsdb/dist/main.js'),
        `--web.listen-address=127.0.0.1:${port}`,
        `--storage.tsdb.path=${join(dir, 'data')}`,
      ],
      { stdio: childOutput('tsdb') },
    );
  }
  // Whatever ends this process ends the server too.
  const kill = () => child.kill('SIGKILL');
  process.once('exit', kill);
  try {
    await waitReady(`http://127.0.0.1:${port}/-/ready`, [child]);
    return await measureSide(port, child.pid!);
  } finally {
    process.off('exit', kill);
    await stopChild(child);
    rmSync(dir, { recursive: true, force: true });
  }
}

const perMillion = (w: Window) => w.cpuSeconds / (w.samples / 1e6);
const fmt = (s: Spread) => (s.runs === 0 ? 'not run' : formatSpread(s));
const sides = (process.env.BENCH_SIDES ?? 'prometheus,argus').split(',');
const theirs: Window[] = [];
const ours: Window[] = [];
for (let r = 0; r < ROUNDS; r++) {
  if (sides.includes('prometheus')) {
    theirs.push(await runSide('prometheus'));
    console.log(`prometheus round ${r + 1}: ${perMillion(theirs.at(-1)!).toFixed(2)} CPU-s/M`, theirs.at(-1));
  }
  if (sides.includes('argus')) {
    ours.push(await runSide('argus'));
    console.log(`argus round ${r + 1}: ${perMillion(ours.at(-1)!).toFixed(2)} CPU-s/M`, ours.at(-1));
  }
}
agent.destroy();

// The results name the batch size and, when not 5 s, the interval.
const RESULT_NAME = [
  'tsdb-scrape-shaped-write',
  ...(PER_REQUEST === 500 ? [] : [String(PER_REQUEST)]),
  ...(INTERVAL_MS === 5000 ? [] : [`${INTERVAL_MS / 1000}s`]),
].join('-');
// One side alone (BENCH_SIDES) has no ratio: its rounds are printed above, the committed result stays.
if (ours.length === 0 || theirs.length === 0) {
  console.log(`one side only (BENCH_SIDES): bench/results/${RESULT_NAME}.* left as they are`);
  process.exit(0);
}

const ourSpread = spread(ours.map(perMillion));
const theirSpread = spread(theirs.map(perMillion));
const avg = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const load = loadavg()
  .map((x) => x.toFixed(1))
  .join(', ');
const ratio = ourSpread.median / theirSpread.median;
writeResult(
  RESULT_NAME,
  {
    targets: TARGETS,
    seriesPerTarget: SERIES,
    intervalMs: INTERVAL_MS,
    seriesPerRequest: PER_REQUEST,
    senders: SENDERS,
    warmupSeconds: WARMUP_S,
    windowSeconds: WINDOW_S,
    argus: ours,
    prometheus: theirs,
    cpuSecondsPerMillionSamples: { argus: ourSpread, prometheus: theirSpread, ratio },
    loadavg: loadavg(),
  },
  `# Scrape-shaped remote write: tsdb vs Prometheus 2.42 receiver

${TARGETS} targets × ${SERIES} series (the scrape bench's 7 labels), one sample per series every ${INTERVAL_MS / 1000} s, ${PER_REQUEST} series per request (${((TARGETS * SERIES) / (INTERVAL_MS / 1000)).toLocaleString('en')} samples/s, ${((TARGETS * SERIES) / PER_REQUEST / (INTERVAL_MS / 1000)).toFixed(0)} requests/s, ${SENDERS} keep-alive senders), pre-encoded snappy bodies sent by this process to each server in turn (Prometheus with \`--web.enable-remote-write-receiver\`).
${ROUNDS} round(s): warm-up (one full round creating the series, then ${WARMUP_S} s), then a ${WINDOW_S} s window. CPU is utime+stime of the server process from /proc/<pid>/stat; samples are its \`prometheus_tsdb_head_samples_appended_total\` increase. Load average at the end: ${load} on 2 cores.

| figure | argus tsdb | Prometheus 2.42 | argus ÷ Prometheus |
|---|---|---|---|
| CPU-s per million samples | ${fmt(ourSpread)} | ${fmt(theirSpread)} | ${ratio.toFixed(2)}× |
| requests per second stored (want ${((TARGETS * SERIES) / PER_REQUEST / (INTERVAL_MS / 1000)).toFixed(0)}) | ${avg(ours.map((w) => w.requestsPerSecond)).toFixed(1)} | ${avg(theirs.map((w) => w.requestsPerSecond)).toFixed(1)} | |
| RSS at the end of the window (MiB) | ${avg(ours.map((w) => w.rssMiB)).toFixed(0)} | ${avg(theirs.map((w) => w.rssMiB)).toFixed(0)} | |

Our tsdb's CPU seconds in each window by thread: ${ours.map((w) => `main ${w.threads.main ?? '0'}, other threads (GC helpers, libuv pool) ${w.threads.others ?? '0'}`).join('; ')}.
`,
);
