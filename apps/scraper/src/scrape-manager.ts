import { hashString } from '@argus/model';
import { Secret } from '@argus/service-kit';
import type { ScrapeConfig, ScraperConfig } from './config/scraper-config.ts';
import { FanoutAppendable } from './fanout-appendable.ts';
import { FileSd } from './file-sd.ts';
import { RemoteWriteQueue } from './remote-write-queue.ts';
import { ScrapePool } from './scrape-pool.ts';

type Log = (message: string, fields?: Record<string, unknown>) => void;

interface RunningJob {
  readonly fingerprint: string;
  readonly pool: ScrapePool;
  readonly fileSds: FileSd[];
}

interface RunningQueue {
  readonly fingerprint: string;
  readonly queue: RemoteWriteQueue;
}

/** A config's identity for reload: regexes by source, secrets by value. */
function fingerprint(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => (v instanceof Secret ? v.reveal() : v));
}

/**
 * Runs the scrape jobs and remote-write queues of one config. `apply` with a new config
 * keeps jobs and queues whose config is unchanged (their loops keep series continuity),
 * replaces the others, and stops what is gone.
 */
export class ScrapeManager {
  readonly appendable = new FanoutAppendable();
  readonly #jobs = new Map<string, RunningJob>();
  #queues = new Map<string, RunningQueue>();
  readonly #log: Log;

  constructor(log: Log) {
    this.#log = log;
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
      });
      queues.set(key, { fingerprint: fp, queue });
    });
    for (const [key, q] of this.#queues) if (queues.get(key) !== q) closing.push(q.queue.close());
    this.#queues = queues;
    this.appendable.destinations = [...queues.values()].map((q) => q.queue);

    const wanted = new Set(config.scrapeConfigs.map((c) => c.job_name));
    for (const [name, job] of this.#jobs) {
      if (!wanted.has(name)) {
        this.#jobs.delete(name);
        closing.push(this.#stopJob(job));
      }
    }
    for (const sc of config.scrapeConfigs) {
      const fp = fingerprint({ sc, base: config.baseDir, jitterSeed });
      const existing = this.#jobs.get(sc.job_name);
      if (existing?.fingerprint === fp) continue;
      if (existing) closing.push(this.#stopJob(existing));
      this.#jobs.set(sc.job_name, await this.#startJob(sc, fp, config.baseDir, jitterSeed));
    }
    await Promise.all(closing);
  }

  async #startJob(sc: ScrapeConfig, fp: string, baseDir: string, jitterSeed: number): Promise<RunningJob> {
    const pool = new ScrapePool(sc, this.appendable, baseDir, jitterSeed, this.#log);
    await pool.setGroups(
      'static',
      sc.static_configs.map((g, i) => ({ source: `${i}`, targets: g.targets, labels: g.labels })),
    );
    const fileSds = sc.file_sd_configs.map(
      (f, i) =>
        new FileSd({
          files: f.files,
          refreshIntervalMs: f.refresh_interval,
          baseDir,
          onGroups: (groups) => void pool.setGroups(`file/${i}`, groups),
          onError: (message) => this.#log('file discovery', { job: sc.job_name, err: message }),
        }),
    );
    await Promise.all(fileSds.map((f) => f.start()));
    return { fingerprint: fp, pool, fileSds };
  }

  async #stopJob(job: RunningJob): Promise<void> {
    for (const f of job.fileSds) f.stop();
    await job.pool.stop();
  }

  /** Stops every loop (staleness markers written) and flushes the queues. */
  async stop(): Promise<void> {
    const jobs = [...this.#jobs.values()];
    this.#jobs.clear();
    await Promise.all(jobs.map((j) => this.#stopJob(j)));
    await Promise.all([...this.#queues.values()].map((q) => q.queue.close()));
  }
}
