import { isStaleNaN } from '@argus/model';
import { parseRelabelConfig } from '@argus/relabel';
import type { Appendable, Appender } from '@argus/storage';
import { describe, expect, it, vi } from 'vitest';
import { parseScraperConfig } from './config/scraper-config.ts';
import { ScrapeLoop } from './scrape-loop.ts';
import type { ScrapeFunc, ScrapeLoopOptions } from './scrape-loop.ts';
import { isTarget, populateTarget } from './target.ts';
import type { Target } from './target.ts';

interface Written {
  labels: string;
  t: number;
  v: number;
}

/** Records committed samples as `{labels, t, v}`, StaleNaN kept as NaN with `stale` in the text. */
class RecordingAppendable implements Appendable {
  committed: Written[] = [];
  appender(): Appender {
    const pending: Written[] = [];
    return {
      append: (_ref, labels, t, v) => {
        pending.push({ labels: labels.toString(), t, v });
        return 0;
      },
      commit: async () => {
        this.committed.push(...pending);
      },
      rollback: async () => {
        pending.length = 0;
      },
    };
  }
  take(): Written[] {
    const out = this.committed;
    this.committed = [];
    return out;
  }
}

function makeTarget(yamlExtra = ''): {
  target: Target;
  config: ReturnType<typeof parseScraperConfig>['scrapeConfigs'][number];
} {
  const config = parseScraperConfig(
    `scrape_configs:\n  - job_name: node\n    scrape_interval: 15s\n${yamlExtra}    static_configs:\n      - targets: ['h:9100']\n`,
    'prometheus.yml',
    '.',
  ).scrapeConfigs[0]!;
  const t = populateTarget({ source: 'static/0', targets: ['h:9100'], labels: {} }, 'h:9100', config);
  if (!isTarget(t)) throw new Error('dropped');
  return { target: t, config };
}

function loop(
  body: () => string,
  overrides: Partial<ScrapeLoopOptions> = {},
  extraYaml = '',
): { l: ScrapeLoop; store: RecordingAppendable } {
  const store = new RecordingAppendable();
  const { target, config } = makeTarget(extraYaml);
  const scrape: ScrapeFunc = async () => ({
    body: Buffer.from(body()),
    contentType: 'text/plain; version=0.0.4',
  });
  const l = new ScrapeLoop({
    target,
    scrape,
    appendable: store,
    honorLabels: config.honor_labels,
    honorTimestamps: config.honor_timestamps,
    trackTimestampsStaleness: config.track_timestamps_staleness,
    metricRelabelConfigs: config.metric_relabel_configs,
    sampleLimit: config.sample_limit,
    labelLimit: config.label_limit,
    labelNameLengthLimit: config.label_name_length_limit,
    labelValueLengthLimit: config.label_value_length_limit,
    ...overrides,
  });
  return { l, store };
}

const value = (w: Written[], labels: string): number | undefined => w.find((x) => x.labels === labels)?.v;

describe('ScrapeLoop', () => {
  it('writes samples with target labels and the five synthetic series', async () => {
    const { l, store } = loop(() => 'a{x="1"} 1\nb 2\n');
    const report = await l.scrapeOnce(1000);
    expect(report).toMatchObject({
      up: true,
      samplesScraped: 2,
      samplesPostMetricRelabeling: 2,
      seriesAdded: 2,
    });
    const w = store.take();
    expect(value(w, '{__name__="a", instance="h:9100", job="node", x="1"}')).toBe(1);
    expect(value(w, '{__name__="up", instance="h:9100", job="node"}')).toBe(1);
    expect(value(w, '{__name__="scrape_samples_scraped", instance="h:9100", job="node"}')).toBe(2);
    expect(value(w, '{__name__="scrape_series_added", instance="h:9100", job="node"}')).toBe(2);
    expect(w.every((x) => x.t === 1000)).toBe(true);
    await l.scrapeOnce(2000);
    expect(value(store.take(), '{__name__="scrape_series_added", instance="h:9100", job="node"}')).toBe(0);
  });

  it('finds each series whatever the order: kept, reordered, inserted, removed, dropped and repeated lines', async () => {
    const bodies = [
      'a 1\nb 2\nc 3\nd 4\n',
      'a 11\nb 12\nc 13\nd 14\n', // same order
      'd 24\nc 23\nb 22\na 21\n', // reversed
      'a 31\nx 30\nb 32\nd 34\n', // x inserted, c removed
      'a 41\nx 40\nb 42\nd 44\nb 45\n', // b repeated
      'a 51\nx 50\nb 52\nd 54\n',
    ];
    let n = 0;
    const { l, store } = loop(
      () => bodies[n]!,
      {},
      `    metric_relabel_configs:\n      - {source_labels: [__name__], regex: d, action: drop}\n`,
    );
    const sample = (w: Written[], name: string) =>
      w.filter((x) => x.labels === `{__name__="${name}", instance="h:9100", job="node"}`).map((x) => x.v);
    const seen: Record<string, number[]>[] = [];
    for (n = 0; n < bodies.length; n++) {
      await l.scrapeOnce(1000 * (n + 1));
      const w = store.take();
      seen.push(Object.fromEntries(['a', 'b', 'c', 'd', 'x'].map((m) => [m, sample(w, m)])));
    }
    expect(seen.map((s) => [s.a, s.b, s.c, s.d, s.x])).toEqual([
      [[1], [2], [3], [], []],
      [[11], [12], [13], [], []],
      [[21], [22], [23], [], []],
      [[31], [32], [NaN], [], [30]], // c stale
      [[41], [42, 45], [], [], [40]],
      [[51], [52], [], [], [50]],
    ]);
  });

  it('marks a vanished series stale at the next scrape', async () => {
    let text = 'a 1\nb 2\n';
    const { l, store } = loop(() => text);
    await l.scrapeOnce(1000);
    store.take();
    text = 'a 1\n';
    await l.scrapeOnce(2000);
    const stale = store.take().filter((x) => isStaleNaN(x.v));
    expect(stale.map((x) => [x.labels, x.t])).toEqual([
      ['{__name__="b", instance="h:9100", job="node"}', 2000],
    ]);
  });

  it('a failed scrape is up 0 with the reason and marks every series stale', async () => {
    let fail = false;
    const { l, store } = loop(() => {
      if (fail) throw new Error('connection refused');
      return 'a 1\n';
    });
    await l.scrapeOnce(1000);
    store.take();
    fail = true;
    const report = await l.scrapeOnce(2000);
    expect(report).toMatchObject({ up: false, error: 'connection refused' });
    expect(l.health).toBe('down');
    const w = store.take();
    expect(value(w, '{__name__="up", instance="h:9100", job="node"}')).toBe(0);
    expect(isStaleNaN(value(w, '{__name__="a", instance="h:9100", job="node"}')!)).toBe(true);
  });

  it('garbage fails the scrape with the parser reason', async () => {
    const { l } = loop(() => 'a{ 1\n');
    const report = await l.scrapeOnce(1000);
    expect(report.up).toBe(false);
    expect(report.error).not.toBe('');
  });

  it('sample_limit fails the scrape and keeps nothing of it', async () => {
    const { l, store } = loop(() => 'a 1\nb 2\nc 3\n', {}, '    sample_limit: 2\n');
    const report = await l.scrapeOnce(1000);
    expect(report).toMatchObject({ up: false, error: 'sample limit exceeded' });
    const names = store.take().map((x) => x.labels);
    expect(names.some((n) => n.startsWith('{__name__="a"'))).toBe(false);
  });

  it.each([
    {
      name: 'exported_ on conflict',
      honor: false,
      want: '{__name__="a", exported_job="theirs", instance="h:9100", job="node"}',
    },
    {
      name: 'honor_labels keeps theirs',
      honor: true,
      want: '{__name__="a", instance="h:9100", job="theirs"}',
    },
  ])('$name', async ({ honor, want }) => {
    const { l, store } = loop(() => 'a{job="theirs"} 1\n', { honorLabels: honor });
    await l.scrapeOnce(1000);
    expect(value(store.take(), want)).toBe(1);
  });

  it.each([
    { honor: true, want: 5000 },
    { honor: false, want: 1000 },
  ])('honor_timestamps=$honor', async ({ honor, want }) => {
    const { l, store } = loop(() => 'a 1 5000\n', { honorTimestamps: honor });
    await l.scrapeOnce(1000);
    expect(store.take().find((x) => x.labels.startsWith('{__name__="a"'))?.t).toBe(want);
  });

  it('metric relabeling drops series and is counted in post_metric_relabeling', async () => {
    const drop = parseRelabelConfig({ source_labels: ['__name__'], regex: 'b', action: 'drop' });
    const { l, store } = loop(() => 'a 1\nb 2\n', { metricRelabelConfigs: [drop] });
    const report = await l.scrapeOnce(1000);
    expect(report).toMatchObject({ samplesScraped: 2, samplesPostMetricRelabeling: 1 });
    expect(store.take().some((x) => x.labels.startsWith('{__name__="b"'))).toBe(false);
  });

  it('label_limit fails the scrape with the upstream message', async () => {
    const { l } = loop(() => 'a{x="1",y="2"} 1\n', { labelLimit: 3 });
    expect((await l.scrapeOnce(1000)).error).toBe(
      'label_limit exceeded (metric: a, number of labels: 5, limit: 3)',
    );
  });

  it('stop writes end-of-run staleness as 2.42: at the next scrape time, written one interval plus 10% later', async () => {
    vi.useFakeTimers({ now: 100_000 });
    try {
      const { l, store } = loop(() => 'a 1\n');
      l.start();
      const first = 100_000 + l.offsetMs(100_000);
      await vi.advanceTimersByTimeAsync(first - 100_000 + 1);
      expect(store.take().length).toBe(6);
      await l.stop();
      const nextTick = first + 15_000;
      // Nothing yet: a target recreated meanwhile must get the chance to write first.
      await vi.advanceTimersByTimeAsync(nextTick + 15_000 - Date.now());
      expect(store.take()).toEqual([]);
      await vi.advanceTimersByTimeAsync(1_600);
      await l.staleness;
      const w = store.take();
      expect(w.length).toBe(6);
      expect(w.every((x) => isStaleNaN(x.v) && x.t === nextTick)).toBe(true);
    } finally {
      vi.useRealTimers();
    }
  });

  it.each([
    { track: false, honor: true, timestampedStale: false },
    { track: true, honor: true, timestampedStale: true },
    { track: false, honor: false, timestampedStale: true },
  ])(
    'a series with its own timestamp goes stale only with track_timestamps_staleness or without honor_timestamps (track=$track, honor=$honor)',
    async ({ track, honor, timestampedStale }) => {
      const bodies = ['a 1 500\nb 2\nc 3 600\n', 'b 3\n'];
      let n = 0;
      const { l, store } = loop(
        () => {
          const body = bodies[n++];
          if (body === undefined) throw new Error('connection refused');
          return body;
        },
        { honorTimestamps: honor },
        track ? '    track_timestamps_staleness: true\n' : '',
      );
      const staleNames = (w: Written[]) =>
        w.filter((x) => isStaleNaN(x.v)).map((x) => /__name__="([^"]+)"/.exec(x.labels)![1]);
      await l.scrapeOnce(1000);
      expect(staleNames(store.take())).toEqual([]);
      await l.scrapeOnce(2000); // a and c disappear
      expect(staleNames(store.take())).toEqual(timestampedStale ? ['a', 'c'] : []);
      await l.scrapeOnce(3000); // fails: b (no timestamp of its own) goes stale in every case
      expect(staleNames(store.take())).toEqual(['b']);
    },
  );

  it.each([false, true])(
    'end-of-run staleness leaves out series with their own timestamp unless tracked (track=%s)',
    async (track) => {
      vi.useFakeTimers({ now: 100_000 });
      try {
        const { l, store } = loop(() => 'a 1 500\nb 2\n', {
          trackTimestampsStaleness: track,
        });
        await l.scrapeOnce(Date.now());
        store.take();
        await l.stop();
        await vi.advanceTimersByTimeAsync(60_000);
        await l.staleness;
        const stale = store.take().filter((x) => isStaleNaN(x.v));
        expect(stale.some((x) => x.labels.startsWith('{__name__="b"'))).toBe(true);
        expect(stale.some((x) => x.labels.startsWith('{__name__="a"'))).toBe(track);
        expect(stale.length).toBe(track ? 7 : 6);
      } finally {
        vi.useRealTimers();
      }
    },
  );

  it('logs failed scrapes with the reason: limits at warn, other failures at debug, rate-limited per target', async () => {
    vi.useFakeTimers({ now: 1_000_000 });
    try {
      let mode: 'limit' | 'down' | 'ok' = 'limit';
      const logged: { level: string; message: string; fields: Record<string, unknown> }[] = [];
      const { l } = loop(
        () => {
          if (mode === 'down') throw new Error('connect ECONNREFUSED 127.0.0.1:9100');
          return mode === 'limit' ? 'a 1\nb 2\n' : 'a 1\n';
        },
        {
          sampleLimit: 1,
          logScrapeFailure: (level, message, fields) => logged.push({ level, message, fields }),
        },
      );
      await l.scrapeOnce(Date.now());
      await l.scrapeOnce(Date.now());
      expect(logged).toEqual([
        {
          level: 'warn',
          message: 'Scrape failed: limit exceeded',
          fields: { scrape_pool: 'node', target: 'http://h:9100/metrics', err: 'sample limit exceeded' },
        },
      ]);
      mode = 'down';
      for (let i = 0; i < 10; i++) {
        await l.scrapeOnce(Date.now());
        vi.setSystemTime(Date.now() + 15_000);
      }
      // A new reason is logged at once; the same one again only after five minutes.
      expect(logged.slice(1).map((x) => [x.level, x.fields.err])).toEqual([
        ['debug', 'connect ECONNREFUSED 127.0.0.1:9100'],
      ]);
      vi.setSystemTime(Date.now() + 5 * 60_000);
      await l.scrapeOnce(Date.now());
      expect(logged.length).toBe(3);
      expect(logged[2]!.fields).toMatchObject({ err: 'connect ECONNREFUSED 127.0.0.1:9100', suppressed: 9 });
      // A good scrape in between: the next failure is logged at once.
      mode = 'ok';
      await l.scrapeOnce(Date.now());
      mode = 'down';
      await l.scrapeOnce(Date.now());
      expect(logged.length).toBe(4);
      expect(logged[3]!.fields.suppressed).toBeUndefined();
    } finally {
      vi.useRealTimers();
    }
  });

  it('writes no end-of-run staleness on shutdown or when replaced on reload', async () => {
    vi.useFakeTimers();
    try {
      const shutdown = new AbortController();
      const { l, store } = loop(() => 'a 1\n', { shutdown: shutdown.signal });
      await l.scrapeOnce(Date.now());
      store.take();
      await l.stop();
      shutdown.abort();
      await vi.advanceTimersByTimeAsync(60_000);
      await l.staleness;
      expect(store.take()).toEqual([]);
      const b = loop(() => 'a 1\n');
      await b.l.scrapeOnce(Date.now());
      b.store.take();
      await b.l.stop({ endOfRunStaleness: false });
      await vi.advanceTimersByTimeAsync(60_000);
      expect(b.store.take()).toEqual([]);
    } finally {
      vi.useRealTimers();
    }
  });

  it('a loop carrying the state of the one it replaces continues its series', async () => {
    let body = 'a 1\nb 1\n';
    const { l, store } = loop(() => body);
    await l.scrapeOnce(1000);
    await l.stop({ endOfRunStaleness: false });
    body = 'a 2\n';
    const next = loop(() => body, { carried: l.state(true), appendable: store });
    const report = await next.l.scrapeOnce(2000);
    // `a` is no new series; `b` vanished across the reload and is marked stale.
    expect(report.seriesAdded).toBe(0);
    const stale = store.take().filter((w) => w.t === 2000 && isStaleNaN(w.v));
    expect(stale.map((w) => w.labels)).toEqual(['{__name__="b", instance="h:9100", job="node"}']);
  });

  it('keeps HELP, TYPE and UNIT per metric family as the scrape cache does', async () => {
    const { l } = loop(
      () =>
        '# HELP a_total Things done.\n# TYPE a_total counter\na_total 1\n# TYPE u untyped\nu 1\n# HELP h Only help.\nh 1\n',
    );
    await l.scrapeOnce(1000);
    expect(Object.fromEntries([...l.metadata()].map(([k, v]) => [k, { ...v, lastIter: 0 }]))).toEqual({
      a_total: { type: 'counter', help: 'Things done.', unit: '', lastIter: 0 },
      u: { type: 'unknown', help: '', unit: '', lastIter: 0 },
      h: { type: 'unknown', help: 'Only help.', unit: '', lastIter: 0 },
    });
  });

  it('scrapes of one target never overlap', async () => {
    vi.useFakeTimers();
    try {
      let calls = 0;
      let release: () => void = () => undefined;
      const { l } = loop(() => '', {
        scrape: async () => {
          calls++;
          await new Promise<void>((r) => (release = r));
          return { body: Buffer.from('a 1\n'), contentType: undefined };
        },
      });
      l.start();
      await vi.advanceTimersByTimeAsync(15_000 * 4);
      expect(calls).toBe(1);
      release();
      await vi.advanceTimersByTimeAsync(15_000);
      expect(calls).toBe(2);
      release();
      await l.stop();
    } finally {
      vi.useRealTimers();
    }
  });

  it('start offset is within the interval and stable per target', () => {
    const { l } = loop(() => '');
    const a = l.offsetMs(123_456);
    expect(a).toBeGreaterThanOrEqual(0);
    expect(a).toBeLessThanOrEqual(15_000);
    expect(l.offsetMs(123_456)).toBe(a);
  });
});
