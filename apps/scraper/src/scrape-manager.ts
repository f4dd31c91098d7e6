import { hashString } from '@argus/model';
import { Secret } from '@argus/service-kit';
import type { Appendable } from '@argus/storage';
import type { ScrapeConfig, ScraperConfig } from './config/scraper-config.ts';
import { FanoutAppendable } from './fanout-appendable.ts';
import { FileSd } from './file-sd.ts';
import { targetMetrics } from './metrics/self-metrics.ts';
import { RemoteWriteQueue } from './remote-write-queue.ts';
import { ScrapePool } from './scrape-pool.ts';
import type { OverflowBuffers } from './spilling-senders.ts';
import { httpSdProviders, kubernetesSdProviders } from './sd-providers.ts';
import type { Sharding, TargetGroup } from './target.ts';

type Log = (message: string, fields?: Record<string, unknown>) => void;

/**
 * A source of target groups for one job. `start` reports the provider's first complete
 * list through `onGroups` before it resolves, then every later change (the whole current
 * list each time). HTTP and Kubernetes SD plug in here, one provider per `*_sd_configs`
 * entry, named `<kind>/<index>` so a reload can match them.
 */
export interface DiscoveryProvider {
  readonly name: string;
  start(onGroups: (groups: TargetGroup[]) => void): Promise<void>;
  stop(): void;
}

/** The providers of one job's config: static groups, file, HTTP and Kubernetes SD. */
export function discoveryProviders(sc: ScrapeConfig, baseDir: string, log: Log): DiscoveryProvider[] {
  const providers: DiscoveryProvider[] = [
    {
      name: 'static',
      start: async (onGroups) =>
        onGroups(sc.static_configs.map((g, i) => ({ source: `${i}`, targets: g.targets, labels: g.labels }))),
      stop: () => undefined,
    },
  ];
  sc.file_sd_configs.forEach((f, i) => {
    let sd: FileSd | undefined;
    providers.push({
      name: `file/${i}`,
      start: async (onGroups) => {
        sd = new FileSd({
          files: f.files,
          refreshIntervalMs: f.refresh_interval,
          baseDir,
          onGroups,
          onError: (message) => log('file discovery', { job: sc.job_name, err: message }),
        });
        await sd.start();
      },
      stop: () => sd?.stop(),
    });
  });
  providers.push(...httpSdProviders(sc, baseDir, log), ...kubernetesSdProviders(sc, baseDir, log));
  return providers;
}

interface RunningJob {
  fingerprint: string;
  readonly pool: ScrapePool;
  providers: DiscoveryProvider[];
}

interface RunningQueue {
  readonly fingerprint: string;
  readonly queue: RemoteWriteQueue;
}

/** A config's identity for reload: regexes by source, secrets by value. */
function fingerprint(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => (v instanceof Secret ? v.reveal() : v));
}

export interface ScrapeManagerOptions {
  readonly log: Log;
  /** Debug-level log (failed scrapes other than limits). */
  readonly debug?: Log;
  /** `--shard`/`--shards`: scrape only this replica's share of every job's targets. */
  readonly sharding?: Sharding;
  /** Fed every committed sample besides the remote-write queues (the NATS publisher). */
  readonly destinations?: readonly Appendable[];
  /** `--storage.path`'s overflow buffers, one per `remote_write` entry, kept across reloads. */
  readonly overflow?: OverflowBuffers;
}

/**
 * Runs the scrape jobs and remote-write queues of one config. `apply` with a new config
 * keeps jobs and queues whose config is unchanged (their loops run on untouched), reloads
 * changed jobs in place (each target's loop is replaced keeping its scrape cache, so series
 * continue without stale markers, as upstream), stops removed jobs (like 2.42, without
 * stale markers: the pool's context is cancelled) and starts new ones. Targets that
 * vanish from a running job's discovery go stale at upstream's end-of-run time.
 */
export class ScrapeManager {
  readonly appendable = new FanoutAppendable();
  readonly #jobs = new Map<string, RunningJob>();
  #queues = new Map<string, RunningQueue>();
  readonly #log: Log;
  readonly #debug: Log | undefined;
  readonly #sharding: Sharding | undefined;
  readonly #extra: readonly Appendable[];
  readonly #overflow: OverflowBuffers | undefined;
  readonly #shutdown = new AbortController();

  constructor(options: ScrapeManagerOptions) {
    this.#log = options.log;
    this.#debug = options.debug;
    this.#sharding = options.sharding;
    this.#extra = options.destinations ?? [];
    this.#overflow = options.overflow;
  }

  get pools(): ReadonlyMap<string, ScrapePool> {
    return new Map([...this.#jobs].map(([name, job]) => [name, job.pool]));
  }

  get queues(): readonly RemoteWriteQueue[] {
    return [...this.#queues.values()].map((q) => q.queue);
  }

  async apply(config: ScraperConfig): Promise<void> {
    const jitterSeed = hashString(`${fingerprint(config.externalLabels)}`) >>> 0;
    const queues = new Map<string, RunningQueue>();
    const closing: Promise<void>[] = [];
    // Opened before any queue is made: a buffer directory that cannot be used fails the
    // apply (start or reload) with nothing half-built.
    const buffers = config.remoteWrite.map((rw) => this.#overflow?.for(rw));
    config.remoteWrite.forEach((rw, i) => {
      const fp = fingerprint({ rw, ext: config.externalLabels, base: config.baseDir });
      const key = rw.name ?? `${i}`;
      const existing = this.#queues.get(key);
      if (existing?.fingerprint === fp) {
        queues.set(key, existing);
        return;
      }
      const queue = new RemoteWriteQueue({
        config: rw,
        externalLabels: config.externalLabels,
        baseDir: config.baseDir,
        onError: (message) => this.#log('remote write', { url: rw.url, err: message }),
        overflow: buffers[i],
      });
      queues.set(key, { fingerprint: fp, queue });
    });
    for (const [key, q] of this.#queues) if (queues.get(key) !== q) closing.push(q.queue.close());
    this.#queues = queues;
    this.appendable.destinations = [...[...queues.values()].map((q) => q.queue), ...this.#extra];

    const wanted = new Set(config.scrapeConfigs.map((c) => c.job_name));
    for (const [name, job] of this.#jobs) {
      if (!wanted.has(name)) {
        this.#jobs.delete(name);
        for (const p of job.providers) p.stop();
        // As 2.42's scrapePool.stop: cancelling the pool's context skips end-of-run staleness.
        closing.push(job.pool.stop(false));
      }
    }
    for (const sc of config.scrapeConfigs) {
      const fp = fingerprint({ sc, base: config.baseDir, jitterSeed });
      const existing = this.#jobs.get(sc.job_name);
      if (existing?.fingerprint === fp) continue;
      if (existing) {
        await this.#reloadJob(existing, sc, fp, config.baseDir);
        continue;
      }
      targetMetrics.poolsTotal.inc();
      const pool = new ScrapePool(sc, {
        appendable: this.appendable,
        baseDir: config.baseDir,
        jitterSeed,
        sharding: this.#sharding,
        shutdown: this.#shutdown.signal,
        log: this.#log,
        debug: this.#debug,
      });
      const job: RunningJob = { fingerprint: fp, pool, providers: [] };
      this.#jobs.set(sc.job_name, job);
      await this.#startProviders(job, sc, config.baseDir);
    }
    await Promise.all(closing);
    // After the replaced queues closed (their last batches are in their buffers).
    await this.#overflow?.retain(config.remoteWrite);
  }

  async #startProviders(job: RunningJob, sc: ScrapeConfig, baseDir: string): Promise<void> {
    job.pool.hold();
    job.providers = discoveryProviders(sc, baseDir, this.#log);
    const names = new Set(job.providers.map((p) => p.name));
    for (const name of job.pool.providers) if (!names.has(name)) job.pool.removeProvider(name);
    await Promise.all(job.providers.map((p) => p.start((groups) => void job.pool.setGroups(p.name, groups))));
    await job.pool.release();
  }

  async #reloadJob(job: RunningJob, sc: ScrapeConfig, fp: string, baseDir: string): Promise<void> {
    for (const p of job.providers) p.stop();
    job.fingerprint = fp;
    await job.pool.reload(sc);
    await this.#startProviders(job, sc, baseDir);
  }

  /**
   * Stops every loop and flushes the queues. As upstream on shutdown, no stale markers are
   * written (a restarted scraper continues the series); pending end-of-run staleness is dropped.
   */
  async stop(): Promise<void> {
    this.#shutdown.abort();
    const jobs = [...this.#jobs.values()];
    this.#jobs.clear();
    for (const j of jobs) for (const p of j.providers) p.stop();
    await Promise.all(jobs.map((j) => j.pool.stop(false)));
    await Promise.all([...this.#queues.values()].map((q) => q.queue.close()));
    await this.#overflow?.close();
  }
}
