// node-exporter benchmark: Debian's prometheus-node-exporter 1.5 and ours on this machine,
// side by side in the same run. Each side is warmed up, then scraped N times
// the way Prometheus scrapes (gzip accepted, body read to the end); we report scrape latency
// (median and spread), CPU seconds per scrape from /proc/<pid>/stat, RSS after the window,
// series per scrape, and ours ÷ upstream. Upstream runs twice: with its default collectors
// (the published reference figure) and restricted to the collectors we implement. The three
// processes run at once and are scraped in turn, one request in flight at a time.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { cpus, loadavg } from 'node:os';
import { resolve } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { cpuSeconds, formatSpread, rssBytes, spread, writeResult } from './measure.ts';
import type { Spread } from './measure.ts';
import { freePort } from './processes.ts';

const root = resolve(import.meta.dirname, '../..');
const ours = resolve(root, 'apps/node-exporter/dist/main.js');
const upstreamBin = '/usr/bin/prometheus-node-exporter';
const WARMUP = 30;
const SCRAPES = Number(process.env.BENCH_SCRAPES ?? 500);
const OUR_COLLECTORS = [
  'cpu',
  'diskstats',
  'filefd',
  'filesystem',
  'loadavg',
  'meminfo',
  'netdev',
  'netstat',
  'os',
  'pressure',
  'sockstat',
  'stat',
  'time',
  'uname',
  'vmstat',
];

interface SideResult {
  name: string;
  latencyMs: Spread;
  cpuMsPerScrape: number;
  rssMiB: number;
  series: number;
  bodyBytes: number;
  contentType: string;
}

/** The Accept header of Prometheus 2.42's scrapes: OpenMetrics preferred, text 0.0.4 accepted. */
const PROMETHEUS_ACCEPT =
  'application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1';

/** One scrape: GET with Prometheus's Accept header and gzip accepted, whole body read and decompressed; resolves to [ms, text, content type]. */
function scrape(port: number): Promise<[number, string, string]> {
  return new Promise((res, rej) => {
    const start = process.hrtime.bigint();
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path: '/metrics',
        headers: { accept: PROMETHEUS_ACCEPT, 'accept-encoding': 'gzip' },
        agent: keepAlive,
      },
      (resp) => {
        const chunks: Buffer[] = [];
        resp.on('data', (c: Buffer) => chunks.push(c));
        resp.on('end', () => {
          const raw = Buffer.concat(chunks);
          const body = resp.headers['content-encoding'] === 'gzip' ? gunzipSync(raw) : raw;
          res([
            Number(process.hrtime.bigint() - start) / 1e6,
            body.toString('utf8'),
            resp.headers['content-type'] ?? '',
          ]);
        });
        resp.on('error', rej);
      },
    );
    req.on('error', rej);
    req.end();
  });
}

const keepAlive = new Agent({ keepAlive: true, maxSockets: 1 });

async function waitUp(port: number, child: ChildProcess): Promise<void> {
  for (let i = 0; i < 150; i++) {
    if (child.exitCode !== null) throw new Error(`exporter exited with ${child.exitCode}`);
    try {
      await scrape(port);
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  throw new Error('exporter did not come up');
}

interface Side {
  readonly name: string;
  readonly port: number;
  readonly child: ChildProcess;
}

async function launch(name: string, command: string, args: (port: number) => string[]): Promise<Side> {
  const port = await freePort();
  const child = spawn(command, args(port), { stdio: ['ignore', 'ignore', 'ignore'] });
  await waitUp(port, child);
  return { name, port, child };
}

/**
 * Scrapes the sides in turn (A, B, C, A, B, C, …) so that load from elsewhere on the machine
 * falls on all of them alike; CPU is each process's utime+stime over the whole window.
 */
async function measureInterleaved(sides: readonly Side[]): Promise<SideResult[]> {
  for (let i = 0; i < WARMUP; i++) for (const s of sides) await scrape(s.port);
  const cpuBefore = sides.map((s) => cpuSeconds(s.child.pid!));
  const latencies = sides.map(() => [] as number[]);
  const last = sides.map(() => '');
  const types = sides.map(() => '');
  for (let i = 0; i < SCRAPES; i++) {
    for (let j = 0; j < sides.length; j++) {
      const [ms, body, type] = await scrape(sides[j]!.port);
      latencies[j]!.push(ms);
      last[j] = body;
      types[j] = type;
    }
  }
  return sides.map((s, j) => {
    const text = last[j]!;
    return {
      name: s.name,
      latencyMs: spread(latencies[j]!),
      cpuMsPerScrape: ((cpuSeconds(s.child.pid!) - cpuBefore[j]!) * 1000) / SCRAPES,
      rssMiB: rssBytes(s.child.pid!) / 2 ** 20,
      series: text.split('\n').filter((l) => l !== '' && !l.startsWith('#')).length,
      contentType: types[j]!,
      bodyBytes: Buffer.byteLength(text),
    };
  });
}

async function stopAll(sides: readonly Side[]): Promise<void> {
  await Promise.all(
    sides.map(async (s) => {
      if (s.child.exitCode !== null) return;
      s.child.kill('SIGTERM');
      await new Promise((r) => s.child.once('exit', r));
    }),
  );
}

if (!existsSync(ours)) throw new Error(`${ours} missing: run pnpm nx run @argus-app/node-exporter:build`);
if (!existsSync(upstreamBin))
  throw new Error(`${upstreamBin} missing: apt-get install prometheus-node-exporter`);

const sides: Side[] = [];
let results: SideResult[];
try {
  sides.push(
    await launch('upstream 1.5, default collectors', upstreamBin, (p) => [
      `--web.listen-address=127.0.0.1:${p}`,
    ]),
  );
  sides.push(
    await launch('upstream 1.5, our 15 collectors', upstreamBin, (p) => [
      `--web.listen-address=127.0.0.1:${p}`,
      '--collector.disable-defaults',
      ...OUR_COLLECTORS.map((c) => `--collector.${c}`),
    ]),
  );
  sides.push(
    await launch('argus', process.execPath, (p) => [
      ours,
      `--web.listen-address=127.0.0.1:${p}`,
      '--log.level=warn',
    ]),
  );
  results = await measureInterleaved(sides);
} finally {
  await stopAll(sides);
  keepAlive.destroy();
}
const [upstreamDefault, upstreamSame, argus] = results as [SideResult, SideResult, SideResult];

const ratio = (a: number, b: number) => (a / b).toFixed(2);
const rows = results;
const md = [
  '# node-exporter: scrape cost, ours vs Debian prometheus-node-exporter 1.5',
  '',
  `${SCRAPES} scrapes per side after ${WARMUP} warm-up scrapes with Prometheus 2.42's Accept header (OpenMetrics preferred; upstream answers text 0.0.4 anyway), gzip accepted, keep-alive, same machine; the sides are scraped in turn (one request in flight at a time) so background load falls on all alike.`,
  'Latency is client-side, request to decompressed body; CPU is utime+stime of the exporter process from /proc/<pid>/stat.',
  '',
  '| side | answers | series | body bytes | latency ms median (min–max) | CPU ms / scrape | RSS MiB |',
  '|---|---|---:|---:|---|---:|---:|',
  ...rows.map(
    (r) =>
      `| ${r.name} | ${r.contentType.split(';')[0]} | ${r.series} | ${r.bodyBytes} | ${formatSpread(r.latencyMs, 2)} | ${r.cpuMsPerScrape.toFixed(2)} | ${r.rssMiB.toFixed(1)} |`,
  ),
  '',
  '| ours ÷ upstream | latency (median) | CPU / scrape | RSS |',
  '|---|---:|---:|---:|',
  `| vs upstream default collectors | ${ratio(argus.latencyMs.median, upstreamDefault.latencyMs.median)} | ${ratio(argus.cpuMsPerScrape, upstreamDefault.cpuMsPerScrape)} | ${ratio(argus.rssMiB, upstreamDefault.rssMiB)} |`,
  `| vs upstream with our 15 collectors | ${ratio(argus.latencyMs.median, upstreamSame.latencyMs.median)} | ${ratio(argus.cpuMsPerScrape, upstreamSame.cpuMsPerScrape)} | ${ratio(argus.rssMiB, upstreamSame.rssMiB)} |`,
  '',
  'Ours serves process_*, nodejs_* and promhttp_* runtime metrics; upstream serves process_*, go_* and promhttp_*.',
  `Machine load (1/5/15 min) at the end of the run: ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')} on ${cpus().length} cores.`,
].join('\n');

writeResult(
  'node-exporter',
  {
    scrapes: SCRAPES,
    warmup: WARMUP,
    versions: { upstream: 'prometheus-node-exporter 1.5.0 (Debian)', ours: '0.1.0' },
    results: rows,
  },
  md,
);
