import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isStaleNaN } from '@argus/model';
import { decodeWriteRequest } from '@argus/remote';
import { createLogger } from '@argus/service-kit';
import type { Service } from '@argus/service-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createScraperService } from './scraper-service.ts';

let dir: string;
let server: Server;
let base: string;
let service: Service;
const received: string[] = [];
/** Every sample received, by series text, to see stale markers. */
const samples: { series: string; t: number; stale: boolean }[] = [];

const config = (extra: string) => `
global:
  scrape_interval: 100ms
  scrape_timeout: 100ms
  external_labels: { replica: r1 }
scrape_configs:
  - job_name: file
    file_sd_configs:
      - files: ['targets/*.json']
${extra}
remote_write:
  - url: ${base}/write
    queue_config: { batch_send_deadline: 20ms }
`;

async function waitUntil(check: () => boolean | Promise<boolean>): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error('condition not met');
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'scraper-svc-'));
  server = createServer((req, res) => {
    if (req.url === '/metrics') {
      res.end('# HELP demo_total Demo things.\n# TYPE demo_total counter\ndemo_total 5\n');
      return;
    }
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      for (const ts of decodeWriteRequest(Buffer.concat(chunks)).timeseries) {
        const series = ts.labels.map((l) => `${l.name}=${l.value}`).join(',');
        received.push(series);
        for (const x of ts.samples)
          samples.push({ series, t: Number(x.timestamp), stale: isStaleNaN(x.value) });
      }
      res.statusCode = 204;
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  await mkdir(join(dir, 'targets'));
  await writeFile(join(dir, 'prometheus.yml'), config(''));
  await writeFile(
    join(dir, 'targets', 'a.json'),
    JSON.stringify([{ targets: [base.slice(7)], labels: { team: 'x' } }]),
  );
  const logger = createLogger({ level: 'error', sink: { write: () => undefined } });
  service = await createScraperService({
    configFile: join(dir, 'prometheus.yml'),
    listenAddress: '127.0.0.1:0',
    logger,
  });
  await service.start();
});

afterAll(async () => {
  await service?.stop();
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  await rm(dir, { recursive: true, force: true });
});

describe('scraper service', () => {
  it('scrapes file-discovered targets and ships with external labels', async () => {
    await waitUntil(() => received.some((s) => s.startsWith('__name__=demo_total,')));
    const demo = received.find((s) => s.startsWith('__name__=demo_total,'));
    expect(demo).toBe(`__name__=demo_total,instance=${base.slice(7)},job=file,replica=r1,team=x`);
    expect(received.some((s) => s.startsWith('__name__=up,'))).toBe(true);
  });

  it('lists the target in /api/v1/targets with its discovered labels', async () => {
    const res = await service.app.inject({ url: '/api/v1/targets' });
    const body = res.json() as {
      data: { activeTargets: { discoveredLabels: Record<string, string>; health: string }[] };
    };
    expect(body.data.activeTargets).toHaveLength(1);
    expect(body.data.activeTargets[0]!.discoveredLabels.__meta_filepath).toBe(join(dir, 'targets', 'a.json'));
  });

  it('a bad config on reload is refused and the old one kept', async () => {
    await writeFile(join(dir, 'prometheus.yml'), config('    scrape_intervall: 1s'));
    const res = await service.app.inject({ method: 'POST', url: '/-/reload' });
    expect(res.statusCode).toBe(500);
    expect(res.body).toContain('unknown field "scrape_intervall"');
    const targets = await service.app.inject({ url: '/api/v1/targets' });
    expect((targets.json() as { data: { activeTargets: unknown[] } }).data.activeTargets).toHaveLength(1);
  });

  it('/api/v1/targets/metadata lists HELP and TYPE per target, filtered by match_target and metric', async () => {
    const all = (await service.app.inject({ url: '/api/v1/targets/metadata' })).json() as {
      data: unknown[];
    };
    expect(all.data).toEqual([
      {
        target: { instance: base.slice(7), job: 'file', team: 'x' },
        metric: 'demo_total',
        type: 'counter',
        help: 'Demo things.',
        unit: '',
      },
    ]);
    const one = await service.app.inject({
      url: `/api/v1/targets/metadata?match_target=${encodeURIComponent('{job="file"}')}&metric=demo_total`,
    });
    expect((one.json() as { data: unknown[] }).data).toEqual([
      {
        target: { instance: base.slice(7), job: 'file', team: 'x' },
        type: 'counter',
        help: 'Demo things.',
        unit: '',
      },
    ]);
    const none = await service.app.inject({
      url: `/api/v1/targets/metadata?match_target=${encodeURIComponent('{job="other"}')}`,
    });
    expect((none.json() as { data: unknown[] }).data).toEqual([]);
    const bad = await service.app.inject({
      url: `/api/v1/targets/metadata?match_target=${encodeURIComponent('{job=}')}`,
    });
    expect(bad.statusCode).toBe(400);
    const pools = await service.app.inject({ url: '/api/v1/scrape_pools' });
    expect(pools.json()).toEqual({ status: 'success', data: { scrapePools: ['file'] } });
  });

  // End-of-run staleness marks the synthetic series too; a failed scrape (a timeout on a
  // loaded machine) marks only scraped ones. So `up` going stale is the signal looked for.
  const upStaleSince = (t: number) =>
    samples.filter((x) => x.stale && x.t >= t && x.series.startsWith('__name__=up,'));

  it('a reload changing the job keeps its series going: no stale marker', async () => {
    // sample_limit does not change target labels: each loop is replaced carrying its cache.
    let reloadAt = Date.now();
    await writeFile(join(dir, 'prometheus.yml'), config('    sample_limit: 100'));
    expect((await service.app.inject({ method: 'POST', url: '/-/reload' })).statusCode).toBe(200);
    await waitUntil(() =>
      samples.some((x) => x.series.startsWith('__name__=demo_total,') && x.t > reloadAt + 300),
    );
    expect(upStaleSince(reloadAt - 200)).toEqual([]);
    // A new interval is a new target (its labels hold __scrape_interval__): the old loop's
    // end-of-run staleness, written two intervals later, leaves out what the new loop writes.
    reloadAt = Date.now();
    await writeFile(join(dir, 'prometheus.yml'), config('    scrape_interval: 150ms'));
    expect((await service.app.inject({ method: 'POST', url: '/-/reload' })).statusCode).toBe(200);
    await waitUntil(() =>
      samples.some((x) => x.series.startsWith('__name__=demo_total,') && x.t > reloadAt + 600),
    );
    expect(upStaleSince(reloadAt - 200)).toEqual([]);
    const targets = (await service.app.inject({ url: '/api/v1/targets' })).json() as {
      data: { activeTargets: { scrapeInterval: string; health: string }[] };
    };
    expect(targets.data.activeTargets).toMatchObject([{ scrapeInterval: '150ms', health: 'up' }]);
  });

  it('a good reload with a relabel rule dropping the target removes it', async () => {
    await writeFile(
      join(dir, 'prometheus.yml'),
      config('    relabel_configs: [{source_labels: [team], regex: x, action: drop}]'),
    );
    const droppedAt = Date.now();
    const res = await service.app.inject({ method: 'POST', url: '/-/reload' });
    expect(res.statusCode).toBe(200);
    const targets = (await service.app.inject({ url: '/api/v1/targets' })).json() as {
      data: { activeTargets: unknown[]; droppedTargets: unknown[] };
    };
    expect(targets.data.activeTargets).toHaveLength(0);
    expect(targets.data.droppedTargets).toHaveLength(1);
    // End-of-run staleness, written later as upstream: every series of the target goes stale.
    await waitUntil(() => upStaleSince(droppedAt).length > 0);
    const stale = samples.filter((x) => x.stale && x.t >= droppedAt).map((x) => x.series.split(',')[0]);
    expect(new Set(stale)).toEqual(
      new Set([
        '__name__=demo_total',
        '__name__=up',
        '__name__=scrape_duration_seconds',
        '__name__=scrape_samples_scraped',
        '__name__=scrape_samples_post_metric_relabeling',
        '__name__=scrape_series_added',
      ]),
    );
  });
});
