// The scraper's own /metrics against Debian's Prometheus 2.42 given the same prometheus.yml
// (static, file SD and HTTP SD jobs, one over its sample_limit; one remote_write to a sink that
// accepts, one to a sink that answers 400): the prometheus_target_, prometheus_sd_,
// prometheus_remote_storage_ and prometheus_config_ families must match in name, type and
// label names, except the documented differences below (README "Metrics"). Then behaviour:
// the sample limit counter, the failed samples counter, a refused reload.
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import { writeFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, makeTempDir, startPrometheus, startService, waitFor } from '@argus/testkit';
import type { RunningProgram, TempDir, TestProcess } from '@argus/testkit';

/** Families only 2.42 has, each with why (kept in step with the README). */
const UPSTREAM_ONLY: Record<string, string> = {
  ...Object.fromEntries(
    ['exemplars', 'histograms'].flatMap((kind) =>
      ['dropped_total', 'failed_total', 'in_total', 'pending', 'retried_total', 'total'].map((s) => [
        `prometheus_remote_storage_${kind}_${s}`,
        `${kind} are not sent by remote write`,
      ]),
    ),
  ),
  ...Object.fromEntries(
    ['bytes_total', 'failed_total', 'retried_total', 'total'].map((s) => [
      `prometheus_remote_storage_metadata_${s}`,
      'metadata is not sent by remote write',
    ]),
  ),
  prometheus_remote_storage_string_interner_zero_reference_releases_total: 'no WAL watcher string interner',
  prometheus_sd_azure_failures_total: 'no Azure SD',
  prometheus_sd_dns_lookup_failures_total: 'no DNS SD',
  prometheus_sd_dns_lookups_total: 'no DNS SD',
};
/** Families only ours has. */
const OURS_ONLY: Record<string, string> = {
  prometheus_sd_kubernetes_failures_total: "Debian's 2.42 is built without Kubernetes SD",
};
const PREFIXES = ['prometheus_target_', 'prometheus_sd_', 'prometheus_remote_storage_', 'prometheus_config_'];

interface Family {
  type: string;
  /** Label names seen on samples (le and quantile left out); undefined when no sample was seen. */
  labels?: string;
}

/** Families of an exposition under PREFIXES: type from `# TYPE`, label names from samples. */
function families(text: string): Map<string, Family> {
  const out = new Map<string, Family>();
  for (const line of text.split('\n')) {
    const type = /^# TYPE (\S+) (\S+)/.exec(line);
    if (type) {
      if (PREFIXES.some((p) => type[1]!.startsWith(p))) out.set(type[1]!, { type: type[2]! });
      continue;
    }
    if (line.startsWith('#') || line === '') continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})?/.exec(line)!;
    const name = m[1]!;
    const family = out.get(name) ?? out.get(name.replace(/_(bucket|sum|count)$/, '')) ?? undefined;
    if (family === undefined) continue;
    const names = [...(m[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="/g)]
      .map((x) => x[1]!)
      .filter((n) => n !== 'le' && n !== 'quantile')
      .sort()
      .join(',');
    family.labels = names;
  }
  return out;
}

let dir: TempDir;
let server: Server;
let prometheus: RunningProgram;
let scraper: TestProcess;
let scraperUrl: string;
let config: string;

beforeAll(async () => {
  dir = await makeTempDir('scraper-self-metrics');
  server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      if (req.url === '/ok') res.end('# TYPE ok_metric gauge\nok_metric 1\n');
      else if (req.url === '/many')
        res.end(Array.from({ length: 20 }, (_, i) => `many_metric{i="${i}"} ${i}\n`).join(''));
      else if (req.url === '/sd') res.setHeader('content-type', 'application/json').end('[]');
      else if (req.url === '/sink') res.writeHead(204).end();
      else if (req.url === '/reject') res.writeHead(400).end('rejected');
      else res.writeHead(404).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const addr = `127.0.0.1:${(server.address() as { port: number }).port}`;
  await writeFile(dir.join('targets.json'), JSON.stringify([{ targets: [addr], labels: { from: 'file' } }]));
  config = `global:
  scrape_interval: 1s
  scrape_timeout: 500ms
scrape_configs:
  - job_name: ok
    metrics_path: /ok
    static_configs: [{ targets: ['${addr}'] }]
  - job_name: many
    metrics_path: /many
    sample_limit: 5
    static_configs: [{ targets: ['${addr}'] }]
  - job_name: files
    metrics_path: /ok
    file_sd_configs: [{ files: ['${dir.join('targets.json')}'] }]
  - job_name: http
    metrics_path: /ok
    http_sd_configs: [{ url: 'http://${addr}/sd', refresh_interval: 1s }]
remote_write:
  - url: http://${addr}/sink
    queue_config: { batch_send_deadline: 100ms }
  - url: http://${addr}/reject
    queue_config: { batch_send_deadline: 100ms }
`;
  await writeFile(dir.join('prometheus.yml'), config);
  const port = await freePort();
  scraperUrl = `http://127.0.0.1:${port}`;
  [prometheus, scraper] = await Promise.all([
    startPrometheus(config),
    startService(
      'scraper',
      [
        `--config.file=${dir.join('prometheus.yml')}`,
        `--web.listen-address=127.0.0.1:${port}`,
        `--storage.path=${dir.join('scraper')}`,
      ],
      scraperUrl,
    ),
  ]);
}, 30_000);

afterAll(async () => {
  await Promise.all([scraper?.stop(), prometheus?.stop()]);
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve));
  await dir?.remove();
});

const metricsText = async (url: string): Promise<string> => (await fetch(`${url}/metrics`)).text();

/** The sum of a family's samples whose labels include `match` (e.g. `url="…"`). */
function value(text: string, name: string, match = ''): number {
  return text
    .split('\n')
    .filter((l) => (l.startsWith(`${name} `) || l.startsWith(`${name}{`)) && l.includes(match))
    .reduce((sum, l) => sum + Number(l.split(' ').at(-1)), 0);
}

describe('scraper self metrics', () => {
  it('has Prometheus 2.42’s retrieval, discovery, remote-storage and config families', async () => {
    // Upstream's vectors show up once they have a child: poll until the late ones are there,
    // taking the union (a family seen once counts).
    const upstream = new Map<string, Family>();
    const late = [
      'prometheus_target_interval_length_seconds',
      'prometheus_remote_storage_queue_highest_sent_timestamp_seconds',
      'prometheus_target_scrape_pool_targets',
      'prometheus_target_sync_length_seconds',
    ];
    await waitFor(
      async () => {
        for (const [name, f] of families(await metricsText(prometheus.url)))
          if (!upstream.get(name)?.labels) upstream.set(name, f);
        return late.every((n) => upstream.get(n)?.labels !== undefined);
      },
      { timeoutMs: 20_000, intervalMs: 500, description: 'upstream families with samples' },
    );
    const ours = families(await metricsText(scraperUrl));

    const missing = [...upstream.keys()].filter((n) => !ours.has(n) && !(n in UPSTREAM_ONLY)).sort();
    const extra = [...ours.keys()].filter((n) => !upstream.has(n) && !(n in OURS_ONLY)).sort();
    expect({ missing, extra }).toEqual({ missing: [], extra: [] });
    // The allow-lists name only real differences.
    expect(Object.keys(UPSTREAM_ONLY).filter((n) => ours.has(n))).toEqual([]);
    expect(Object.keys(OURS_ONLY).filter((n) => upstream.has(n))).toEqual([]);

    const typeDiffs: string[] = [];
    const labelDiffs: string[] = [];
    let labelsCompared = 0;
    for (const [name, u] of upstream) {
      const o = ours.get(name);
      if (o === undefined) continue;
      if (o.type !== u.type) typeDiffs.push(`${name}: ${o.type} != ${u.type}`);
      if (o.labels === undefined || u.labels === undefined) continue;
      labelsCompared++;
      if (o.labels !== u.labels) labelDiffs.push(`${name}: {${o.labels}} != {${u.labels}}`);
    }
    expect(typeDiffs).toEqual([]);
    expect(labelDiffs).toEqual([]);
    expect(labelsCompared).toBeGreaterThan(30);
  }, 30_000);

  it('counts a scrape over sample_limit', async () => {
    await waitFor(
      async () =>
        value(await metricsText(scraperUrl), 'prometheus_target_scrapes_exceeded_sample_limit_total') >= 2,
      { timeoutMs: 10_000, description: 'sample limit counted' },
    );
    const text = await metricsText(scraperUrl);
    // The ok, files and http jobs are under their limit (none): one failing target, 1/s.
    expect(value(text, 'prometheus_target_scrape_pool_targets', 'scrape_job="many"')).toBe(1);
    expect(value(text, 'prometheus_sd_discovered_targets', 'config="files"')).toBe(1);
    // Observed between consecutive scrapes, labelled with the interval as Go prints it.
    expect(value(text, 'prometheus_target_interval_length_seconds_count', 'interval="1s"')).toBeGreaterThan(
      0,
    );
  });

  it('counts the samples a rejecting remote-write endpoint failed, not those of the good one', async () => {
    await waitFor(
      async () =>
        value(await metricsText(scraperUrl), 'prometheus_remote_storage_samples_failed_total', '/reject"') >
        0,
      { timeoutMs: 10_000, description: 'failed samples counted' },
    );
    const text = await metricsText(scraperUrl);
    expect(value(text, 'prometheus_remote_storage_samples_total', '/reject"')).toBeGreaterThanOrEqual(
      value(text, 'prometheus_remote_storage_samples_failed_total', '/reject"'),
    );
    expect(value(text, 'prometheus_remote_storage_samples_failed_total', '/sink"')).toBe(0);
    expect(value(text, 'prometheus_remote_storage_samples_total', '/sink"')).toBeGreaterThan(0);
    const sent = value(text, 'prometheus_remote_storage_queue_highest_sent_timestamp_seconds', '/sink"');
    expect(Math.abs(sent - Date.now() / 1000)).toBeLessThan(10);
    expect(value(text, 'prometheus_remote_storage_highest_timestamp_in_seconds')).toBeGreaterThanOrEqual(
      sent,
    );
  });

  it('a refused reload sets prometheus_config_last_reload_successful 0, a good one 1', async () => {
    await writeFile(dir.join('prometheus.yml'), 'scrape_configs: [{ job_name: "" }]\n');
    expect((await fetch(`${scraperUrl}/-/reload`, { method: 'POST' })).ok).toBe(false);
    let text = await metricsText(scraperUrl);
    expect(value(text, 'prometheus_config_last_reload_successful')).toBe(0);
    const before = value(text, 'prometheus_target_scrape_pool_reloads_total');
    await writeFile(dir.join('prometheus.yml'), config.replace('sample_limit: 5', 'sample_limit: 50'));
    expect((await fetch(`${scraperUrl}/-/reload`, { method: 'POST' })).ok).toBe(true);
    text = await metricsText(scraperUrl);
    expect(value(text, 'prometheus_config_last_reload_successful')).toBe(1);
    expect(value(text, 'prometheus_target_scrape_pool_reloads_total')).toBe(before + 1);
  });
});
