import { Worker } from 'node:worker_threads';
import { TsdbError } from '../errors.ts';
import { runCheckpoint } from './checkpoint.ts';
import type { CheckpointRequest, CheckpointStats } from './checkpoint.ts';

/**
 * Where WAL checkpoints are written: inline ({@link InlineCheckpointRunner}) or in a
 * worker thread ({@link WorkerCheckpointRunner}), so reading and rewriting old segments
 * does not stall the event loop while ingestion goes on into newer segments.
 */
export interface CheckpointRunner {
  checkpoint(req: CheckpointRequest): Promise<CheckpointStats>;
  close(): Promise<void>;
}

/** Runs {@link runCheckpoint} on the calling thread. */
export class InlineCheckpointRunner implements CheckpointRunner {
  async checkpoint(req: CheckpointRequest): Promise<CheckpointStats> {
    return runCheckpoint(req);
  }

  async close(): Promise<void> {}
}

/** Messages between {@link WorkerCheckpointRunner} and `checkpoint.worker.ts`. */
export type CheckpointWorkerRequest = CheckpointRequest & { id: number };
export type CheckpointWorkerResponse =
  { id: number; ok: true; stats: CheckpointStats } | { id: number; ok: false; code: string; message: string };

/** A checkpoint that failed inside the worker, with the worker's error code and message. */
export class CheckpointWorkerError extends TsdbError {
  constructor(code: string, message: string) {
    super(code, `checkpoint worker: ${message}`);
  }
}

/**
 * Runs checkpoints in one worker started from `workerUrl` (the built
 * `checkpoint.worker.js`, or the .ts entry with a TypeScript loader in `execArgv`).
 * The worker is unref'd while idle.
 */
export class WorkerCheckpointRunner implements CheckpointRunner {
  readonly #worker: Worker;
  readonly #pending = new Map<
    number,
    { resolve: (s: CheckpointStats) => void; reject: (e: Error) => void }
  >();
  #nextId = 1;
  #failed: Error | undefined;

  constructor(workerUrl: URL | string, options: { execArgv?: string[] } = {}) {
    this.#worker = new Worker(workerUrl, { execArgv: options.execArgv ?? [] });
    this.#worker.unref();
    this.#worker.on('message', (res: CheckpointWorkerResponse) => {
      const p = this.#pending.get(res.id);
      if (!p) return;
      this.#pending.delete(res.id);
      if (this.#pending.size === 0) this.#worker.unref();
      if (res.ok) p.resolve(res.stats);
      else p.reject(new CheckpointWorkerError(res.code, res.message));
    });
    const fail = (err: Error): void => {
      this.#failed = err;
      for (const p of this.#pending.values()) p.reject(err);
      this.#pending.clear();
    };
    this.#worker.on('error', fail);
    this.#worker.on('exit', (code) =>
      fail(new CheckpointWorkerError('worker_exit', `worker exited with code ${code}`)),
    );
  }

  checkpoint(req: CheckpointRequest): Promise<CheckpointStats> {
    if (this.#failed) return Promise.reject(this.#failed);
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      this.#worker.ref();
      const msg: CheckpointWorkerRequest = { ...req, id };
      this.#worker.postMessage(msg);
    });
  }

  async close(): Promise<void> {
    await this.#worker.terminate();
  }
}
