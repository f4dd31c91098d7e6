import { createServer } from 'node:http';
import type { Server } from 'node:http';
import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, startNodeExporter, startPrometheus, startService, waitFor } from '@argus/testkit';
import type { RunningProgram, TestProcess } from '@argus/testkit';

// Real processes: our built proxy and client (dist/main.js), Debian's prometheus 2.42 and
// prometheus-node-exporter 1.5.

let proxy: TestProcess;
let proxyPort: number;
let nodeExporter: RunningProgram;
let prometheus: RunningProgram | undefined;
const clients: TestProcess[] = [];
let slowTarget: Server;
let slowPort: number;

async function startClient(fqdn: string): Promise<TestProcess> {
  const metricsPort = await freePort();
  const client = await startService(
    'pushprox-client',
    [
      `--fqdn=${fqdn}`,
      `--proxy-url=http://127.0.0.1:${proxyPort}`,
      `--metrics-addr=127.0.0.1:${metricsPort}`,
      '--proxy.retry.initial-wait=100ms',
      '--proxy.retry.max-wait=300ms',
    ],
    `http://127.0.0.1:${metricsPort}`,
  );
  clients.push(client);
  return client;
}

async function startProxy(port: number): Promise<TestProcess> {
  return startService(
    'pushprox-proxy',
    [`--web.listen-address=127.0.0.1:${port}`, '--log.level=warn'],
    `http://127.0.0.1:${port}`,
  );
}

/** A raw proxied scrape, as Prometheus sends it with proxy_url set. */
function proxiedScrape(target: string, timeoutSeconds: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: '127.0.0.1',
        port: proxyPort,
        path: `http://${target}/metrics`,
        headers: { host: target, 'x-prometheus-scrape-timeout-seconds': timeoutSeconds },
        agent: false,
      },
      (res) => {
        const parts: Buffer[] = [];
        res.on('data', (c: Buffer) => parts.push(c));
        res.on('end', () => resolve({ status: res.statusCode!, body: Buffer.concat(parts).toString() }));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

async function clientsListed(): Promise<string[]> {
  const body = (await (await fetch(`http://127.0.0.1:${proxyPort}/clients`)).json()) as {
    targets: string[];
  }[];
  return body.map((g) => g.targets[0]!).sort();
}

beforeAll(async () => {
  proxyPort = await freePort();
  proxy = await startProxy(proxyPort);
  nodeExporter = await startNodeExporter({
    args: [
      '--collector.disable-defaults',
      '--collector.cpu',
      '--collector.meminfo',
      '--collector.loadavg',
      '--collector.stat',
    ],
  });
  slowTarget = createServer((request) => {
    // Answers never: a target slower than any scrape timeout.
    request.resume();
  });
  await new Promise<void>((resolve) => slowTarget.listen(0, '127.0.0.1', resolve));
  slowPort = (slowTarget.address() as { port: number }).port;
  await startClient('127.0.0.1');
}, 60_000);

afterAll(async () => {
  await Promise.all([
    prometheus?.stop(),
    nodeExporter?.stop(),
    proxy?.stop(),
    ...clients.map((c) => c.stop()),
  ]);
  slowTarget?.closeAllConnections();
  await new Promise((resolve) => slowTarget?.close(resolve));
});

describe('pushprox end to end', () => {
  it("Debian's Prometheus scrapes node-exporter through our proxy and client: same series as directly, and discovers the client on /clients", async () => {
    const target = `127.0.0.1:${nodeExporter.port}`;
    prometheus = await startPrometheus(`
global: { scrape_interval: 1s, scrape_timeout: 1s }
scrape_configs:
  - job_name: direct
    static_configs: [{ targets: ['${target}'] }]
  - job_name: proxied
    proxy_url: http://127.0.0.1:${proxyPort}/
    static_configs: [{ targets: ['${target}'] }]
  - job_name: discovered
    proxy_url: http://127.0.0.1:${proxyPort}/
    http_sd_configs: [{ url: 'http://127.0.0.1:${proxyPort}/clients', refresh_interval: 1s }]
    relabel_configs:
      - { source_labels: [__address__], target_label: __address__, replacement: '\${1}:${nodeExporter.port}' }
`);
    const query = async (expr: string) => {
      const answer = (await (
        await fetch(`${prometheus!.url}/api/v1/query?query=${encodeURIComponent(expr)}`)
      ).json()) as {
        data: { result: { metric: Record<string, string>; value: [number, string] }[] };
      };
      return answer.data.result;
    };
    await waitFor(
      async () => (await query('sum by (job) (up)')).filter((r) => r.value[1] === '1').length === 3,
      {
        timeoutMs: 30_000,
        description: 'direct, proxied and discovered targets up',
      },
    );
    await waitFor(async () => (await query('count_over_time(up{job="discovered"}[1m]) >= 2')).length === 1, {
      timeoutMs: 20_000,
      description: 'two discovered scrapes',
    });
    const seriesOf = async (job: string) =>
      new Set(
        (await query(`{job="${job}", __name__=~"node_.+"}`)).map((r) => {
          const { job: _job, ...labels } = r.metric;
          return JSON.stringify(Object.entries(labels).sort());
        }),
      );
    const direct = await seriesOf('direct');
    expect(direct.size).toBeGreaterThan(10);
    expect(await seriesOf('proxied')).toEqual(direct);
    expect(await seriesOf('discovered')).toEqual(direct);
  }, 90_000);

  it('honours the scrape timeout end to end (500 with a deadline error, not a hang)', async () => {
    const answer = await proxiedScrape(`127.0.0.1:${slowPort}`, '0.5');
    expect(answer.status).toBe(500);
    expect(answer.body).toMatch(/deadline exceeded/);
  });

  it('a client killed mid-scrape fails that scrape promptly; other clients go on', async () => {
    const doomed = await startClient('localhost');
    await waitFor(async () => (await clientsListed()).includes('localhost'), {
      description: 'doomed client registered',
    });
    const scrape = proxiedScrape(`localhost:${slowPort}`, '60');
    const other = proxiedScrape(`127.0.0.1:${nodeExporter.port}`, '10');
    await new Promise((r) => setTimeout(r, 500));
    await doomed.stop('SIGKILL', 0);
    // The scrape timeout is 60 s; the test's own timeout (20 s) fails if the error waits for it.
    const answer = await scrape;
    expect(answer).toEqual({
      status: 500,
      body: `Error scraping "http://localhost:${slowPort}/metrics": client "localhost" disconnected before answering\n`,
    });
    expect((await other).status).toBe(200);
  }, 20_000);

  it('clients come back by themselves after the proxy restarts', async () => {
    await proxy.stop();
    proxy = await startProxy(proxyPort);
    await waitFor(async () => (await clientsListed()).includes('127.0.0.1'), {
      timeoutMs: 20_000,
      description: 'client re-registered',
    });
    const answer = await proxiedScrape(`127.0.0.1:${nodeExporter.port}`, '10');
    expect(answer.status).toBe(200);
    expect(answer.body).toContain('node_load1');
  }, 40_000);
});
