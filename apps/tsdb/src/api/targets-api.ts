import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ApiError } from './api-error.ts';

export interface TargetsApiOptions {
  /** Base URLs of the scrapers (`--scraper.url`, repeatable), e.g. `http://scraper-0:9095`. */
  readonly scraperUrls: readonly string[];
  /** Per-scraper request timeout; default 10 s. */
  readonly timeoutMs?: number;
}

interface ScraperAnswer {
  readonly url: string;
  readonly status: number;
  readonly body: { status?: string; data?: unknown; errorType?: string; error?: string };
}

interface TargetsData {
  activeTargets?: unknown[];
  droppedTargets?: unknown[];
}

interface MetadataEntry {
  target?: Record<string, string>;
}

/**
 * `/api/v1/targets`, `/api/v1/targets/metadata` and `/api/v1/scrape_pools` answered by
 * asking every scraper the same question and merging the answers, so clients (Grafana, the
 * UI, scripts) see one Prometheus. A scraper that cannot be reached is left out with a
 * warning naming it; if every scraper refuses the request as bad, that error is returned.
 */
export function registerTargetsApi(app: FastifyInstance, options: TargetsApiOptions): void {
  const timeoutMs = options.timeoutMs ?? 10_000;

  async function askAll(
    path: string,
    request: FastifyRequest,
  ): Promise<{ ok: ScraperAnswer[]; warnings: string[] }> {
    const search = new URL(request.url, 'http://x').search;
    const answers = await Promise.all(
      options.scraperUrls.map(async (base): Promise<ScraperAnswer | string> => {
        const url = `${base.replace(/\/+$/, '')}${path}${search}`;
        try {
          const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
          const body = (await res.json()) as ScraperAnswer['body'];
          return { url: base, status: res.status, body };
        } catch (error) {
          return `scraper ${base}: ${(error as Error).message}`;
        }
      }),
    );
    const ok: ScraperAnswer[] = [];
    const warnings: string[] = [];
    for (const a of answers) {
      if (typeof a === 'string') warnings.push(a);
      else if (a.body.status === 'success') ok.push(a);
      else if (a.status === 400) throw new ApiError('bad_data', a.body.error ?? 'bad request');
      else warnings.push(`scraper ${a.url}: ${a.body.error ?? `HTTP ${a.status}`}`);
    }
    return { ok, warnings };
  }

  const answer = async (
    reply: FastifyReply,
    work: () => Promise<{ data: unknown; warnings: string[] }>,
  ): Promise<unknown> => {
    try {
      const { data, warnings } = await work();
      return warnings.length > 0 ? { status: 'success', data, warnings } : { status: 'success', data };
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      return reply.code(error.status).send(error.toJSON());
    }
  };

  app.get('/api/v1/targets', async (request, reply) =>
    answer(reply, async () => {
      const { ok, warnings } = await askAll('/api/v1/targets', request);
      const activeTargets: unknown[] = [];
      const droppedTargets: unknown[] = [];
      for (const a of ok) {
        const d = a.body.data as TargetsData;
        activeTargets.push(...(d.activeTargets ?? []));
        droppedTargets.push(...(d.droppedTargets ?? []));
      }
      return { data: { activeTargets, droppedTargets }, warnings };
    }),
  );

  app.get('/api/v1/targets/metadata', async (request, reply) =>
    answer(reply, async () => {
      const limitText = (request.query as Record<string, unknown>).limit;
      const limit = typeof limitText === 'string' && limitText !== '' ? Number(limitText) : -1;
      if (!Number.isInteger(limit)) throw new ApiError('bad_data', 'limit must be a number');
      const { ok, warnings } = await askAll('/api/v1/targets/metadata', request);
      const data: MetadataEntry[] = [];
      for (const a of ok) {
        // Each scraper applied the limit per target; across scrapers the same rule holds:
        // no further target is started once the limit is reached.
        let last: unknown;
        for (const entry of a.body.data as MetadataEntry[]) {
          const startsTarget = JSON.stringify(entry.target) !== last;
          if (startsTarget && limit >= 0 && data.length >= limit) break;
          last = JSON.stringify(entry.target);
          data.push(entry);
        }
      }
      return { data, warnings };
    }),
  );

  app.get('/api/v1/scrape_pools', async (request, reply) =>
    answer(reply, async () => {
      const { ok, warnings } = await askAll('/api/v1/scrape_pools', request);
      const pools = new Set<string>();
      for (const a of ok)
        for (const p of (a.body.data as { scrapePools?: string[] }).scrapePools ?? []) pools.add(p);
      return { data: { scrapePools: [...pools].sort() }, warnings };
    }),
  );
}
