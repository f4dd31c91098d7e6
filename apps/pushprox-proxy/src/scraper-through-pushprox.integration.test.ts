import { writeFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, makeTempDir, startNodeExporter, startService, waitFor } from '@argus/testkit';
import type { RunningProgram, TempDir, TestProcess } from '@argus/testkit';

// Our scraper (apps/scraper/dist) scrapes Debian's prometheus-node-exporter twice: directly,
// and with proxy_url pointing at our proxy, through our client. Both jobs ship to our tsdb
// (apps/tsdb/dist), which must hold the same node_* series for each.

let dir: TempDir;
let exporter: RunningProgram;
let proxy: TestProcess;
let client: TestProcess;
let tsdb: TestProcess;
let scraper: TestProcess;
let tsdbUrl: string;
let proxyUrl: string;

async function service(name: string, args: (port: number) => string[]): Promise<[TestProcess, string]> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  return [await startService(name, args(port), url), url];
}

beforeAll(async () => {
  dir = await makeTempDir('scraper-pushprox');
  exporter = await startNodeExporter({
    args: ['--collector.disable-defaults', '--collector.cpu', '--collector.meminfo', '--collector.loadavg'],
  });
  [proxy, proxyUrl] = await service('pushprox-proxy', (port) => [
    `--web.listen-address=127.0.0.1:${port}`,
    '--log.level=warn',
  ]);
  [client] = await service('pushprox-client', (port) => [
    '--fqdn=127.0.0.1',
    `--proxy-url=${proxyUrl}`,
    `--metrics-addr=127.0.0.1:${port}`,
  ]);
  [tsdb, tsdbUrl] = await service('tsdb', (port) => [
    `--web.listen-address=127.0.0.1:${port}`,
    `--storage.tsdb.path=${dir.join('tsdb')}`,
  ]);
  const target = `127.0.0.1:${exporter.port}`;
  const configFile = dir.join('prometheus.yml');
  await writeFile(
    configFile,
    `global: { scrape_interval: 1s, scrape_timeout: 1s }
scrape_configs:
  - job_name: direct
    static_configs: [{ targets: ['${target}'] }]
  - job_name: proxied
    proxy_url: ${proxyUrl}/
    static_configs: [{ targets: ['${target}'] }]
remote_write:
  - url: ${tsdbUrl}/api/v1/write
    queue_config: { batch_send_deadline: 200ms }
`,
  );
  [scraper] = await service('scraper', (port) => [
    `--config.file=${configFile}`,
    `--web.listen-address=127.0.0.1:${port}`,
  ]);
}, 60_000);

afterAll(async () => {
  await scraper?.stop();
  await Promise.all([client?.stop(), proxy?.stop(), tsdb?.stop(), exporter?.stop()]);
  await dir?.remove();
});

async function query(expr: string): Promise<{ metric: Record<string, string>; value: [number, string] }[]> {
  const answer = (await (
    await fetch(`${tsdbUrl}/api/v1/query?query=${encodeURIComponent(expr)}`)
  ).json()) as {
    data: { result: { metric: Record<string, string>; value: [number, string] }[] };
  };
  return answer.data.result;
}

async function seriesOf(job: string): Promise<Set<string>> {
  return new Set(
    (await query(`{job="${job}", __name__=~"node_.+"}`)).map((r) => {
      const { job: _job, ...labels } = r.metric;
      return JSON.stringify(Object.entries(labels).sort());
    }),
  );
}

describe('our scraper through our PushProx', () => {
  it('scrapes node-exporter through proxy_url and our client: same series as a direct scrape', async () => {
    await waitFor(async () => (await query('up == 1')).length === 2, {
      timeoutMs: 30_000,
      description: 'direct and proxied targets up in tsdb',
    });
    let direct = new Set<string>();
    let proxied = new Set<string>();
    await waitFor(
      async () => {
        [direct, proxied] = await Promise.all([seriesOf('direct'), seriesOf('proxied')]);
        return direct.size > 10 && proxied.size === direct.size;
      },
      { timeoutMs: 20_000, description: 'series of both jobs in tsdb' },
    ).catch(() => undefined);
    expect(direct.size).toBeGreaterThan(10);
    expect(proxied).toEqual(direct);
    // The proxy really carried the scrapes (not a direct fallback).
    const proxyMetrics = await (await fetch(`${proxyUrl}/metrics`)).text();
    expect(proxyMetrics).toMatch(/pushproxy_proxied_requests_total\{code="200"\} [1-9]/);
  }, 60_000);
});
