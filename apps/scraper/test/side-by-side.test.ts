// One prometheus.yml given to Debian's Prometheus 2.42 and to our scraper + tsdb: static
// targets Debian's node-exporter and pushgateway, our node-exporter, two synthetic targets,
// and relabel rules using every action (2.42 knows all eleven; `promtool check config`
// accepts this file). Both stores must hold exactly the same series (names and label sets,
// `up` and `scrape_*` included), both must show the same targets (tsdb answering
// /api/v1/targets by asking the scraper) and the same target metadata.
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import { execFileSync } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  freePort,
  makeTempDir,
  requireProgram,
  startNodeExporter,
  startPrometheus,
  startPushgateway,
  startService,
  waitFor,
} from '@argus/testkit';
import type { RunningProgram, TempDir, TestProcess } from '@argus/testkit';

let dir: TempDir;
let debianExporter: RunningProgram;
let pushgateway: RunningProgram;
let ourExporter: TestProcess;
let prometheus: RunningProgram;
let tsdb: TestProcess;
let scraper: TestProcess;
let tsdbUrl: string;
const synthetic: Server[] = [];
const syntheticAddrs: string[] = [];
let ourExporterAddr: string;

/** A fixed exposition: conflicts with target labels, a histogram, metrics to drop and keep. */
const SYNTHETIC_BODY = `# HELP synthetic_requests_total Requests handled.
# TYPE synthetic_requests_total counter
synthetic_requests_total{code="200",job="inner",instance="x"} 5
synthetic_requests_total{code="500",job="inner",instance="x"} 1
# HELP synthetic_latency_seconds Latency.
# TYPE synthetic_latency_seconds histogram
synthetic_latency_seconds_bucket{le="0.1"} 3
synthetic_latency_seconds_bucket{le="+Inf"} 6
synthetic_latency_seconds_sum 1.5
synthetic_latency_seconds_count 6
# TYPE synthetic_temperature gauge
synthetic_temperature{Room="Hall",secret="s1"} 21.5
synthetic_drop_me 1
debug_info{version="1.2.3"} 1
`;

function config(remoteWrite: string): string {
  const [synA, synB] = syntheticAddrs;
  return `
global:
  scrape_interval: 1s
  scrape_timeout: 1s
  external_labels: {}
scrape_configs:
  - job_name: node
    static_configs:
      - targets: ['${debianExporter.url.slice(7)}']
        labels: { __meta_team: infra, Env: TEST }
    relabel_configs:
      - { action: labelmap, regex: '__meta_(.+)' }
      - { action: lowercase, source_labels: [Env], target_label: env }
      - { action: uppercase, source_labels: [__meta_team], target_label: TEAM }
      - { action: labeldrop, regex: 'Env' }
      - { action: replace, source_labels: [__address__], regex: '([^:]+):.*', target_label: host, replacement: '\${1}' }
    metric_relabel_configs:
      - { action: drop, source_labels: [__name__], regex: 'node_(scrape|textfile)_.*' }
  - job_name: push
    static_configs:
      - targets: ['${pushgateway.url.slice(7)}', '127.0.0.1:1']
    relabel_configs:
      - { action: keep, source_labels: [__address__], regex: '.*:${pushgateway.port}' }
      - { action: hashmod, source_labels: [__address__], target_label: __tmp_hash, modulus: 8 }
      - { action: replace, source_labels: [__tmp_hash], target_label: shard }
  - job_name: ours
    static_configs:
      - targets: ['${ourExporterAddr}']
        labels: { __tmp_want: '${ourExporterAddr}' }
      - targets: ['127.0.0.1:2']
        labels: { __tmp_want: 'somewhere-else:2' }
    relabel_configs:
      - { action: keepequal, source_labels: [__address__], target_label: __tmp_want }
      - { action: drop, source_labels: [__address__], regex: '.*:2' }
  - job_name: synthetic
    scrape_interval: 2s
    scrape_timeout: 1s
    static_configs:
      - targets: ['${synA}', '${synB}']
        labels: { __tmp_not: '${synB}', kind: fake }
    relabel_configs:
      - { action: dropequal, source_labels: [__address__], target_label: __tmp_not }
    metric_relabel_configs:
      - { action: drop, source_labels: [__name__], regex: 'synthetic_drop_me' }
      - { action: labeldrop, regex: 'secret' }
      - { action: lowercase, source_labels: [Room], target_label: room }
      - { action: labelkeep, regex: '__name__|job|instance|kind|code|le|room|exported_.*|version' }
      - { action: keep, source_labels: [__name__], regex: 'synthetic_.*|debug_info' }
      - { action: labelmap, regex: 'exported_(job)', replacement: 'original_\${1}' }
${remoteWrite}`;
}

async function getJson<T>(url: string): Promise<T> {
  const res = await fetch(url);
  return (await res.json()) as T;
}

async function seriesSet(base: string): Promise<string[]> {
  const body = await getJson<{ data: Record<string, string>[] }>(
    `${base}/api/v1/series?match[]=${encodeURIComponent('{__name__=~".+"}')}`,
  );
  return body.data.map((m) => JSON.stringify(Object.entries(m).sort())).sort();
}

async function instantValues(base: string, expr: string): Promise<string[]> {
  const body = await getJson<{
    data: { result: { metric: Record<string, string>; value: [number, string] }[] };
  }>(`${base}/api/v1/query?query=${encodeURIComponent(expr)}`);
  return body.data.result
    .map((r) => `${JSON.stringify(Object.entries(r.metric).sort())} ${r.value[1]}`)
    .sort();
}

interface TargetView {
  labels: Record<string, string>;
  discoveredLabels: Record<string, string>;
  scrapePool: string;
  scrapeUrl: string;
  health: string;
}

async function targets(base: string): Promise<{ active: string[]; dropped: string[] }> {
  const body = await getJson<{
    data: { activeTargets: TargetView[]; droppedTargets: { discoveredLabels: Record<string, string> }[] };
  }>(`${base}/api/v1/targets`);
  const sorted = (r: Record<string, string>) => JSON.stringify(Object.entries(r).sort());
  return {
    active: body.data.activeTargets
      .map(
        (t) => `${t.scrapePool} ${t.scrapeUrl} ${t.health} ${sorted(t.labels)} ${sorted(t.discoveredLabels)}`,
      )
      .sort(),
    dropped: body.data.droppedTargets.map((t) => sorted(t.discoveredLabels)).sort(),
  };
}

beforeAll(async () => {
  dir = await makeTempDir('scraper-side-by-side');
  for (let i = 0; i < 2; i++) {
    const server = createServer((_req, res) => {
      res.setHeader('content-type', 'text/plain; version=0.0.4');
      res.end(SYNTHETIC_BODY);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    synthetic.push(server);
    syntheticAddrs.push(`127.0.0.1:${(server.address() as { port: number }).port}`);
  }
  const ourPort = await freePort();
  ourExporterAddr = `127.0.0.1:${ourPort}`;
  const tsdbPort = await freePort();
  tsdbUrl = `http://127.0.0.1:${tsdbPort}`;
  const scraperPort = await freePort();
  const scraperUrl = `http://127.0.0.1:${scraperPort}`;
  [debianExporter, pushgateway, ourExporter, tsdb] = await Promise.all([
    startNodeExporter(),
    startPushgateway(),
    startService('node-exporter', [`--web.listen-address=${ourExporterAddr}`], `http://${ourExporterAddr}`),
    startService(
      'tsdb',
      [
        `--web.listen-address=127.0.0.1:${tsdbPort}`,
        `--storage.tsdb.path=${dir.join('tsdb')}`,
        `--scraper.url=${scraperUrl}`,
      ],
      tsdbUrl,
    ),
  ]);
  const ourConfig = dir.join('prometheus.yml');
  await writeFile(
    ourConfig,
    config(
      `remote_write:\n  - url: ${tsdbUrl}/api/v1/write\n    queue_config: { batch_send_deadline: 200ms }\n`,
    ),
  );
  // The same file (remote_write aside) is valid for upstream's own checker.
  const upstreamConfig = dir.join('upstream.yml');
  await writeFile(upstreamConfig, config(''));
  execFileSync(requireProgram('promtool'), ['check', 'config', upstreamConfig]);
  [scraper, prometheus] = await Promise.all([
    startService(
      'scraper',
      [
        `--config.file=${ourConfig}`,
        `--web.listen-address=127.0.0.1:${scraperPort}`,
        `--storage.path=${dir.join('scraper')}`,
      ],
      scraperUrl,
    ),
    startPrometheus(config('')),
  ]);
}, 60_000);

afterAll(async () => {
  await Promise.all([scraper?.stop(), prometheus?.stop()]);
  await Promise.all([tsdb?.stop(), debianExporter?.stop(), pushgateway?.stop(), ourExporter?.stop()]);
  for (const s of synthetic) {
    s.closeAllConnections();
    await new Promise((resolve) => s.close(resolve));
  }
  await dir?.remove();
});

describe('same prometheus.yml: Prometheus 2.42 vs scraper + tsdb', () => {
  it('both store exactly the same series, up and scrape_* included', async () => {
    const upCount = async (base: string) => (await instantValues(base, 'up == 1')).length;
    for (const base of [tsdbUrl, prometheus.url]) {
      await waitFor(async () => (await upCount(base)) === 4, {
        timeoutMs: 20_000,
        description: `4 targets up at ${base}`,
      });
    }
    let ours: string[] = [];
    let theirs: string[] = [];
    await waitFor(
      async () => {
        [ours, theirs] = await Promise.all([seriesSet(tsdbUrl), seriesSet(prometheus.url)]);
        return ours.length > 0 && ours.join('\n') === theirs.join('\n');
      },
      { timeoutMs: 20_000, intervalMs: 1000, description: 'identical series sets' },
    ).catch(() => undefined);
    expect(ours.length).toBeGreaterThan(500);
    for (const name of ['up', 'scrape_duration_seconds', 'scrape_samples_scraped', 'scrape_series_added'])
      expect(ours.filter((s) => s.includes(`["__name__","${name}"]`))).toHaveLength(4);
    // Every relabel action shows in the stored labels.
    const syn = ours.filter((s) => s.includes('"synthetic_requests_total"'));
    expect(syn[0]).toContain('["original_job","inner"]');
    expect(ours.some((s) => s.includes('["room","hall"]') && !s.includes('secret'))).toBe(true);
    expect(ours.some((s) => s.includes('"synthetic_drop_me"'))).toBe(false);
    expect(ours.some((s) => s.includes('["TEAM","INFRA"]') && s.includes('["env","test"]'))).toBe(true);
    expect(ours.some((s) => s.includes('["shard",'))).toBe(true);
    expect(ours).toEqual(theirs);
  }, 60_000);

  it('synthetic scrape figures agree', async () => {
    for (const name of ['scrape_samples_scraped', 'scrape_samples_post_metric_relabeling']) {
      const expr = `${name}{job="synthetic"}`;
      expect(await instantValues(tsdbUrl, expr)).toEqual(await instantValues(prometheus.url, expr));
    }
  });

  it('tsdb answers /api/v1/targets (from the scraper) as Prometheus does', async () => {
    const [ours, theirs] = await Promise.all([targets(tsdbUrl), targets(prometheus.url)]);
    expect(ours.active).toHaveLength(4);
    expect(ours.dropped).toHaveLength(3);
    expect(ours).toEqual(theirs);
    const pools = await getJson<{ data: unknown }>(`${tsdbUrl}/api/v1/scrape_pools`);
    expect(pools.data).toEqual({ scrapePools: ['node', 'ours', 'push', 'synthetic'] });
  });

  it('target metadata agrees for the synthetic job', async () => {
    const q = `/api/v1/targets/metadata?match_target=${encodeURIComponent('{job="synthetic"}')}`;
    const norm = (d: Record<string, unknown>[]) =>
      d.map((m) => JSON.stringify(m, Object.keys(m).sort())).sort();
    const [ours, theirs] = await Promise.all([
      getJson<{ data: Record<string, unknown>[] }>(`${tsdbUrl}${q}`),
      getJson<{ data: Record<string, unknown>[] }>(`${prometheus.url}${q}`),
    ]);
    expect(ours.data.length).toBeGreaterThan(0);
    expect(norm(ours.data)).toEqual(norm(theirs.data));
  });
});
