// Our scraper scrapes Debian's prometheus-node-exporter and ships to our tsdb; Debian's
// Prometheus 2.42 scrapes the same exporter with the same scrape config. Both stores must
// end up with the same set of series (names and labels; values differ by nature).
import { writeFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  freePort,
  makeTempDir,
  startNodeExporter,
  startPrometheus,
  startService,
  waitFor,
} from '@argus/testkit';
import type { RunningProgram, TempDir, TestProcess } from '@argus/testkit';

let dir: TempDir;
let exporter: RunningProgram;
let prometheus: RunningProgram;
let tsdb: TestProcess;
let scraper: TestProcess;
let tsdbUrl: string;
let scraperUrl: string;

const scrapeConfig = (target: string) => `
  - job_name: node
    scrape_interval: 1s
    scrape_timeout: 1s
    static_configs:
      - targets: ['${target}']
        labels: { env: test }
    relabel_configs:
      - { source_labels: [__address__], target_label: __tmp_addr }
      - { source_labels: [__tmp_addr], regex: '([^:]+):.*', target_label: host, replacement: '$1' }
    metric_relabel_configs:
      - { source_labels: [__name__], regex: 'node_(scrape|textfile)_.*', action: drop }
`;

async function query(
  base: string,
  expr: string,
): Promise<{ metric: Record<string, string>; value: [number, string] }[]> {
  const res = await fetch(`${base}/api/v1/query?query=${encodeURIComponent(expr)}`);
  const body = (await res.json()) as {
    data: { result: { metric: Record<string, string>; value: [number, string] }[] };
  };
  return body.data.result;
}

async function seriesSet(base: string): Promise<string[]> {
  const res = await fetch(`${base}/api/v1/series?match[]=${encodeURIComponent('{job="node"}')}`);
  const body = (await res.json()) as { data: Record<string, string>[] };
  return body.data.map((m) => JSON.stringify(Object.entries(m).sort())).sort();
}

beforeAll(async () => {
  dir = await makeTempDir('scraper-it');
  exporter = await startNodeExporter();
  const target = exporter.url.replace('http://', '');
  const tsdbPort = await freePort();
  tsdbUrl = `http://127.0.0.1:${tsdbPort}`;
  tsdb = await startService(
    'tsdb',
    [`--web.listen-address=127.0.0.1:${tsdbPort}`, `--storage.tsdb.path=${dir.join('tsdb')}`],
    tsdbUrl,
  );
  const scraperPort = await freePort();
  scraperUrl = `http://127.0.0.1:${scraperPort}`;
  const configFile = dir.join('prometheus.yml');
  await writeFile(
    configFile,
    `global:\n  scrape_interval: 1s\nscrape_configs:${scrapeConfig(target)}remote_write:\n  - url: ${tsdbUrl}/api/v1/write\n    queue_config: { batch_send_deadline: 200ms }\n`,
  );
  scraper = await startService(
    'scraper',
    [
      `--config.file=${configFile}`,
      `--web.listen-address=127.0.0.1:${scraperPort}`,
      `--storage.path=${dir.join('scraper')}`,
    ],
    scraperUrl,
  );
  prometheus = await startPrometheus(
    `global:\n  scrape_interval: 1s\nscrape_configs:${scrapeConfig(target)}`,
  );
});

afterAll(async () => {
  await Promise.all([scraper?.stop(), prometheus?.stop()]);
  await Promise.all([tsdb?.stop(), exporter?.stop()]);
  await dir?.remove();
});

describe('scraper → tsdb', () => {
  it('up is 1 and node_cpu_seconds_total is queryable in tsdb', async () => {
    await waitFor(async () => (await query(tsdbUrl, 'up{job="node"}'))[0]?.value[1] === '1', {
      timeoutMs: 20_000,
      description: 'up in tsdb',
    });
    const cpu = await query(tsdbUrl, 'node_cpu_seconds_total{mode="idle"}');
    expect(cpu.length).toBeGreaterThan(0);
    expect(cpu[0]!.metric).toMatchObject({
      job: 'node',
      env: 'test',
      host: '127.0.0.1',
      instance: exporter.url.replace('http://', ''),
    });
    expect(cpu[0]!.metric).not.toHaveProperty('__tmp_addr');
  });

  it('/api/v1/targets shows the target healthy', async () => {
    const body = (await (await fetch(`${scraperUrl}/api/v1/targets`)).json()) as {
      data: { activeTargets: { health: string; scrapePool: string }[] };
    };
    expect(body.data.activeTargets).toMatchObject([{ health: 'up', scrapePool: 'node' }]);
  });

  it('stores the same series set as Debian Prometheus 2.42 scraping the same exporter', async () => {
    // Both need a few scrapes behind them; compare once both have seen the synthetic series.
    await waitFor(async () => (await query(prometheus.url, 'scrape_series_added{job="node"}')).length === 1, {
      timeoutMs: 20_000,
      description: 'prometheus scrapes',
    });
    let ours: string[] = [];
    let theirs: string[] = [];
    await waitFor(
      async () => {
        [ours, theirs] = await Promise.all([seriesSet(tsdbUrl), seriesSet(prometheus.url)]);
        return ours.length > 0 && ours.length === theirs.length;
      },
      { timeoutMs: 20_000, description: 'series sets of equal size' },
    ).catch(() => undefined);
    expect(ours.length).toBeGreaterThan(100);
    expect(ours.some((s) => s.includes('"scrape_series_added"'))).toBe(true);
    expect(ours).toEqual(theirs);
  });
});
