import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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
      res.end('demo_total 5\n');
      return;
    }
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      for (const ts of decodeWriteRequest(Buffer.concat(chunks)).timeseries) {
        received.push(ts.labels.map((l) => `${l.name}=${l.value}`).join(','));
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

  it('a good reload with a relabel rule dropping the target removes it', async () => {
    await writeFile(
      join(dir, 'prometheus.yml'),
      config('    relabel_configs: [{source_labels: [team], regex: x, action: drop}]'),
    );
    const res = await service.app.inject({ method: 'POST', url: '/-/reload' });
    expect(res.statusCode).toBe(200);
    const targets = (await service.app.inject({ url: '/api/v1/targets' })).json() as {
      data: { activeTargets: unknown[]; droppedTargets: unknown[] };
    };
    expect(targets.data.activeTargets).toHaveLength(0);
    expect(targets.data.droppedTargets).toHaveLength(1);
  });
});
