import { Labels, isStaleNaN, type Matcher } from '@argus/model';
import { formatText, type MetricFamily, TEXT_CONTENT_TYPE } from '@argus/exposition';
import type { Queryable, Series } from '@argus/storage';
import type { FastifyInstance } from 'fastify';
import type { ApiError } from './api/api-error.ts';
import { Params } from './api/params.ts';

export interface FederateOptions {
  readonly queryable: Queryable;
  readonly lookbackDeltaMs: number;
  readonly externalLabels?: Labels;
  readonly now?: () => number;
}

/** The newest sample of a series at or before `t`, within the lookback window, unless stale. */
function latest(series: Series, minT: number, t: number): { t: number; v: number } | undefined {
  const block = series.samples(minT, t);
  if (block.length === 0) return undefined;
  const v = block.values[block.length - 1]!;
  return isStaleNaN(v) ? undefined : { t: block.timestamps[block.length - 1]!, v };
}

/**
 * `GET /federate?match[]=…`: the newest sample of every matching series in the text
 * format, grouped by metric name in name order, with timestamps, as Prometheus serves it.
 * External labels are added to series that lack them.
 */
export function registerFederate(app: FastifyInstance, options: FederateOptions): void {
  const now = options.now ?? Date.now;
  app.get('/federate', async (request, reply) => {
    let sets: Matcher[][];
    try {
      sets = new Params(request).matcherSets();
    } catch (err) {
      return reply
        .code(400)
        .type('text/plain')
        .send((err as ApiError).message + '\n');
    }
    const t = now();
    const minT = t - options.lookbackDeltaMs;
    const querier = await options.queryable.querier(minT, t);
    const byName = new Map<string, { labels: Labels; t: number; v: number }[]>();
    const seen = new Set<string>();
    try {
      for (const matchers of sets) {
        for (const s of await querier.select(matchers, { startMs: minT, endMs: t })) {
          const key = s.labels.flat.join('\xff');
          if (seen.has(key)) continue;
          seen.add(key);
          const point = latest(s, minT, t);
          if (!point) continue;
          let labels = s.labels;
          if (options.externalLabels && options.externalLabels.size > 0) {
            const b = labels.builder();
            options.externalLabels.forEach((n, v) => {
              if (!labels.has(n)) b.set(n, v);
            });
            labels = b.labels();
          }
          const name = labels.metricName;
          const list = byName.get(name) ?? [];
          list.push({ labels, ...point });
          byName.set(name, list);
        }
      }
    } finally {
      await querier.close();
    }
    const families: MetricFamily[] = [...byName.keys()].sort().map((name) => ({
      name,
      type: 'untyped',
      samples: byName
        .get(name)!
        .sort((a, b) => Labels.compare(a.labels, b.labels))
        .map((p) => ({ name, labels: p.labels.withoutMetricName(), value: p.v, timestampMs: p.t })),
    }));
    return reply.type(TEXT_CONTENT_TYPE).send(formatText(families, 'text'));
  });
}
