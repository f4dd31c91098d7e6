import type { Appendable } from '@argus/storage';
import type { ScrapeConfig } from './config/scraper-config.ts';
import { httpScrape } from './http-scrape.ts';
import { ScrapeLoop } from './scrape-loop.ts';
import { isTarget, populateTarget } from './target.ts';
import type { DroppedTarget, TargetGroup } from './target.ts';

/**
 * The targets of one scrape job: turns discovered groups into targets (relabeling, limits)
 * and keeps one {@link ScrapeLoop} per target. A target present before and after a sync keeps
 * its loop, cache and staleness state; one that vanishes is stopped (its series marked stale).
 */
export class ScrapePool {
  readonly loops = new Map<string, ScrapeLoop>();
  dropped: DroppedTarget[] = [];
  readonly #groups = new Map<string, TargetGroup[]>();

  constructor(
    readonly config: ScrapeConfig,
    readonly appendable: Appendable,
    readonly baseDir: string,
    readonly jitterSeed: number,
    readonly log: (message: string, fields?: Record<string, unknown>) => void,
  ) {}

  /** Replaces the groups of one discovery provider and re-syncs the loops. */
  async setGroups(provider: string, groups: TargetGroup[]): Promise<void> {
    this.#groups.set(provider, groups);
    await this.#sync();
  }

  async #sync(): Promise<void> {
    const wanted = new Map<string, ReturnType<typeof populateTarget>>();
    const dropped: DroppedTarget[] = [];
    for (const groups of this.#groups.values()) {
      for (const group of groups) {
        for (const address of group.targets) {
          const t = populateTarget(group, address, this.config);
          if (!isTarget(t)) {
            if (t.error) this.log('target dropped', { job: this.config.job_name, error: t.error });
            dropped.push(t);
            continue;
          }
          wanted.set(`${t.labels.toString()} ${t.url}`, t);
        }
      }
    }
    const limit = this.config.target_limit;
    if (limit > 0 && wanted.size > limit) {
      this.log('target limit exceeded', { job: this.config.job_name, targets: wanted.size, limit });
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
      if (this.loops.has(key) || !isTarget(t)) continue;
      const loop = new ScrapeLoop({
        target: t,
        scrape: httpScrape(t.url, this.config, this.baseDir),
        appendable: this.appendable,
        honorLabels: this.config.honor_labels,
        honorTimestamps: this.config.honor_timestamps,
        metricRelabelConfigs: this.config.metric_relabel_configs,
        sampleLimit: this.config.sample_limit,
        labelLimit: this.config.label_limit,
        labelNameLengthLimit: this.config.label_name_length_limit,
        labelValueLengthLimit: this.config.label_value_length_limit,
        jitterSeed: this.jitterSeed,
        onError: (error) => this.log('scrape loop error', { url: t.url, err: error.message }),
      });
      this.loops.set(key, loop);
      loop.start();
    }
    await Promise.all(stopping);
  }

  /** Stops every loop, writing staleness markers. */
  async stop(): Promise<void> {
    const loops = [...this.loops.values()];
    this.loops.clear();
    await Promise.all(loops.map((l) => l.stop()));
  }
}
