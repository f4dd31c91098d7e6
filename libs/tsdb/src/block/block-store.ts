import { existsSync, linkSync, mkdirSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Matcher } from '@argus/model';
import type { Querier } from '@argus/storage';
import type { BlockSource } from '../block-source.ts';
import { Block, looksLikeBlock } from './block.ts';
import {
  DEFAULT_BLOCK_DURATION_MS,
  defaultBlockRanges,
  headCompactable,
  rangeForTimestamp,
} from './block-ranges.ts';
import { TMP_FOR_CREATION_SUFFIX } from './block-writer.ts';
import { CHUNKS_DIRNAME } from './chunks-format.ts';
import { planCompaction } from './compaction-plan.ts';
import { InlineCompactionRunner, type CompactionRunner } from './compaction-runner.ts';
import { BlockOpenError } from './errors.ts';
import { INDEX_FILENAME } from './index-format.ts';
import { MergeQuerier } from './merge-querier.ts';
import { META_FILENAME, syncDir, type BlockMeta } from './meta.ts';
import { retentionDecision } from './retention.ts';
import { TOMBSTONES_FILENAME } from './tombstones.ts';
import { isUlid } from './ulid.ts';

/** Suffix a block directory gets just before it is removed (upstream's `tmpForDeletionBlockDirSuffix`). */
export const TMP_FOR_DELETION_SUFFIX = '.tmp-for-deletion';

/** Counters a service exports under upstream's names (`prometheus_tsdb_<name>_total`). */
export interface BlockStoreCounters {
  /** `prometheus_tsdb_compactions_total`: leveled compactions run (head cuts not included). */
  compactions: number;
  /** `prometheus_tsdb_compactions_failed_total`. */
  compactionsFailed: number;
  /** Head ranges written as blocks (`prometheus_tsdb_head_truncations_total` counts the head side). */
  headBlocksWritten: number;
  /** `prometheus_tsdb_time_retentions_total`. */
  timeRetentions: number;
  /** `prometheus_tsdb_size_retentions_total`. */
  sizeRetentions: number;
  /** `prometheus_tsdb_reloads_total`. */
  reloads: number;
}

export interface BlockStoreOptions {
  /** The database directory holding `<ulid>/` block directories. */
  dir: string;
  /** `--storage.tsdb.retention.time` in ms; 0 (default) keeps blocks forever. */
  retentionMs?: number;
  /** `--storage.tsdb.retention.size` in bytes; 0 (default) sets no limit. */
  retentionBytes?: number;
  /** Leveled-compaction ranges; default {@link defaultBlockRanges}(retentionMs). */
  blockRanges?: readonly number[];
  /** Where block writing runs; default inline. */
  runner?: CompactionRunner;
  /** Bytes taken by the head and WAL, counted against `retentionBytes` before any block. */
  headBytes?: () => number;
}

/**
 * The persisted blocks of one database directory (the block half of upstream's `DB`):
 * opens them, cuts head ranges into level-1 blocks, runs leveled compaction, applies
 * time and size retention, records deletions as tombstones and takes snapshots.
 *
 * Operations that change the set of blocks must not run concurrently with each other
 * (the facade serialises them); queriers may be open meanwhile: a block removed
 * while a querier uses it is closed and deleted once that querier is closed.
 */
export class BlockStore {
  readonly dir: string;
  readonly ranges: readonly number[];
  readonly #opts: BlockStoreOptions;
  readonly #runner: CompactionRunner;
  #blocks: Block[] = [];
  readonly #pins = new Map<Block, number>();
  readonly #doomed = new Set<Block>();
  #closed = false;
  /** Running counts since open; read them for self-metrics. */
  readonly counters: BlockStoreCounters = {
    compactions: 0,
    compactionsFailed: 0,
    headBlocksWritten: 0,
    timeRetentions: 0,
    sizeRetentions: 0,
    reloads: 0,
  };

  private constructor(opts: BlockStoreOptions) {
    this.dir = opts.dir;
    this.#opts = opts;
    this.ranges = opts.blockRanges ?? defaultBlockRanges(opts.retentionMs ?? 0);
    this.#runner = opts.runner ?? new InlineCompactionRunner();
  }

  /** Opens every block in `opts.dir` (creating the directory if needed) and removes leftovers of interrupted writes and deletions. */
  static open(opts: BlockStoreOptions): BlockStore {
    mkdirSync(opts.dir, { recursive: true });
    for (const name of readdirSync(opts.dir)) {
      if (name.endsWith(TMP_FOR_CREATION_SUFFIX) || name.endsWith(TMP_FOR_DELETION_SUFFIX)) {
        rmSync(join(opts.dir, name), { recursive: true, force: true });
      }
    }
    const store = new BlockStore(opts);
    store.reload();
    return store;
  }

  /** Open blocks in min-time order. */
  get blocks(): readonly Block[] {
    return this.#blocks;
  }

  /** Smallest min time over the blocks, or undefined when there are none. */
  get minTime(): number | undefined {
    return this.#blocks[0]?.minTime;
  }

  /** Largest (exclusive) max time over the blocks, or undefined when there are none. */
  get maxTime(): number | undefined {
    return this.#blocks.length === 0 ? undefined : Math.max(...this.#blocks.map((b) => b.maxTime));
  }

  /** Bytes of all open blocks on disk. */
  sizeBytes(): number {
    return this.#blocks.reduce((n, b) => n + b.size(), 0);
  }

  /**
   * Re-reads the directory: opens new blocks, then removes blocks marked deletable,
   * blocks already compacted into another one and blocks beyond retention. Returns the
   * ULIDs removed. A block that cannot be opened and was not compacted into another
   * one is an error, as upstream.
   */
  reload(): string[] {
    this.counters.reloads++;
    const loaded = new Map(this.#blocks.map((b) => [b.ulid, b]));
    const corrupted = new Map<string, Error>();
    const present: Block[] = [];
    for (const name of readdirSync(this.dir)) {
      if (!isUlid(name)) continue;
      const existing = loaded.get(name);
      if (existing) {
        present.push(existing);
        continue;
      }
      const dir = join(this.dir, name);
      if (!looksLikeBlock(dir)) continue;
      try {
        present.push(Block.open(dir));
      } catch (err) {
        corrupted.set(name, err as Error);
      }
    }
    const parents = new Set(present.flatMap((b) => (b.meta.compaction.parents ?? []).map((p) => p.ulid)));
    for (const [ulid, err] of corrupted) {
      if (parents.has(ulid)) {
        this.#removeDir(join(this.dir, ulid));
        continue;
      }
      for (const b of present) if (!loaded.has(b.ulid)) b.close();
      throw new BlockOpenError(join(this.dir, ulid), 'unexpected corrupted block', { cause: err });
    }
    const decision = retentionDecision(
      present.map((b) => ({ meta: b.meta, sizeBytes: b.size() })),
      {
        retentionMs: this.#opts.retentionMs ?? 0,
        retentionBytes: this.#opts.retentionBytes ?? 0,
        headBytes: this.#opts.headBytes?.() ?? 0,
      },
    );
    const deletable = decision.deletable;
    if (decision.byTime) this.counters.timeRetentions++;
    if (decision.bySize) this.counters.sizeRetentions++;
    this.#blocks = present
      .filter((b) => !deletable.has(b.ulid))
      .sort((a, b) => a.minTime - b.minTime || compareStrings(a.ulid, b.ulid));
    const removed: string[] = [];
    for (const b of present) {
      if (deletable.has(b.ulid)) {
        this.#retire(b);
        removed.push(b.ulid);
      }
    }
    return removed;
  }

  /** Closes and deletes a block now, or when the last querier using it closes. */
  #retire(b: Block): void {
    if ((this.#pins.get(b) ?? 0) > 0) {
      this.#doomed.add(b);
      return;
    }
    b.close();
    this.#removeDir(b.dir);
  }

  /** Renames to `<ulid>.tmp-for-deletion`, then removes, so a crash never leaves half a block under its ULID. */
  #removeDir(dir: string): void {
    if (!existsSync(dir)) return;
    const tmp = dir + TMP_FOR_DELETION_SUFFIX;
    rmSync(tmp, { recursive: true, force: true });
    renameSync(dir, tmp);
    rmSync(tmp, { recursive: true, force: true });
  }

  /**
   * Writes the head's samples in [minT, maxT) as a level-1 block and loads it.
   * Returns its meta, or undefined when the range held no sample.
   */
  async cutHead(source: BlockSource, minT: number, maxT: number): Promise<BlockMeta | undefined> {
    const series = source.series(minT, maxT - 1).map((s) => ({ labels: s.labels.flat, chunks: s.chunks }));
    const meta = await this.#runner.writeSeries(this.dir, series, minT, maxT);
    if (meta) {
      this.counters.headBlocksWritten++;
      this.reload();
    }
    return meta;
  }

  /**
   * Cuts the head into blocks for as long as it spans more than 1.5 block ranges, as
   * upstream's `DB.Compact`: each block covers [head min time, end of its aligned
   * range); after each one `truncateHead(maxT)` must drop the head's samples before
   * `maxT` (and truncate the WAL). Then runs leveled compaction. Returns the new blocks.
   */
  async compactHead(
    source: BlockSource,
    truncateHead: (maxT: number) => Promise<void> | void,
    blockRangeMs = this.ranges[0] ?? DEFAULT_BLOCK_DURATION_MS,
  ): Promise<BlockMeta[]> {
    const written: BlockMeta[] = [];
    while (headCompactable(source.minTimeMs, source.maxTimeMs, blockRangeMs)) {
      const minT = source.minTimeMs;
      const maxT = rangeForTimestamp(minT, blockRangeMs);
      const meta = await this.cutHead(source, minT, maxT);
      if (meta) written.push(meta);
      const before = source.minTimeMs;
      await truncateHead(maxT);
      if (source.minTimeMs <= before) break; // The head did not move; never loop forever.
    }
    written.push(...(await this.compact()));
    return written;
  }

  /**
   * Leveled compaction until the planner finds nothing more (upstream `compactBlocks`).
   * A compaction that leaves no sample marks its parents deletable; a failed one marks
   * them `failed` (so the planner skips them) and rethrows.
   */
  async compact(): Promise<BlockMeta[]> {
    const out: BlockMeta[] = [];
    for (;;) {
      const plan = planCompaction(
        this.#blocks.map((b) => ({ dir: b.dir, meta: b.meta })),
        this.ranges,
      );
      if (plan.length === 0) return out;
      const parents = this.#blocks.filter((b) => plan.includes(b.dir));
      let meta: BlockMeta | undefined;
      try {
        meta = await this.#runner.compact(this.dir, plan);
      } catch (err) {
        this.counters.compactionsFailed++;
        for (const b of parents) b.setMeta({ ...b.meta, compaction: { ...b.meta.compaction, failed: true } });
        throw err;
      }
      this.counters.compactions++;
      if (meta) out.push(meta);
      else
        for (const b of parents)
          b.setMeta({ ...b.meta, compaction: { ...b.meta.compaction, deletable: true } });
      this.reload();
    }
  }

  /** Tombstones the samples of matching series in [minT, maxT] (inclusive) in every overlapping block; returns series affected. */
  delete(minT: number, maxT: number, matchers: readonly Matcher[]): number {
    let n = 0;
    for (const b of this.#blocks) if (b.overlaps(minT, maxT)) n += b.delete(minT, maxT, matchers);
    return n;
  }

  /** A querier over every block overlapping [minT, maxT]; blocks stay open until it is closed. */
  querier(minT: number, maxT: number): Querier {
    const blocks = this.#blocks.filter((b) => b.overlaps(minT, maxT));
    for (const b of blocks) this.#pins.set(b, (this.#pins.get(b) ?? 0) + 1);
    return new MergeQuerier(
      blocks.map((b) => b.querier(minT, maxT)),
      () => {
        for (const b of blocks) {
          const n = (this.#pins.get(b) ?? 1) - 1;
          if (n > 0) this.#pins.set(b, n);
          else {
            this.#pins.delete(b);
            if (this.#doomed.delete(b)) this.#retire(b);
            else if (this.#closed) b.close();
          }
        }
      },
    );
  }

  /**
   * Snapshot into `dir` as upstream's `DB.Snapshot`: every block hard-linked under
   * `dir/<ulid>/`, and, when `head` is given, its samples in [minT, maxT] written as a
   * new block. Returns the ULIDs in the snapshot.
   */
  async snapshot(dir: string, head?: { source: BlockSource; minT: number; maxT: number }): Promise<string[]> {
    mkdirSync(dir, { recursive: true });
    const ulids: string[] = [];
    for (const b of this.#blocks) {
      const target = join(dir, b.ulid);
      mkdirSync(join(target, CHUNKS_DIRNAME), { recursive: true });
      for (const f of [META_FILENAME, INDEX_FILENAME, TOMBSTONES_FILENAME]) {
        if (existsSync(join(b.dir, f))) linkSync(join(b.dir, f), join(target, f));
      }
      for (const f of readdirSync(join(b.dir, CHUNKS_DIRNAME))) {
        linkSync(join(b.dir, CHUNKS_DIRNAME, f), join(target, CHUNKS_DIRNAME, f));
      }
      ulids.push(b.ulid);
    }
    if (head && head.minT <= head.maxT) {
      const series = head.source
        .series(head.minT, head.maxT)
        .map((s) => ({ labels: s.labels.flat, chunks: s.chunks }));
      // Block ranges are half-open, so the block ends 1 ms after the last sample.
      const meta = await this.#runner.writeSeries(dir, series, head.minT, head.maxT + 1);
      if (meta) ulids.push(meta.ulid);
    }
    syncDir(dir);
    return ulids;
  }

  /** Closes every block (queriers still open keep working until closed) and the runner. */
  async close(): Promise<void> {
    this.#closed = true;
    for (const b of this.#blocks) if ((this.#pins.get(b) ?? 0) === 0) b.close();
    await this.#runner.close();
  }
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
