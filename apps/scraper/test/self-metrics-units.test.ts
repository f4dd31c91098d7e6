// Unit checks of what the family diff against 2.42 cannot see: the `interval` label's Go
// duration spelling, and that the scrape loop counts storage refusals by kind, label limits
// and scrape intervals into the process-wide counters.
import { DuplicateSampleError, OutOfOrderSampleError, TooOldSampleError } from '@argus/storage';
import type { Appendable } from '@argus/storage';
import { describe, expect, it } from 'vitest';
import { parseScraperConfig } from '../src/config/scraper-config.ts';
import { goDuration, targetMetrics } from '../src/metrics/self-metrics.ts';
import { ScrapeLoop } from '../src/scrape-loop.ts';
import { isTarget, populateTarget } from '../src/target.ts';

describe('goDuration', () => {
  it.each([
    [0, '0s'],
    [500, '500ms'],
    [1000, '1s'],
    [15_000, '15s'],
    [1500, '1.5s'],
    [60_000, '1m0s'],
    [90_000, '1m30s'],
    [3_600_000, '1h0m0s'],
    [5_430_000, '1h30m30s'],
  ])('%i ms is %s, as Go prints a time.Duration', (ms, text) => {
    expect(goDuration(ms)).toBe(text);
  });
});

/** Total of a metric's samples whose labels include `labels`. */
async function total(
  metric: { get(): Promise<{ values: { value: number; labels: object; metricName?: string }[] }> },
  labels: Record<string, string> = {},
  suffix = '',
): Promise<number> {
  const { values } = await metric.get();
  return values
    .filter(
      (v) =>
        (suffix === '' || v.metricName?.endsWith(suffix)) &&
        Object.entries(labels).every(([k, x]) => (v.labels as Record<string, unknown>)[k] === x),
    )
    .reduce((sum, v) => sum + v.value, 0);
}

/** Refuses series `a` as out of order, `b` as duplicate, `c` as too old; accepts the rest. */
const refusing: Appendable = {
  appender: () => ({
    append: (ref, labels) => {
      const name = labels.metricName;
      if (name === 'a') throw new OutOfOrderSampleError();
      if (name === 'b') throw new DuplicateSampleError();
      if (name === 'c') throw new TooOldSampleError();
      return ref;
    },
    commit: async () => undefined,
    rollback: async () => undefined,
  }),
};

function makeLoop(body: string, extraYaml = ''): ScrapeLoop {
  const config = parseScraperConfig(
    `scrape_configs:\n  - job_name: j\n    scrape_interval: 2m\n${extraYaml}    static_configs:\n      - targets: ['h:9100']\n`,
    'prometheus.yml',
    '.',
  ).scrapeConfigs[0]!;
  const target = populateTarget({ source: 's', targets: ['h:9100'], labels: {} }, 'h:9100', config);
  if (!isTarget(target)) throw new Error('dropped');
  return new ScrapeLoop({
    target,
    scrape: async () => ({ body: Buffer.from(body), contentType: 'text/plain; version=0.0.4' }),
    appendable: refusing,
    honorLabels: false,
    honorTimestamps: true,
    metricRelabelConfigs: [],
    sampleLimit: config.sample_limit,
    labelLimit: config.label_limit,
    labelNameLengthLimit: 0,
    labelValueLengthLimit: 0,
  });
}

describe('scrape loop counters', () => {
  it('count refused samples by kind and observe the interval between scrapes', async () => {
    const before = {
      order: await total(targetMetrics.outOfOrder),
      dup: await total(targetMetrics.duplicate),
      bounds: await total(targetMetrics.outOfBounds),
      intervals: await total(targetMetrics.intervalLength, { interval: '2m0s' }, '_count'),
    };
    const loop = makeLoop('a 1\nb 1\nb 2\nc 1\nd 1\n');
    await loop.scrapeOnce(1_000_000);
    await loop.scrapeOnce(1_120_000);
    expect(await total(targetMetrics.outOfOrder)).toBe(before.order + 2);
    expect(await total(targetMetrics.duplicate)).toBe(before.dup + 4);
    expect(await total(targetMetrics.outOfBounds)).toBe(before.bounds + 2);
    expect(await total(targetMetrics.intervalLength, { interval: '2m0s' }, '_count')).toBe(
      before.intervals + 1,
    );
    expect(await total(targetMetrics.intervalLength, { interval: '2m0s' }, '_sum')).toBe(120);
  });

  it('count a scrape failed by label_limit and one failed by sample_limit', async () => {
    const labels = await total(targetMetrics.labelLimits);
    const samples = await total(targetMetrics.sampleLimit);
    expect((await makeLoop('m{a="1",b="2",c="3"} 1\n', '    label_limit: 2\n').scrapeOnce(1000)).up).toBe(
      false,
    );
    expect(await total(targetMetrics.labelLimits)).toBe(labels + 1);
    expect(await total(targetMetrics.sampleLimit)).toBe(samples);
    expect((await makeLoop('x 1\ny 1\nz 1\n', '    sample_limit: 2\n').scrapeOnce(1000)).up).toBe(false);
    expect(await total(targetMetrics.sampleLimit)).toBe(samples + 1);
  });
});
