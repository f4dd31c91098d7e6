import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Matcher } from '@argus/model';
import { parseTargetSelector } from './match-target.ts';
import type { ScrapePool } from './scrape-pool.ts';

/** Where the API reads targets from: the running pools by job name. */
export interface TargetsSource {
  readonly pools: ReadonlyMap<string, ScrapePool>;
}

/** Query parameters from the URL or a form body, as upstream's `r.FormValue`. */
function param(request: FastifyRequest, name: string): string {
  const q = (request.query ?? {}) as Record<string, unknown>;
  const b = (typeof request.body === 'object' && request.body !== null ? request.body : {}) as Record<
    string,
    unknown
  >;
  const v = q[name] ?? b[name];
  return typeof v === 'string' ? v : Array.isArray(v) && typeof v[0] === 'string' ? v[0] : '';
}

const badData = (error: string) => ({ status: 'error', errorType: 'bad_data', error });

/**
 * `/api/v1/targets` (with `state` and `scrapePool` filters), `/api/v1/targets/metadata`
 * (`match_target`, `metric`, `limit`) and `/api/v1/scrape_pools`, in Prometheus 2.42's shapes.
 */
export function registerTargetsApi(app: FastifyInstance, source: TargetsSource): void {
  app.get('/api/v1/targets', async (request) => {
    const state = param(request, 'state').toLowerCase();
    const wantedPool = param(request, 'scrapePool');
    const showActive = state === '' || state === 'any' || state === 'active';
    const showDropped = state === '' || state === 'any' || state === 'dropped';
    const activeTargets: unknown[] = [];
    const droppedTargets: unknown[] = [];
    for (const [job, pool] of source.pools) {
      if (wantedPool !== '' && wantedPool !== job) continue;
      if (showActive) {
        for (const loop of pool.loops.values()) {
          const t = loop.target;
          activeTargets.push({
            discoveredLabels: t.discoveredLabels.toRecord(),
            labels: t.publicLabels.toRecord(),
            scrapePool: job,
            scrapeUrl: t.url,
            globalUrl: t.url,
            lastError: loop.lastError,
            lastScrape:
              loop.lastScrapeMs === 0 ? '0001-01-01T00:00:00Z' : new Date(loop.lastScrapeMs).toISOString(),
            lastScrapeDuration: loop.lastScrapeDurationSeconds,
            health: loop.health,
            scrapeInterval: t.labels.get('__scrape_interval__'),
            scrapeTimeout: t.labels.get('__scrape_timeout__'),
          });
        }
      }
      if (showDropped)
        for (const d of pool.dropped)
          droppedTargets.push({ discoveredLabels: d.discoveredLabels.toRecord() });
    }
    return { status: 'success', data: { activeTargets, droppedTargets } };
  });

  app.get('/api/v1/targets/metadata', async (request, reply) => {
    let limit = -1;
    const limitText = param(request, 'limit');
    if (limitText !== '') {
      limit = Number(limitText);
      if (!Number.isInteger(limit)) return reply.code(400).send(badData('limit must be a number'));
    }
    let matchers: Matcher[] = [];
    const matchTarget = param(request, 'match_target');
    if (matchTarget !== '') {
      try {
        matchers = parseTargetSelector(matchTarget);
      } catch (error) {
        return reply.code(400).send(badData(`invalid parameter "match_target": ${(error as Error).message}`));
      }
    }
    const metric = param(request, 'metric');
    const data: unknown[] = [];
    for (const pool of source.pools.values()) {
      for (const loop of pool.loops.values()) {
        // As upstream, the limit is checked per target: a target's entries are never split.
        if (limit >= 0 && data.length >= limit) break;
        const labels = loop.target.publicLabels;
        if (!matchers.every((m) => m.matches(labels.get(m.name)))) continue;
        const target = labels.toRecord();
        const metadata = loop.metadata();
        if (metric === '') {
          for (const [name, m] of metadata)
            data.push({ target, metric: name, type: m.type, help: m.help, unit: m.unit });
        } else {
          const m = metadata.get(metric);
          if (m) data.push({ target, type: m.type, help: m.help, unit: m.unit });
        }
      }
    }
    return { status: 'success', data };
  });

  app.get('/api/v1/scrape_pools', async () => ({
    status: 'success',
    data: { scrapePools: [...source.pools.keys()].sort() },
  }));
}
