import type { Appendable } from '@argus/storage';
import type { ScrapeConfig } from './config/scraper-config.ts';
import { httpScrape } from './http-scrape.ts';
import { sdMetrics, targetMetrics } from './metrics/self-metrics.ts';
import { ScrapeLoop } from './scrape-loop.ts';
import type { ScrapeLoopState } from './scrape-loop.ts';
import { isTarget, populateTarget } from './target.ts';
import type { DroppedTarget, Sharding, Target, TargetGroup } from './target.ts';

export interface ScrapePoolOptions {
  readonly appendable: Appendable;
  readonly baseDir: string;
  readonly jitterSeed: number;
  readonly sharding?: Sharding;
  /** Aborted on scraper shutdown: pending end-of-run staleness is abandoned (upstream). */
  readonly shutdown?: AbortSignal;
  readonly log: (message: string, fields?: Record<string, unknown>) => void;
  /** Debug-level log (failed scrapes other than limits); none when absent. */
  readonly debug?: (message: string, fields?: Record<string, unknown>) => void;
}

/**
 * The targets of one scrape job. Discovery providers (static, file, later HTTP and
 * Kubernetes SD) each hand in their whole current list of target groups with
 * {@link setGroups}; the pool turns the union into targets (relabeling, sharding,
 * `target_limit`) and keeps one {@link ScrapeLoop} per target. A target present before and
 * after a sync keeps its loop; one that vanishes is stopped with upstream's end-of-run
 * staleness. {@link reload} swaps in a new job config keeping series continuity.
 */
export class ScrapePool {
  readonly loops = new Map<string, ScrapeLoop>();
  dropped: DroppedTarget[] = [];
  /** Targets in the providers' groups at the last sync (`prometheus_sd_discovered_targets`). */
  discoveredTargets = 0;
  readonly #groups = new Map<string, TargetGroup[]>();
  /** While held, provider updates are recorded but not applied (a reload's providers restart). */
  #held = false;

  constructor(
    public config: ScrapeConfig,
    readonly options: ScrapePoolOptions,
  ) {}

  /** Replaces the groups of one discovery provider and re-syncs the loops. */
  async setGroups(provider: string, groups: TargetGroup[]): Promise<void> {
    this.#groups.set(provider, groups);
    sdMetrics.receivedUpdates.inc({ name: 'scrape' });
    if (!this.#held) await this.#sync();
  }

  /** Forgets a provider that no longer exists (its targets go at the next sync). */
  removeProvider(provider: string): void {
    this.#groups.delete(provider);
  }

  get providers(): readonly string[] {
    return [...this.#groups.keys()];
  }

  /** Defers syncs until {@link release}, so restarting providers does not drop their targets. */
  hold(): void {
    this.#held = true;
  }

  async release(): Promise<void> {
    this.#held = false;
    await this.#sync();
  }

  /**
   * A changed job config, as Prometheus 2.42's `scrapePool.reload`: every running loop is
   * replaced by one with the new settings for the same target, without end-of-run
   * staleness; the scrape cache (and so staleness of series that vanish, and metadata) is
   * carried over when nothing that changes series labels changed. Otherwise the new loop
   * starts a fresh cache but keeps the old series for end-of-run staleness until its first
   * scrape (upstream's reloaded loops scrape until discovery's next sync, up to 5 s later,
   * so a target the new relabeling drops still gets its stale markers there). Targets are recomputed
   * at the next sync (the manager holds the pool and restarts its providers around this).
   */
  async reload(config: ScrapeConfig): Promise<void> {
    targetMetrics.reloads.inc();
    const reuse = sameSeriesSettings(this.config, config);
    this.config = config;
    const swaps: Promise<void>[] = [];
    for (const [key, old] of this.loops) {
      swaps.push(
        old.stop({ endOfRunStaleness: false }).then(() => {
          const loop = this.#newLoop(old.target, old.state(reuse));
          this.loops.set(key, loop);
          loop.start();
        }),
      );
    }
    await Promise.all(swaps);
  }

  async #sync(): Promise<void> {
    const started = performance.now();
    const job = { scrape_job: this.config.job_name };
    sdMetrics.updates.inc({ name: 'scrape' });
    targetMetrics.syncTotal.inc(job);
    const wanted = new Map<string, Target>();
    const dropped: DroppedTarget[] = [];
    let discovered = 0;
    for (const groups of this.#groups.values()) {
      for (const group of groups) {
        discovered += group.targets.length;
        for (const address of group.targets) {
          const t = populateTarget(group, address, this.config, this.options.sharding);
          if (!isTarget(t)) {
            if (t.error) {
              targetMetrics.syncFailed.inc(job);
              this.options.log('target dropped', { job: this.config.job_name, error: t.error });
            }
            dropped.push(t);
            continue;
          }
          wanted.set(`${t.labels.toString()} ${t.url}`, t);
        }
      }
    }
    const limit = this.config.target_limit;
    this.discoveredTargets = discovered;
    if (limit > 0 && wanted.size > limit) {
      targetMetrics.targetLimit.inc();
      this.options.log('target limit exceeded', { job: this.config.job_name, targets: wanted.size, limit });
      wanted.clear();
    }
    this.dropped = dropped;
    const stopping: Promise<void>[] = [];
    for (const [key, loop] of this.loops) {
      if (!wanted.has(key)) {
        this.loops.delete(key);
        stopping.push(loop.stop());
      }
    }
    for (const [key, t] of wanted) {
      if (this.loops.has(key)) continue;
      const loop = this.#newLoop(t, undefined);
      this.loops.set(key, loop);
      loop.start();
    }
    targetMetrics.syncLength.observe(job, (performance.now() - started) / 1000);
    await Promise.all(stopping);
  }

  #newLoop(t: Target, carried: ScrapeLoopState | undefined): ScrapeLoop {
    const c = this.config;
    return new ScrapeLoop({
      target: t,
      scrape: httpScrape(t.url, c, this.options.baseDir),
      appendable: this.options.appendable,
      honorLabels: c.honor_labels,
      honorTimestamps: c.honor_timestamps,
      trackTimestampsStaleness: c.track_timestamps_staleness,
      metricRelabelConfigs: c.metric_relabel_configs,
      sampleLimit: c.sample_limit,
      labelLimit: c.label_limit,
      labelNameLengthLimit: c.label_name_length_limit,
      labelValueLengthLimit: c.label_value_length_limit,
      jitterSeed: this.options.jitterSeed,
      shutdown: this.options.shutdown,
      liveSeries: () => this.#liveSeries(),
      carried,
      onError: (error) => this.options.log('scrape loop error', { url: t.url, err: error.message }),
      logScrapeFailure: (level, message, fields) =>
        level === 'warn' ? this.options.log(message, fields) : this.options.debug?.(message, fields),
    });
  }

  /** Every series the pool's running loops write now (for end-of-run staleness of removed ones). */
  #liveSeries(): Set<string> {
    const live = new Set<string>();
    for (const loop of this.loops.values())
      for (const labels of loop.seriesLabels()) live.add(labels.toString());
    return live;
  }

  /**
   * Stops every loop. With `endOfRunStaleness` (the job left the config) each writes its
   * stale markers later as upstream; on shutdown nothing is written.
   */
  async stop(endOfRunStaleness: boolean): Promise<void> {
    const loops = [...this.loops.values()];
    this.loops.clear();
    await Promise.all(loops.map((l) => l.stop({ endOfRunStaleness })));
  }
}

/**
 * Upstream's `reusableCache`: the cache may be carried over when the configs are equal
 * once interval, timeout, limits and HTTP client settings are ignored (none of those
 * changes a series' labels).
 */
function sameSeriesSettings(a: ScrapeConfig, b: ScrapeConfig): boolean {
  const strip = (c: ScrapeConfig): string => {
    const {
      scrapeIntervalMs: _i,
      scrapeTimeoutMs: _t,
      scrape_interval: _si,
      scrape_timeout: _st,
      sample_limit: _sl,
      label_limit: _ll,
      label_name_length_limit: _ln,
      label_value_length_limit: _lv,
      basic_auth: _ba,
      authorization: _au,
      bearer_token: _bt,
      bearer_token_file: _btf,
      tls_config: _tls,
      proxy_url: _p,
      follow_redirects: _fr,
      enable_http2: _h2,
      ...rest
    } = c as ScrapeConfig & Record<string, unknown>;
    return JSON.stringify(rest);
  };
  return strip(a) === strip(b);
}
