// The built scraper with a kubernetes_sd_configs job (kubeconfig_file pointing at the test
// API server) and the relabel rules of the usual annotation-driven pod job: the pod
// annotated prometheus.io/scrape is kept, its address becomes podIP:prometheus.io/port
// (the pod's IP is 127.0.0.1 and the port a local metrics server's), /api/v1/targets shows
// it with its discovered __meta_kubernetes_* labels, it is scraped, and it goes away when
// the pod is deleted. An http_sd_configs job in the same scraper is fed by a local SD
// endpoint. Plus the config rules for the two new SD kinds.
import { createServer } from 'node:http';
import type { IncomingHttpHeaders, Server } from 'node:http';
import { readFileSync, readdirSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runKubectl, startTestApiServer } from '@argus/kube';
import type { TestApiServer } from '@argus/kube';
import { conformancePath, freePort, makeTempDir, startService, waitFor } from '@argus/testkit';
import type { TempDir, TestProcess } from '@argus/testkit';
import { parseScraperConfig } from '../src/config/scraper-config.ts';

let dir: TempDir;
let api: TestApiServer;
let metrics: Server;
let metricsPort: number;
let scraper: TestProcess;
let scraperUrl: string;
const scrapes: IncomingHttpHeaders[] = [];

async function kubectl(...args: string[]): Promise<void> {
  const res = await runKubectl(api.kubeconfigPath, args);
  if (res.code !== 0) throw new Error(`kubectl ${args.join(' ')}: ${res.stderr}`);
}

function pod(name: string, annotations: Record<string, string>): string {
  return JSON.stringify({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'default', labels: { app: name }, annotations },
    spec: {
      nodeName: 'n1',
      containers: [
        { name: 'app', image: 'app:1', ports: [{ name: 'metrics', containerPort: 8080, protocol: 'TCP' }] },
      ],
    },
    status: { phase: 'Running', podIP: '127.0.0.1', conditions: [{ type: 'Ready', status: 'True' }] },
  });
}

interface ApiTarget {
  discoveredLabels: Record<string, string>;
  labels: Record<string, string>;
  scrapePool: string;
  scrapeUrl: string;
  health: string;
  lastError: string;
}

async function targets(): Promise<{
  activeTargets: ApiTarget[];
  droppedTargets: { discoveredLabels: Record<string, string> }[];
}> {
  const res = await fetch(`${scraperUrl}/api/v1/targets`);
  return (
    (await res.json()) as {
      data: { activeTargets: ApiTarget[]; droppedTargets: { discoveredLabels: Record<string, string> }[] };
    }
  ).data;
}

beforeAll(async () => {
  dir = await makeTempDir('scraper-k8s-sd');
  metrics = createServer((req, res) => {
    if (req.url === '/sd') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify([{ targets: [`127.0.0.1:${metricsPort}`], labels: { src: 'http' } }]));
      return;
    }
    scrapes.push(req.headers);
    res.end('# TYPE app_requests_total counter\napp_requests_total 7\n');
  });
  await new Promise<void>((resolve) => metrics.listen(0, '127.0.0.1', resolve));
  metricsPort = (metrics.address() as { port: number }).port;
  api = await startTestApiServer({ bookmarkIntervalMs: 200 });
  await writeFile(
    dir.join('pods.json'),
    `${pod('web', { 'prometheus.io/scrape': 'true', 'prometheus.io/port': String(metricsPort), 'prometheus.io/path': '/custom' })}\n${pod('quiet', {})}`,
  );
  await kubectl('create', '-f', dir.join('pods.json'));
  await writeFile(
    dir.join('prometheus.yml'),
    `global: { scrape_interval: 1s, scrape_timeout: 500ms }
scrape_configs:
  - job_name: kubernetes-pods
    kubernetes_sd_configs:
      - role: pod
        kubeconfig_file: ${api.kubeconfigPath}
        namespaces: { names: [default] }
    relabel_configs:
      - source_labels: [__meta_kubernetes_pod_annotation_prometheus_io_scrape]
        action: keep
        regex: true
      - source_labels: [__meta_kubernetes_pod_annotation_prometheus_io_path]
        action: replace
        target_label: __metrics_path__
        regex: (.+)
      - source_labels: [__address__, __meta_kubernetes_pod_annotation_prometheus_io_port]
        action: replace
        regex: ([^:]+)(?::\\d+)?;(\\d+)
        replacement: $1:$2
        target_label: __address__
      - action: labelmap
        regex: __meta_kubernetes_pod_label_(.+)
      - source_labels: [__meta_kubernetes_namespace]
        target_label: namespace
      - source_labels: [__meta_kubernetes_pod_name]
        target_label: pod
  - job_name: http-sd
    http_sd_configs:
      - url: http://127.0.0.1:${metricsPort}/sd
        refresh_interval: 1s
`,
  );
  const port = await freePort();
  scraperUrl = `http://127.0.0.1:${port}`;
  scraper = await startService(
    'scraper',
    [
      `--config.file=${dir.join('prometheus.yml')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      `--storage.path=${dir.join('scraper')}`,
    ],
    scraperUrl,
  );
}, 60_000);

afterAll(async () => {
  await scraper?.stop();
  await api?.stop();
  metrics?.closeAllConnections();
  await new Promise((resolve) => metrics?.close(resolve));
  await dir?.remove();
});

describe('kubernetes_sd_configs in the built scraper', () => {
  it('discovers the annotated pod, relabels it to podIP:port, scrapes it and drops it when deleted', async () => {
    const pods = (all: ApiTarget[]): ApiTarget[] => all.filter((t) => t.scrapePool === 'kubernetes-pods');
    await waitFor(async () => pods((await targets()).activeTargets).some((t) => t.health === 'up'), {
      timeoutMs: 15_000,
      description: 'the pod target scraped',
    });
    const all = await targets();
    const activeTargets = pods(all.activeTargets);
    const { droppedTargets } = all;
    expect(activeTargets).toHaveLength(1);
    const [t] = activeTargets;
    expect(t).toMatchObject({
      scrapePool: 'kubernetes-pods',
      scrapeUrl: `http://127.0.0.1:${metricsPort}/custom`,
      health: 'up',
      lastError: '',
      labels: {
        app: 'web',
        instance: `127.0.0.1:${metricsPort}`,
        job: 'kubernetes-pods',
        namespace: 'default',
        pod: 'web',
      },
    });
    expect(t!.discoveredLabels).toMatchObject({
      __address__: '127.0.0.1:8080',
      __meta_kubernetes_namespace: 'default',
      __meta_kubernetes_pod_name: 'web',
      __meta_kubernetes_pod_ip: '127.0.0.1',
      __meta_kubernetes_pod_ready: 'true',
      __meta_kubernetes_pod_phase: 'Running',
      __meta_kubernetes_pod_node_name: 'n1',
      __meta_kubernetes_pod_container_name: 'app',
      __meta_kubernetes_pod_container_port_name: 'metrics',
      __meta_kubernetes_pod_container_port_number: '8080',
      __meta_kubernetes_pod_annotation_prometheus_io_scrape: 'true',
      __meta_kubernetes_pod_annotationpresent_prometheus_io_scrape: 'true',
      __meta_kubernetes_pod_label_app: 'web',
      job: 'kubernetes-pods',
    });
    // The pod without the annotation was discovered and dropped by the keep rule.
    expect(droppedTargets.map((d) => d.discoveredLabels.__meta_kubernetes_pod_name)).toEqual(['quiet']);
    expect(scrapes.length).toBeGreaterThan(0);
    expect(scrapes[0]!['x-prometheus-scrape-timeout-seconds']).toBe('0.5');

    await kubectl('delete', 'pod', 'web');
    await waitFor(async () => pods((await targets()).activeTargets).length === 0, {
      timeoutMs: 10_000,
      description: 'the deleted pod target gone',
    });
  });
});

describe('http_sd_configs in the built scraper', () => {
  it('scrapes the target the SD endpoint lists, with __meta_url among its discovered labels', async () => {
    const sdUrl = `http://127.0.0.1:${metricsPort}/sd`;
    await waitFor(
      async () =>
        (await targets()).activeTargets.some((t) => t.scrapePool === 'http-sd' && t.health === 'up'),
      { timeoutMs: 15_000, description: 'the HTTP SD target scraped' },
    );
    const t = (await targets()).activeTargets.find((x) => x.scrapePool === 'http-sd')!;
    expect(t.discoveredLabels).toMatchObject({
      __address__: `127.0.0.1:${metricsPort}`,
      __meta_url: sdUrl,
      src: 'http',
    });
    expect(t.labels).toEqual({ instance: `127.0.0.1:${metricsPort}`, job: 'http-sd', src: 'http' });
  });
});

describe('config', () => {
  const parse = (sd: string): unknown =>
    parseScraperConfig(`scrape_configs:\n  - job_name: j\n${sd}`, 'prometheus.yml', '/etc/prometheus');

  it.each([
    {
      name: 'unknown role',
      sd: '    kubernetes_sd_configs: [{ role: pods }]',
      want: /prometheus.yml:3:\d+: invalid value "pods", expected one of "node"/,
    },
    {
      name: 'api_server with kubeconfig_file',
      sd: '    kubernetes_sd_configs: [{ role: pod, api_server: "https://k", kubeconfig_file: k.yml }]',
      want: /cannot use 'kubeconfig_file' and 'api_server' simultaneously/,
    },
    {
      name: 'client settings without api_server',
      sd: '    kubernetes_sd_configs: [{ role: pod, bearer_token: x }]',
      want: /please provide the 'api_server' URL explicitly/,
    },
    {
      name: 'selector role the role does not allow',
      sd: '    kubernetes_sd_configs: [{ role: service, selectors: [{ role: pod, label: a=b }] }]',
      want: /service role supports only service selectors/,
    },
    {
      name: 'http sd without scheme',
      sd: '    http_sd_configs: [{ url: "ftp://x/sd" }]',
      want: /URL scheme must be 'http' or 'https'/,
    },
    {
      name: 'unknown http sd field',
      sd: '    http_sd_configs: [{ url: "http://x/sd", refresh: 1s }]',
      want: /refresh/,
    },
  ])('refuses $name', ({ sd, want }) => {
    expect(() => parse(sd)).toThrow(want);
  });

  const golden = conformancePath('operator', 'golden');
  it.each(readdirSync(golden).filter((f) => f.endsWith('.yaml')))(
    "decodes prometheus-operator's generated config %s (kubernetes_sd_configs included)",
    (file) => {
      const text = readFileSync(`${golden}/${file}`, 'utf8');
      const c = parseScraperConfig(text, file, '/etc/prometheus');
      expect(c.scrapeConfigs.some((j) => j.kubernetes_sd_configs.length > 0)).toBe(true);
    },
  );

  it('decodes both kinds with upstream defaults', () => {
    const c = parseScraperConfig(
      `scrape_configs:
  - job_name: j
    http_sd_configs: [{ url: "http://sd.example/targets" }]
    kubernetes_sd_configs: [{ role: endpointslice, namespaces: { own_namespace: true }, attach_metadata: { node: true } }]
`,
      'prometheus.yml',
      '/etc/prometheus',
    ).scrapeConfigs[0]!;
    expect(c.http_sd_configs[0]).toMatchObject({
      url: 'http://sd.example/targets',
      refresh_interval: 60_000,
    });
    expect(c.kubernetes_sd_configs[0]).toMatchObject({
      role: 'endpointslice',
      namespaces: { own_namespace: true, names: [] },
      attach_metadata: { node: true, namespace: false },
    });
  });
});
