import { createServer } from 'node:http';
import type { Server } from 'node:http';
import Fastify from 'fastify';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerTargetsApi } from './targets-api.ts';

/** A fake scraper answering the three paths from fixed data; records the query strings. */
function fakeScraper(job: string, seen: string[]): Server {
  return createServer((req, res) => {
    seen.push(req.url ?? '');
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const target = { instance: `${job}:1`, job };
    const bodies: Record<string, unknown> = {
      '/api/v1/targets': {
        activeTargets: [{ labels: target, scrapePool: job, health: 'up' }],
        droppedTargets: [],
      },
      '/api/v1/targets/metadata': [
        { target, metric: `${job}_a`, type: 'counter', help: 'A.', unit: '' },
        { target, metric: `${job}_b`, type: 'gauge', help: 'B.', unit: '' },
      ],
      '/api/v1/scrape_pools': { scrapePools: [job, 'shared'] },
    };
    if (req.url?.includes('match_target=bad')) {
      res.statusCode = 400;
      res.end(
        JSON.stringify({
          status: 'error',
          errorType: 'bad_data',
          error: 'invalid parameter "match_target": x',
        }),
      );
      return;
    }
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ status: 'success', data: bodies[path] }));
  });
}

const seen: string[] = [];
const servers: Server[] = [];
let app: FastifyInstance;

beforeAll(async () => {
  const urls: string[] = [];
  for (const job of ['a', 'b']) {
    const s = fakeScraper(job, seen);
    await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
    servers.push(s);
    urls.push(`http://127.0.0.1:${(s.address() as { port: number }).port}`);
  }
  // A scraper that is down: left out with a warning.
  urls.push('http://127.0.0.1:1');
  app = Fastify();
  registerTargetsApi(app, { scraperUrls: urls, timeoutMs: 2000 });
  await app.ready();
});

afterAll(async () => {
  await app.close();
  for (const s of servers) await new Promise((r) => s.close(r));
});

describe('tsdb targets API (asks the scrapers)', () => {
  it('merges /api/v1/targets of every scraper, passing the query on, warning about one down', async () => {
    const res = await app.inject({ url: '/api/v1/targets?state=active' });
    const body = res.json() as { data: { activeTargets: { scrapePool: string }[] }; warnings: string[] };
    expect(body.data.activeTargets.map((t) => t.scrapePool).sort()).toEqual(['a', 'b']);
    expect(body.warnings).toHaveLength(1);
    expect(body.warnings[0]).toContain('scraper http://127.0.0.1:1');
    expect(seen).toContain('/api/v1/targets?state=active');
  });

  it('merges metadata, applying limit at target boundaries', async () => {
    const all = (await app.inject({ url: '/api/v1/targets/metadata' })).json() as {
      data: { metric: string }[];
    };
    expect(all.data.map((m) => m.metric).sort()).toEqual(['a_a', 'a_b', 'b_a', 'b_b']);
    const one = (await app.inject({ url: '/api/v1/targets/metadata?limit=1' })).json() as { data: unknown[] };
    // The first target's entries are kept whole; no second target is started.
    expect(one.data).toHaveLength(2);
    const bad = await app.inject({ url: '/api/v1/targets/metadata?match_target=bad' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ errorType: 'bad_data' });
  });

  it('answers the union of scrape pools, sorted', async () => {
    const res = (await app.inject({ url: '/api/v1/scrape_pools' })).json() as { data: unknown };
    expect(res.data).toEqual({ scrapePools: ['a', 'b', 'shared'] });
  });
});
