// Worker-thread entry for block compaction and block writing. Apps bundle it beside
// main.js (package.json "argus.workers") and hand its URL to WorkerCompactionRunner.
import { parentPort } from 'node:worker_threads';
import type { CompactionRequest, CompactionResponse } from './compaction-runner.ts';
import { compactBlocks, writeSeriesBlock } from './compactor.ts';
import { unpackSeries } from './series-transfer.ts';

if (!parentPort) throw new Error('compact.worker must run as a worker thread');
const port = parentPort;

port.on('message', (req: CompactionRequest) => {
  let res: CompactionResponse;
  try {
    const meta =
      req.op === 'compact'
        ? compactBlocks(req.parentDir, req.blockDirs)
        : writeSeriesBlock(req.parentDir, unpackSeries(req.series), req.minT, req.maxT);
    res = { id: req.id, ok: true, meta: meta ?? null };
  } catch (err) {
    const e = err as Error & { code?: unknown };
    res = {
      id: req.id,
      ok: false,
      code: typeof e.code === 'string' ? e.code : 'compaction_failed',
      message: e.message ?? String(err),
    };
  }
  port.postMessage(res);
});
