import { BytesMap, ByteInterner, Entry, ExpositionParser, detectFormat } from '@argus/exposition';
import type { Labels } from '@argus/model';
import { Hasher, LabelsBuilder, STALE_NAN } from '@argus/model';
import type { RelabelConfig } from '@argus/relabel';
import { relabel } from '@argus/relabel';
import {
  DuplicateSampleError,
  OutOfBoundsError,
  OutOfOrderSampleError,
  TooOldSampleError,
} from '@argus/storage';
import type { Appendable, Appender } from '@argus/storage';
import { ScrapeHttpError } from './http-scrape.ts';
import { ScrapeFailureLogger, ScrapeLimitError } from './scrape-failure-log.ts';
import type { ScrapeFailureLog } from './scrape-failure-log.ts';
import { goDuration, targetMetrics } from './metrics/self-metrics.ts';
import type { Target } from './target.ts';

/** What a scrape fetched: the body bytes (already decompressed) and the response `Content-Type`. */
export interface ScrapeResponse {
  readonly body: Uint8Array;
  readonly contentType: string | undefined;
}

/**
 * Fetches one scrape; rejects with a readable reason (timeout, status, body too large).
 * The seam between the loop and HTTP: the loop never sees a socket.
 */
export type ScrapeFunc = (timeoutMs: number) => Promise<ScrapeResponse>;

/** Per-scrape-config settings the loop applies to samples. */
export interface ScrapeLoopOptions {
  readonly target: Target;
  readonly scrape: ScrapeFunc;
  readonly appendable: Appendable;
  readonly honorLabels: boolean;
  readonly honorTimestamps: boolean;
  /**
   * `track_timestamps_staleness`: as upstream, a sample with its own timestamp (kept by
   * `honor_timestamps`) gets no StaleNaN when its series disappears, the scrape fails or
   * the target goes away, unless this is set.
   */
  readonly trackTimestampsStaleness?: boolean;
  readonly metricRelabelConfigs: readonly RelabelConfig[];
  readonly sampleLimit: number;
  readonly labelLimit: number;
  readonly labelNameLengthLimit: number;
  readonly labelValueLengthLimit: number;
  /** Mixed into the start offset so replicas spread differently (upstream's jitter seed). */
  readonly jitterSeed?: number;
  readonly onError?: (error: Error) => void;
  /** Failed scrapes with their reason (rate-limited per target; see {@link ScrapeFailureLogger}). */
  readonly logScrapeFailure?: ScrapeFailureLog;
  /**
   * Aborted when the whole scraper shuts down (upstream's parent context): pending
   * end-of-run staleness is then abandoned, as Prometheus restarts where it was.
   */
  readonly shutdown?: AbortSignal;
  /**
   * Label sets (as `toString()`) other running loops write now. End-of-run staleness skips
   * them: upstream's marker for a series a recreated target keeps writing is refused by its
   * TSDB as out of order; ours goes through remote write, so the loop leaves it out itself.
   */
  readonly liveSeries?: () => ReadonlySet<string>;
  /** Cache and staleness state of the loop this one replaces on reload (series continuity). */
  readonly carried?: ScrapeLoopState;
}

/** One metric family's metadata as the scrape cache keeps it (`/api/v1/targets/metadata`). */
export interface MetricMetadata {
  type: string;
  help: string;
  unit: string;
  /** Scrape iteration that last saw a HELP, TYPE or UNIT line for it. */
  lastIter: number;
}

/** What a reload hands from an old loop to its replacement so no series is cut or re-marked. */
export interface ScrapeLoopState {
  readonly cache: BytesMap<CacheEntry>;
  readonly interner: ByteInterner;
  /** The last scrape's series in order (dropped ones included, each once). */
  readonly previous: CacheEntry[];
  readonly metadata: Map<string, MetricMetadata>;
  readonly iter: number;
  /**
   * False when the new config may label series differently (upstream then starts a fresh
   * cache): only the end-of-run staleness of a loop stopped before its first scrape uses
   * the carried series; the first scrape forgets them.
   */
  readonly reusable: boolean;
}

export type TargetHealth = 'up' | 'down' | 'unknown';

/** The synthetic figures of one scrape, as written to `up` and `scrape_*`. */
export interface ScrapeReport {
  readonly up: boolean;
  readonly error: string;
  readonly durationSeconds: number;
  readonly samplesScraped: number;
  readonly samplesPostMetricRelabeling: number;
  readonly seriesAdded: number;
}

export interface CacheEntry {
  /** Final labels, or undefined when metric relabeling drops the series. */
  readonly labels: Labels | undefined;
  ref: number;
  /** Scrape iteration that last saw this series. */
  seenIter: number;
  /** Its index in the scrape cache (a {@link BytesMap} entry), to check a guess against. */
  key: number;
  /** Where it was in the last scrape's order of series (`previous`). */
  pos: number;
  /** Whether its last sample is tracked for staleness (no explicit timestamp, or `track_timestamps_staleness`). */
  tracked: boolean;
}

const STORAGE_REFUSALS = [DuplicateSampleError, OutOfOrderSampleError, OutOfBoundsError, TooOldSampleError];

/**
 * One target's scrape loop with Prometheus's semantics: a start offset from the target hash,
 * a scrape cache keyed by raw series bytes, honor_labels/honor_timestamps, metric relabeling,
 * limits that fail the scrape, the five synthetic series, and StaleNaN markers for series
 * that disappear, for every series of a failed scrape, and for everything when stopped.
 * Writes only to the {@link Appendable}; never throws from the background timer.
 */
export class ScrapeLoop {
  readonly #o: ScrapeLoopOptions;
  readonly #cache: BytesMap<CacheEntry>;
  readonly #interner: ByteInterner;
  readonly #metadata: Map<string, MetricMetadata>;
  #previous: CacheEntry[];
  /** The array `#appendBody` fills next (never `#previous`). */
  #spare: CacheEntry[] = [];
  #iter: number;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<unknown> | undefined;
  #stopped = false;
  /** Time of the first tick; later ticks fall on it plus whole intervals. */
  #firstTickMs = 0;
  #staleTimer: NodeJS.Timeout | undefined;
  /** Carried series kept only for end-of-run staleness, forgotten at the first scrape. */
  #forgetPrevious = false;
  /** Settles once end-of-run staleness is written or abandoned (tests wait on it). */
  staleness: Promise<void> = Promise.resolve();

  health: TargetHealth = 'unknown';
  lastError = '';
  lastScrapeMs = 0;
  lastScrapeDurationSeconds = 0;

  /** Labels of the synthetic series, built once so storage and queues see stable objects. */
  readonly #reportLabelSets: readonly Labels[];
  readonly #failures: ScrapeFailureLogger | undefined;

  constructor(options: ScrapeLoopOptions) {
    this.#o = options;
    const c = options.carried;
    const reuse = c?.reusable === true;
    this.#cache = reuse ? c.cache : new BytesMap<CacheEntry>(1 << 22);
    this.#interner = reuse ? c.interner : new ByteInterner();
    this.#metadata = reuse ? c.metadata : new Map();
    this.#previous = c?.previous ?? [];
    this.#iter = c?.iter ?? 0;
    this.#forgetPrevious = c !== undefined && !reuse;
    this.#failures =
      options.logScrapeFailure &&
      new ScrapeFailureLogger(options.logScrapeFailure, {
        scrape_pool: options.target.labels.get('job'),
        target: options.target.url,
      });
    this.#reportLabelSets = REPORT_NAMES.map((name) =>
      new LabelsBuilder(options.target.publicLabels).set('__name__', name).labels(),
    );
  }

  get target(): Target {
    return this.#o.target;
  }

  /** Delay before the first scrape so targets spread over the interval (hash-based, as upstream). */
  offsetMs(nowMs: number): number {
    const interval = this.#o.target.scrapeIntervalMs;
    const h = new Hasher().add(this.#o.target.url).add(String(this.#o.target.labels.hash())).digest();
    const offset = ((h ^ (this.#o.jitterSeed ?? 0)) >>> 0) % interval;
    let next = interval - (nowMs % interval) + offset;
    if (next > interval) next -= interval;
    return next;
  }

  /** Starts scraping at the offset, then every interval. */
  start(): void {
    let inFlight = false;
    const tick = (): void => {
      // As upstream, scrapes of one target never overlap: a tick during a slow scrape is skipped.
      if (this.#stopped || inFlight) return;
      inFlight = true;
      this.#running = this.scrapeOnce(Date.now())
        .catch((error: unknown) => this.#o.onError?.(error as Error))
        .finally(() => {
          inFlight = false;
        });
    };
    const offset = this.offsetMs(Date.now());
    this.#firstTickMs = Date.now() + offset;
    this.#timer = setTimeout(() => {
      tick();
      this.#timer = setInterval(tick, this.#o.target.scrapeIntervalMs);
    }, offset);
  }

  /**
   * Stops scraping; resolves once a scrape in flight has finished. With `endOfRunStaleness`
   * (a target that went away) the loop then does what Prometheus 2.42's
   * `endOfRunStaleness` does: it takes the time the next scrape would have been as the
   * stale time, waits one more interval plus 10% (a target recreated meanwhile has written
   * newer samples by then) and marks every series of the last scrape and the synthetic
   * series stale at that time. Nothing is written if the loop never scraped or if the
   * scraper shuts down first. Without it (a loop replaced on reload) nothing is written.
   */
  async stop(options: { endOfRunStaleness: boolean } = { endOfRunStaleness: true }): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    clearInterval(this.#timer);
    await this.#running;
    if (!options.endOfRunStaleness || this.#iter === 0 || this.#o.shutdown?.aborted) return;
    const interval = this.#o.target.scrapeIntervalMs;
    const now = Date.now();
    const elapsed = Math.max(0, now - this.#firstTickMs);
    const staleMs = Math.max(
      this.#firstTickMs + Math.ceil(elapsed / interval) * interval,
      this.lastScrapeMs + 1,
    );
    const writeAt = staleMs + interval + interval / 10;
    this.staleness = new Promise<void>((resolve) => {
      const abandon = (): void => {
        clearTimeout(this.#staleTimer);
        resolve();
      };
      this.#o.shutdown?.addEventListener('abort', abandon, { once: true });
      this.#staleTimer = setTimeout(
        () => {
          this.#o.shutdown?.removeEventListener('abort', abandon);
          this.#writeEndOfRunStaleness(staleMs)
            .catch((error: unknown) => this.#o.onError?.(error as Error))
            .finally(resolve);
        },
        Math.max(0, writeAt - now),
      );
    });
  }

  /** The scrape cache and staleness state, for the loop that replaces this one on reload. */
  state(reusable: boolean): ScrapeLoopState {
    return {
      reusable,
      cache: this.#cache,
      interner: this.#interner,
      previous: this.#previous,
      metadata: this.#metadata,
      iter: this.#iter,
    };
  }

  /** Metadata of the metric families the target exposes (HELP/TYPE/UNIT lines), by name. */
  metadata(): ReadonlyMap<string, Readonly<MetricMetadata>> {
    return this.#metadata;
  }

  /** Label sets this loop currently writes (last scrape's series and the synthetic ones). */
  *seriesLabels(): Iterable<Labels> {
    if (this.#iter === 0) return;
    for (const entry of this.#previous) if (entry.labels) yield entry.labels;
    yield* this.#reportLabelSets;
  }

  async #writeEndOfRunStaleness(staleMs: number): Promise<void> {
    const app = this.#o.appendable.appender();
    const live = this.#o.liveSeries?.() ?? new Set<string>();
    for (const entry of this.#previous)
      if (entry.labels && entry.tracked && !live.has(entry.labels.toString()))
        this.#appendStale(app, entry, staleMs);
    for (const labels of this.#reportLabelSets)
      if (!live.has(labels.toString())) this.#safeAppend(app, 0, labels, staleMs, STALE_NAN);
    this.#previous = [];
    await app.commit();
  }

  /** One scrape at `startMs`: fetch, parse, append, report. Resolves with what was reported. */
  async scrapeOnce(startMs: number): Promise<ScrapeReport> {
    this.#iter++;
    const interval = this.#o.target.scrapeIntervalMs;
    if (this.lastScrapeMs > 0)
      targetMetrics.intervalLength.observe(
        { interval: goDuration(interval) },
        (startMs - this.lastScrapeMs) / 1000,
      );
    if (this.#forgetPrevious) {
      this.#forgetPrevious = false;
      this.#previous = [];
    }
    const t0 = performance.now();
    let error = '';
    let scraped = 0;
    let post = 0;
    let added = 0;
    let app = this.#o.appendable.appender();
    try {
      const response = await this.#o.scrape(this.#o.target.scrapeTimeoutMs);
      ({ scraped, post, added } = this.#appendBody(app, response, startMs));
    } catch (e) {
      error = (e as Error).message;
      countScrapeFailure(e);
      this.#failures?.failed(e, error, Date.now());
      await app.rollback();
      app = this.#o.appendable.appender();
      // As upstream: a failed scrape marks every series of the previous one stale.
      for (const entry of this.#previous)
        if (entry.labels && entry.tracked) this.#appendStale(app, entry, startMs);
      this.#previous = [];
    }
    if (error === '') this.#failures?.succeeded();
    const durationSeconds = (performance.now() - t0) / 1000;
    const report: ScrapeReport = {
      up: error === '',
      error,
      durationSeconds,
      samplesScraped: scraped,
      samplesPostMetricRelabeling: post,
      seriesAdded: added,
    };
    this.#appendReport(app, startMs, report);
    await app.commit();
    this.health = report.up ? 'up' : 'down';
    this.lastError = error;
    this.lastScrapeMs = startMs;
    this.lastScrapeDurationSeconds = durationSeconds;
    return report;
  }

  #appendBody(
    app: Appender,
    response: ScrapeResponse,
    startMs: number,
  ): { scraped: number; post: number; added: number } {
    const body = response.body;
    const parser = new ExpositionParser(body, detectFormat(response.contentType), {
      interner: this.#interner,
      normalizeFloatLabelValues: false,
    });
    const iter = this.#iter;
    // This scrape's series in order, each once; the next scrape's guesses. The array of the
    // scrape before last is refilled: a fresh one per scrape lives until the next scrape,
    // so it would be promoted and left to the old generation's collector.
    const seen = this.#spare;
    let seenCount = 0;
    const previous = this.#previous;
    // Targets expose their series in the same order scrape after scrape, so the entry after
    // the last one found is checked first (one byte comparison), before hashing.
    let guess = 0;
    let scraped = 0;
    let post = 0;
    let added = 0;
    const cache = this.#cache;
    const honorTimestamps = this.#o.honorTimestamps;
    const trackTimestamped = this.#o.trackTimestampsStaleness === true;
    for (;;) {
      // The guessed series first: a line that has it is read without parsing its labels.
      let entry: CacheEntry | undefined = previous[guess];
      if (entry !== undefined) {
        const keyStart = cache.keyStart(entry.key);
        if (keyStart < 0 || !parser.nextIfSeries(cache.keys, keyStart, cache.keyEnd(entry.key)))
          entry = undefined;
      }
      if (entry === undefined) {
        const e = parser.next();
        if (e === Entry.EOF) break;
        if (e !== Entry.Series) {
          if (e !== Entry.Comment) this.#noteMetadata(parser, e, iter);
          continue;
        }
        const start = parser.seriesStart;
        const end = parser.seriesEnd;
        entry = cache.get(body, start, end);
        if (entry === undefined) {
          const labels = this.#sampleLabels(parser.labels());
          if (labels !== undefined) this.#checkLabelLimits(labels);
          entry = { labels, ref: 0, seenIter: 0, key: 0, pos: -1, tracked: true };
          entry.key = cache.add(body, start, end, entry);
          if (labels !== undefined) added++;
        }
      }
      scraped++;
      guess = entry.seenIter === iter - 1 ? entry.pos + 1 : guess + 1;
      if (entry.seenIter !== iter) {
        entry.seenIter = iter;
        entry.pos = seenCount;
        seen[seenCount++] = entry;
      }
      if (entry.labels === undefined) continue;
      post++;
      if (this.#o.sampleLimit > 0 && post > this.#o.sampleLimit)
        throw new ScrapeLimitError('sample', 'sample limit exceeded');
      const explicit = honorTimestamps && parser.hasTimestamp;
      entry.tracked = !explicit || trackTimestamped;
      const t = explicit ? parser.timestampMs : startMs;
      entry.ref = this.#safeAppend(app, entry.ref, entry.labels, t, parser.value);
    }
    for (const entry of this.#previous)
      if (entry.seenIter !== iter && entry.labels && entry.tracked) this.#appendStale(app, entry, startMs);
    seen.length = seenCount;
    this.#spare = this.#previous;
    this.#previous = seen;
    if (this.#cache.size > 4 * seenCount + 10_000) {
      targetMetrics.cacheFlushForced.inc();
      this.#cache.clear();
    }
    // As upstream's scrape cache: metadata outlives its family by 10 scrapes.
    for (const [name, m] of this.#metadata) if (iter - m.lastIter > 10) this.#metadata.delete(name);
    return { scraped, post, added };
  }

  /** Records a HELP, TYPE or UNIT line; the text format's `untyped` is upstream's `unknown`. */
  #noteMetadata(parser: ExpositionParser, e: Entry, iter: number): void {
    const name = parser.metadataName();
    let m = this.#metadata.get(name);
    if (m === undefined) {
      m = { type: 'unknown', help: '', unit: '', lastIter: iter };
      this.#metadata.set(name, m);
    }
    m.lastIter = iter;
    if (e === Entry.Help) m.help = parser.help();
    else if (e === Entry.Unit) m.unit = parser.unit();
    else if (e === Entry.Type) {
      const type = parser.metricType();
      m.type = type === 'untyped' ? 'unknown' : type;
    }
  }

  /** Target labels onto a scraped series (honor_labels or `exported_`), then metric relabeling. */
  #sampleLabels(scraped: Labels): Labels | undefined {
    const b = new LabelsBuilder(scraped);
    this.#o.target.publicLabels.forEach((name, value) => {
      const existing = scraped.get(name);
      if (this.#o.honorLabels) {
        if (existing === '') b.set(name, value);
        return;
      }
      if (existing !== '') b.set(`exported_${name}`, existing);
      b.set(name, value);
    });
    return relabel(b.labels(), this.#o.metricRelabelConfigs);
  }

  #checkLabelLimits(labels: Labels): void {
    const { labelLimit, labelNameLengthLimit: nameMax, labelValueLengthLimit: valueMax } = this.#o;
    const metric = labels.metricName.slice(0, 50);
    if (labelLimit > 0 && labels.size > labelLimit) {
      throw new ScrapeLimitError(
        'label',
        `label_limit exceeded (metric: ${metric}, number of labels: ${labels.size}, limit: ${labelLimit})`,
      );
    }
    if (nameMax === 0 && valueMax === 0) return;
    labels.forEach((name, value) => {
      if (nameMax > 0 && name.length > nameMax) {
        throw new ScrapeLimitError(
          'label',
          `label_name_length_limit exceeded (metric: ${metric}, label name: ${name}, length: ${name.length}, limit: ${nameMax})`,
        );
      }
      if (valueMax > 0 && value.length > valueMax) {
        throw new ScrapeLimitError(
          'label',
          `label_value_length_limit exceeded (metric: ${metric}, label name: ${name}, value: ${value.slice(0, 50)}, length: ${value.length}, limit: ${valueMax})`,
        );
      }
    });
  }

  #appendStale(app: Appender, entry: CacheEntry, timestampMs: number): void {
    entry.ref = this.#safeAppend(app, entry.ref, entry.labels!, timestampMs, STALE_NAN);
  }

  /** Appends, treating the storage's per-sample refusals (duplicates, out of order) as skips, as upstream counts them. */
  #safeAppend(app: Appender, ref: number, labels: Labels, t: number, v: number): number {
    try {
      return app.append(ref, labels, t, v);
    } catch (error) {
      if (!STORAGE_REFUSALS.some((cls) => error instanceof cls)) throw error;
      if (error instanceof DuplicateSampleError) targetMetrics.duplicate.inc();
      else if (error instanceof OutOfOrderSampleError) targetMetrics.outOfOrder.inc();
      else targetMetrics.outOfBounds.inc();
      return ref;
    }
  }

  #appendReport(app: Appender, t: number, r: ScrapeReport): void {
    const values = [
      r.up ? 1 : 0,
      r.durationSeconds,
      r.samplesScraped,
      r.samplesPostMetricRelabeling,
      r.seriesAdded,
    ];
    this.#reportLabelSets.forEach((labels, i) => this.#safeAppend(app, 0, labels, t, values[i]!));
  }
}

/** Counts a failed scrape that hit a limit in the limit's `prometheus_target_*` counter. */
function countScrapeFailure(e: unknown): void {
  if (e instanceof ScrapeLimitError)
    (e.limit === 'sample' ? targetMetrics.sampleLimit : targetMetrics.labelLimits).inc();
  else if (e instanceof ScrapeHttpError && e.code === 'body_size_limit') targetMetrics.bodySizeLimit.inc();
}

/** The synthetic series every scrape writes, in upstream's order. */
export const REPORT_NAMES = [
  'up',
  'scrape_duration_seconds',
  'scrape_samples_scraped',
  'scrape_samples_post_metric_relabeling',
  'scrape_series_added',
] as const;
