// Worker-thread entry for WAL checkpoints. Apps bundle it beside main.js (package.json
// "argus.workers") and hand its URL to WorkerCheckpointRunner.
import { parentPort } from 'node:worker_threads';
import { runCheckpoint } from './checkpoint.ts';
import type { CheckpointWorkerRequest, CheckpointWorkerResponse } from './checkpoint-runner.ts';

if (!parentPort) throw new Error('checkpoint.worker must run as a worker thread');
const port = parentPort;

port.on('message', (req: CheckpointWorkerRequest) => {
  let res: CheckpointWorkerResponse;
  try {
    res = { id: req.id, ok: true, stats: runCheckpoint(req) };
  } catch (err) {
    const e = err as Error & { code?: unknown };
    res = {
      id: req.id,
      ok: false,
      code: typeof e.code === 'string' ? e.code : 'checkpoint_failed',
      message: e.message ?? String(err),
    };
  }
  port.postMessage(res);
});
