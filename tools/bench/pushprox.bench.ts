// PushProx benchmark: what our proxy + client add to a scrape. No upstream PushProx is
// installed here, so the baseline is a direct scrape of the same target (Debian's
// prometheus-node-exporter 1.5) in the same run. Scrapes are sequential, gzip accepted,
// body read to the end, keep-alive, as Prometheus does; direct and proxied scrapes
// alternate so both see the same machine load. Reported: latency median and spread of each
// path, the added latency; then a second window of proxied scrapes only, over which the CPU
// seconds of the proxy and of the client (from /proc/<pid>/stat) give CPU per 1,000
// proxied scrapes, beside the exporter's own CPU per 1,000 scrapes as the scale.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { Agent, request } from 'node:http';
import { cpus, loadavg } from 'node:os';
import { resolve } from 'node:path';
import { cpuSeconds, formatSpread, rssBytes, spread, writeResult } from './measure.ts';
import { freePort } from './processes.ts';

const root = resolve(import.meta.dirname, '../..');
const WARMUP = 30;
const SCRAPES = Number(process.env.BENCH_SCRAPES ?? 500);
const FQDN = '127.0.0.1';

async function waitUp(url: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not yet listening
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`${url} never came up`);
}

const agent = new Agent({ keepAlive: true, maxSockets: 1 });

/** One scrape; `viaProxy` sends the absolute-form request to the proxy. Resolves to [ms, bytes]. */
function scrape(targetPort: number, viaProxy: number | undefined): Promise<[number, number]> {
  return new Promise((res, rej) => {
    const start = process.hrtime.bigint();
    const target = `${FQDN}:${targetPort}`;
    const req = request(
      {
        host: '127.0.0.1',
        port: viaProxy ?? targetPort,
        path: viaProxy ? `http://${target}/metrics` : '/metrics',
        headers: {
          host: target,
          'accept-encoding': 'gzip',
          'x-prometheus-scrape-timeout-seconds': '10',
          'user-agent': 'Prometheus/2.42.0',
        },
        agent,
      },
      (resp) => {
        let bytes = 0;
        resp.on('data', (c: Buffer) => (bytes += c.length));
        resp.on('end', () => {
          if (resp.statusCode !== 200) rej(new Error(`status ${resp.statusCode}`));
          else res([Number(process.hrtime.bigint() - start) / 1e6, bytes]);
        });
      },
    );
    req.on('error', rej);
    req.end();
  });
}

const children: ChildProcess[] = [];
function run(command: string, args: string[]): ChildProcess {
  const child = spawn(command, args, { stdio: 'ignore' });
  children.push(child);
  return child;
}

try {
  const exporterPort = await freePort();
  const proxyPort = await freePort();
  const clientPort = await freePort();
  const exporter = run('/usr/bin/prometheus-node-exporter', [
    `--web.listen-address=127.0.0.1:${exporterPort}`,
  ]);
  const proxy = run(process.execPath, [
    resolve(root, 'apps/pushprox-proxy/dist/main.js'),
    `--web.listen-address=127.0.0.1:${proxyPort}`,
    '--log.level=warn',
  ]);
  const client = run(process.execPath, [
    resolve(root, 'apps/pushprox-client/dist/main.js'),
    `--fqdn=${FQDN}`,
    `--proxy-url=http://127.0.0.1:${proxyPort}/`,
    `--metrics-addr=127.0.0.1:${clientPort}`,
    '--log.level=warn',
  ]);
  await Promise.all([
    waitUp(`http://127.0.0.1:${exporterPort}/metrics`),
    waitUp(`http://127.0.0.1:${proxyPort}/-/ready`),
    waitUp(`http://127.0.0.1:${clientPort}/-/ready`),
  ]);
  for (;;) {
    const clients = (await (await fetch(`http://127.0.0.1:${proxyPort}/clients`)).json()) as unknown[];
    if (clients.length > 0) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  for (let i = 0; i < WARMUP; i++) {
    await scrape(exporterPort, undefined);
    await scrape(exporterPort, proxyPort);
  }
  const direct: number[] = [];
  const proxied: number[] = [];
  let bytes = 0;
  for (let i = 0; i < SCRAPES; i++) {
    direct.push((await scrape(exporterPort, undefined))[0]);
    const [ms, size] = await scrape(exporterPort, proxyPort);
    proxied.push(ms);
    bytes = size;
  }
  // CPU window: proxied scrapes only, back to back; the processes are otherwise idle.
  const cpuOf = () => ({
    proxy: cpuSeconds(proxy.pid!),
    client: cpuSeconds(client.pid!),
    exporter: cpuSeconds(exporter.pid!),
  });
  const before = cpuOf();
  const windowStart = process.hrtime.bigint();
  for (let i = 0; i < SCRAPES; i++) await scrape(exporterPort, proxyPort);
  const windowSeconds = Number(process.hrtime.bigint() - windowStart) / 1e9;
  const after = cpuOf();
  const directSpread = spread(direct);
  const proxiedSpread = spread(proxied);
  const added = spread(proxied.map((ms, i) => ms - direct[i]!));
  const per1000 = {
    proxy: ((after.proxy - before.proxy) / SCRAPES) * 1000,
    client: ((after.client - before.client) / SCRAPES) * 1000,
    exporter: ((after.exporter - before.exporter) / SCRAPES) * 1000,
  };
  const rss = { proxyMiB: rssBytes(proxy.pid!) / 2 ** 20, clientMiB: rssBytes(client.pid!) / 2 ** 20 };
  const markdown = [
    '# PushProx: our proxy + client vs a direct scrape',
    '',
    `Target: Debian prometheus-node-exporter 1.5 (default collectors), gzip body ${(bytes / 1024).toFixed(1)} KiB.`,
    `${SCRAPES} sequential scrapes each way after ${WARMUP} warm-up, alternating, keep-alive. No upstream PushProx is installed, so the baseline is the direct scrape.`,
    '',
    '| | value |',
    '|---|---|',
    `| direct scrape latency, ms (median, min–max) | ${formatSpread(directSpread)} |`,
    `| through proxy + client, ms | ${formatSpread(proxiedSpread)} |`,
    `| added latency per scrape, ms | ${formatSpread(added)} |`,
    `| proxy CPU-s per 1,000 proxied scrapes | ${per1000.proxy.toFixed(2)} |`,
    `| client CPU-s per 1,000 proxied scrapes | ${per1000.client.toFixed(2)} |`,
    `| for scale: node-exporter CPU-s per 1,000 scrapes (same window) | ${per1000.exporter.toFixed(2)} |`,
    `| RSS after the window, proxy / client (MiB) | ${rss.proxyMiB.toFixed(0)} / ${rss.clientMiB.toFixed(0)} |`,
    '',
    `CPU: /proc/<pid>/stat before and after a separate window of ${SCRAPES} proxied scrapes back to back (${windowSeconds.toFixed(1)} s).`,
    `Machine load average (1 min) at the end: ${loadavg()[0]!.toFixed(1)} on ${cpus().length} cores; on a shared machine kernel time of loopback writes dominates the proxy's CPU.`,
  ].join('\n');
  writeResult(
    'pushprox',
    {
      scrapes: SCRAPES,
      bodyBytes: bytes,
      direct: directSpread,
      proxied: proxiedSpread,
      addedMs: added,
      cpuSecondsPer1000: per1000,
      cpuWindowSeconds: windowSeconds,
      loadAverage1m: loadavg()[0],
      rss,
    },
    markdown,
  );
} finally {
  for (const child of children) child.kill('SIGTERM');
  agent.destroy();
}
