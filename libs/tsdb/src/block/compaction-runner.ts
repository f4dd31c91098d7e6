import { Worker } from 'node:worker_threads';
import type { BlockSeries } from './block-writer.ts';
import { compactBlocks, writeSeriesBlock } from './compactor.ts';
import { BlockError } from './errors.ts';
import type { BlockMeta } from './meta.ts';
import { packSeries, type PackedSeries } from './series-transfer.ts';

/**
 * Where block writing runs: inline on the calling thread ({@link InlineCompactionRunner},
 * for tests and tools) or in a worker thread ({@link WorkerCompactionRunner}) so the
 * event loop stays free for ingestion and queries.
 */
export interface CompactionRunner {
  /** Compacts the block directories into a new block in `parentDir` (see `compactBlocks`). */
  compact(parentDir: string, blockDirs: readonly string[]): Promise<BlockMeta | undefined>;
  /** Writes the series (any order, each with chunks) as a level-1 block [minT, maxT). */
  writeSeries(
    parentDir: string,
    series: BlockSeries[],
    minT: number,
    maxT: number,
  ): Promise<BlockMeta | undefined>;
  close(): Promise<void>;
}

/** Runs compaction synchronously on the calling thread. */
export class InlineCompactionRunner implements CompactionRunner {
  async compact(parentDir: string, blockDirs: readonly string[]): Promise<BlockMeta | undefined> {
    return compactBlocks(parentDir, blockDirs);
  }

  async writeSeries(
    parentDir: string,
    series: BlockSeries[],
    minT: number,
    maxT: number,
  ): Promise<BlockMeta | undefined> {
    return writeSeriesBlock(parentDir, series, minT, maxT);
  }

  async close(): Promise<void> {}
}

/** A request to the compaction worker (see compact.worker.ts). */
export type CompactionRequest =
  | { id: number; op: 'compact'; parentDir: string; blockDirs: string[] }
  | { id: number; op: 'writeSeries'; parentDir: string; series: PackedSeries; minT: number; maxT: number };

/** The worker's answer: the new block's meta (null when nothing was written) or an error. */
export type CompactionResponse =
  { id: number; ok: true; meta: BlockMeta | null } | { id: number; ok: false; code: string; message: string };

/** A failure inside the compaction worker, carrying the worker's error code and message. */
export class CompactionWorkerError extends BlockError {
  constructor(code: string, message: string) {
    super(code, `compaction worker: ${message}`);
  }
}

/**
 * Runs compaction in one `worker_threads` worker started from `workerUrl` (the built
 * `compact.worker.js`, or the .ts entry with a TypeScript loader in `execArgv`).
 * Requests are served one at a time in order; the worker is unref'd while idle.
 */
export class WorkerCompactionRunner implements CompactionRunner {
  readonly #worker: Worker;
  readonly #pending = new Map<
    number,
    { resolve: (m: BlockMeta | undefined) => void; reject: (e: Error) => void }
  >();
  #nextId = 1;
  #exitError: Error | undefined;

  constructor(workerUrl: URL | string, options: { execArgv?: string[] } = {}) {
    this.#worker = new Worker(workerUrl, { execArgv: options.execArgv ?? [] });
    this.#worker.unref();
    this.#worker.on('message', (res: CompactionResponse) => {
      const p = this.#pending.get(res.id);
      if (!p) return;
      this.#pending.delete(res.id);
      if (this.#pending.size === 0) this.#worker.unref();
      if (res.ok) p.resolve(res.meta ?? undefined);
      else p.reject(new CompactionWorkerError(res.code, res.message));
    });
    const fail = (err: Error): void => {
      this.#exitError = err;
      for (const p of this.#pending.values()) p.reject(err);
      this.#pending.clear();
    };
    this.#worker.on('error', fail);
    this.#worker.on('exit', (code) =>
      fail(new CompactionWorkerError('worker_exit', `worker exited with code ${code}`)),
    );
  }

  #send(req: CompactionRequest, transfer: ArrayBuffer[] = []): Promise<BlockMeta | undefined> {
    if (this.#exitError) return Promise.reject(this.#exitError);
    return new Promise((resolve, reject) => {
      this.#pending.set(req.id, { resolve, reject });
      this.#worker.ref();
      this.#worker.postMessage(req, transfer);
    });
  }

  compact(parentDir: string, blockDirs: readonly string[]): Promise<BlockMeta | undefined> {
    return this.#send({ id: this.#nextId++, op: 'compact', parentDir, blockDirs: [...blockDirs] });
  }

  writeSeries(
    parentDir: string,
    series: BlockSeries[],
    minT: number,
    maxT: number,
  ): Promise<BlockMeta | undefined> {
    const packed = packSeries(series);
    return this.#send({ id: this.#nextId++, op: 'writeSeries', parentDir, series: packed, minT, maxT }, [
      packed.bytes,
    ]);
  }

  async close(): Promise<void> {
    if (this.#exitError) return;
    await this.#worker.terminate();
  }
}
