import { mkdirSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Matcher } from '@argus/model';
import type { Appendable, Appender, Querier, Queryable } from '@argus/storage';
import { BlockStore } from './block/block-store.ts';
import type { CompactionRunner } from './block/compaction-runner.ts';
import { MergeQuerier } from './block/merge-querier.ts';
import type { BlockMeta } from './block/meta.ts';
import { ClosedError } from './errors.ts';
import { Head } from './head/head.ts';
import type { HeadOptions } from './head/head.ts';
import { deleteCheckpoints } from './wal/checkpoint.ts';
import { InlineCheckpointRunner } from './wal/checkpoint-runner.ts';
import type { CheckpointRunner } from './wal/checkpoint-runner.ts';
import type { CheckpointStats } from './wal/checkpoint.ts';
import { replayWal } from './wal/replay.ts';
import type { ReplayReport } from './wal/replay.ts';
import { listSegments } from './wal/segment.ts';
import { Wal } from './wal/wal.ts';

export interface TsdbOptions extends HeadOptions {
  /** WAL segment size in bytes; default 128 MiB as upstream. */
  walSegmentSizeBytes?: number;
  /** Snappy-compress WAL records (upstream `--storage.tsdb.wal-compression`, default on). */
  walCompression?: boolean;
  /**
   * Samples older than this are neither replayed nor accepted: the max time of the
   * newest block when blocks exist (upstream's head `minValidTime`).
   */
  minValidTimeMs?: number;
  /** Where WAL checkpoints are written (closed with the tsdb); default inline. Pass a `WorkerCheckpointRunner` in a service. */
  checkpointRunner?: CheckpointRunner;
  /** Where blocks are written and compacted; default inline. Pass a `WorkerCompactionRunner` in a service. */
  compactionRunner?: CompactionRunner;
  /** Blocks entirely older than this (relative to the newest block's end) are deleted; 0 keeps them. */
  retentionMs?: number;
  /** Oldest blocks are deleted while blocks, WAL and head together exceed this; 0 sets no limit. */
  retentionBytes?: number;
}

/** What {@link Tsdb.truncateHead} did. */
export interface HeadTruncation {
  seriesRemoved: number;
  chunksRemoved: number;
  /** The WAL checkpoint written, if enough segments had accumulated. */
  checkpoint?: CheckpointStats;
}

/**
 * The storage engine over a data directory laid out as upstream's: `<ulid>/` block
 * directories and `wal/` with the write-ahead log (segments and `checkpoint.N`
 * directories). Opening loads the blocks and replays the WAL into a new {@link Head};
 * every commit is logged before it becomes visible. {@link compact} cuts the head into
 * blocks, compacts them and applies retention; call it periodically (upstream: every
 * minute). Queriers merge blocks and head.
 */
export class Tsdb implements Appendable, Queryable {
  readonly dir: string;
  readonly head: Head;
  readonly wal: Wal;
  readonly blocks: BlockStore;
  /** What the WAL replay on open found, including any repair of a torn segment. */
  readonly replay: ReplayReport;
  #closed = false;
  readonly #checkpoints: CheckpointRunner;
  #truncating: Promise<HeadTruncation> | undefined;
  /** Serialises operations that change the set of blocks. */
  #maintenance: Promise<unknown> = Promise.resolve();

  private constructor(
    dir: string,
    head: Head,
    wal: Wal,
    blocks: BlockStore,
    replay: ReplayReport,
    checkpoints: CheckpointRunner,
  ) {
    this.dir = dir;
    this.head = head;
    this.wal = wal;
    this.blocks = blocks;
    this.replay = replay;
    this.#checkpoints = checkpoints;
  }

  /**
   * Opens (creating) `dir`: loads its blocks, replays `dir/wal` into the head (skipping
   * samples the blocks already hold), then starts a new WAL segment.
   */
  static async open(dir: string, options: TsdbOptions = {}): Promise<Tsdb> {
    mkdirSync(dir, { recursive: true });
    const walDir = join(dir, 'wal');
    mkdirSync(walDir, { recursive: true });
    const blocks = BlockStore.open({
      dir,
      retentionMs: options.retentionMs,
      retentionBytes: options.retentionBytes,
      runner: options.compactionRunner,
      headBytes: () => directoryBytes(walDir),
    });
    const head = new Head(options);
    const minValid = Math.max(options.minValidTimeMs ?? -Infinity, blocks.maxTime ?? -Infinity);
    if (Number.isFinite(minValid)) head.setMinValidTime(minValid);
    const replay = replayWal(walDir, head);
    const wal = Wal.open(walDir, {
      segmentSizeBytes: options.walSegmentSizeBytes,
      compression: options.walCompression ?? true,
    });
    head.setLog(wal);
    return new Tsdb(dir, head, wal, blocks, replay, options.checkpointRunner ?? new InlineCheckpointRunner());
  }

  appender(): Appender {
    if (this.#closed) throw new ClosedError('tsdb');
    return this.head.appender();
  }

  /** Merges the blocks overlapping [minT, maxT] with the head; the head wins on equal timestamps. */
  async querier(minT: number, maxT: number): Promise<Querier> {
    if (this.#closed) throw new ClosedError('tsdb');
    const head = await this.head.querier(minT, maxT);
    if (!this.blocks.blocks.some((b) => b.overlaps(minT, maxT))) return head;
    return new MergeQuerier([this.blocks.querier(minT, maxT), head]);
  }

  /** Deletes samples in [minT, maxT] of the matching series: head chunks rewritten, blocks tombstoned. */
  async delete(minT: number, maxT: number, matchers: readonly Matcher[]): Promise<number> {
    if (this.#closed) throw new ClosedError('tsdb');
    const inHead = this.head.delete(minT, maxT, matchers);
    const inBlocks = await this.#serially(async () => this.blocks.delete(minT, maxT, matchers));
    return inHead + inBlocks;
  }

  /**
   * Cuts every full block range of the head into a block (then drops it from the head
   * and checkpoints the WAL), runs leveled compaction and applies retention. Returns
   * the blocks written. Never runs twice at once.
   */
  compact(): Promise<BlockMeta[]> {
    if (this.#closed) return Promise.reject(new ClosedError('tsdb'));
    return this.#serially(() =>
      this.blocks.compactHead(this.head, async (maxT) => {
        await this.truncateHead(maxT);
      }),
    );
  }

  /**
   * Writes a snapshot of the data to `dir` (hard links to the blocks plus, unless
   * `skipHead`, the head written as a block) and returns the block ULIDs in it.
   */
  snapshot(dir: string, skipHead = false): Promise<string[]> {
    if (this.#closed) return Promise.reject(new ClosedError('tsdb'));
    const head = this.head;
    const withHead =
      skipHead || head.numSeries === 0
        ? undefined
        : { source: head, minT: head.minTimeMs, maxT: head.maxTimeMs };
    return this.#serially(() => this.blocks.snapshot(dir, withHead));
  }

  #serially<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.#maintenance.catch(() => undefined).then(fn);
    this.#maintenance = run;
    return run;
  }

  /**
   * After the head's data before `mint` is safely in a block: drops it from the head,
   * then checkpoints the WAL as upstream's `truncateWAL` (start a new segment; if the
   * older segments span at least two, checkpoint the lower two thirds keeping live
   * series and samples ≥ mint, delete those segments and older checkpoints).
   */
  async truncateHead(mint: number): Promise<HeadTruncation> {
    if (this.#closed) throw new ClosedError('tsdb');
    // One at a time: a second call waits for the first, then runs.
    while (this.#truncating) await this.#truncating.catch(() => undefined);
    const run = this.#truncate(mint);
    this.#truncating = run;
    try {
      return await run;
    } finally {
      this.#truncating = undefined;
    }
  }

  async #truncate(mint: number): Promise<HeadTruncation> {
    const result: HeadTruncation = this.head.truncate(mint);
    const walDir = this.wal.dir;
    const segments = listSegments(walDir);
    if (segments.length === 0) return result;
    const first = segments[0]!;
    const newest = segments[segments.length - 1]!;
    this.wal.nextSegment();
    const last = first + Math.trunc(((newest - 1 - first) * 2) / 3);
    if (last <= first) return result;
    const live: number[] = [];
    for (const s of this.head.allSeries()) live.push(s.ref);
    // Appends go on into newer segments while the checkpoint reads [first, last].
    result.checkpoint = await this.#checkpoints.checkpoint({
      dir: walDir,
      from: first,
      to: last,
      liveRefs: Uint32Array.from(live),
      mint,
      compression: this.wal.compression,
    });
    this.wal.truncate(last + 1);
    deleteCheckpoints(walDir, last);
    return result;
  }

  /** Fsyncs and closes the WAL. Queriers already open keep working on their snapshots. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#truncating?.catch(() => undefined);
    this.head.setLog({
      log() {
        throw new ClosedError('tsdb');
      },
    });
    await this.#maintenance.catch(() => undefined);
    this.wal.close();
    await this.#checkpoints.close();
    await this.blocks.close();
  }
}

function directoryBytes(dir: string): number {
  let total = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    total += entry.isDirectory() ? directoryBytes(path) : statSync(path).size;
  }
  return total;
}

/** Opens the tsdb in `dir`; see {@link Tsdb.open}. */
export function openTsdb(dir: string, options: TsdbOptions = {}): Promise<Tsdb> {
  return Tsdb.open(dir, options);
}
