import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Matcher } from '@argus/model';
import type { Querier } from '@argus/storage';
import { BlockQuerier } from './block-querier.ts';
import type { ChunkReader } from './chunk-reader.ts';
import { CHUNKS_DIRNAME } from './chunks-format.ts';
import { openBlockReader } from './block-reader.ts';
import { INDEX_FILENAME } from './index-format.ts';
import type { IndexReader } from './index-reader.ts';
import { META_FILENAME, writeMetaFile, type BlockMeta } from './meta.ts';
import { postingsForMatchers } from '../index/postings-for-matchers.ts';
import { TOMBSTONES_FILENAME, Tombstones, writeTombstonesFile } from './tombstones.ts';

/**
 * A persisted block opened for reading: its meta, index, chunk segments and
 * tombstones. Queriers read through it; {@link delete} adds tombstones. Close it
 * when no querier uses it any more.
 */
export class Block {
  #meta: BlockMeta;
  #tombstones: Tombstones;
  #closed = false;

  private constructor(
    readonly dir: string,
    meta: BlockMeta,
    readonly index: IndexReader,
    readonly chunks: ChunkReader,
    tombstones: Tombstones,
  ) {
    this.#meta = meta;
    this.#tombstones = tombstones;
  }

  /** Opens the block in `dir`; throws {@link BlockOpenError} or `BlockCorruptionError`. */
  static open(dir: string): Block {
    const r = openBlockReader(dir);
    return new Block(dir, r.meta, r.index, r.chunks, r.tombstones);
  }

  get meta(): BlockMeta {
    return this.#meta;
  }

  get ulid(): string {
    return this.#meta.ulid;
  }

  get minTime(): number {
    return this.#meta.minTime;
  }

  /** Exclusive. */
  get maxTime(): number {
    return this.#meta.maxTime;
  }

  get tombstones(): Tombstones {
    return this.#tombstones;
  }

  /** Bytes on disk: index, chunk segments, tombstones and meta.json. */
  size(): number {
    let total = this.index.size + this.chunks.size();
    for (const f of [TOMBSTONES_FILENAME, META_FILENAME]) {
      try {
        total += statSync(join(this.dir, f)).size;
      } catch {
        // An absent tombstones file counts as empty.
      }
    }
    return total;
  }

  /** Whether [minT, maxT] (inclusive) overlaps the block's [minTime, maxTime). */
  overlaps(minT: number, maxT: number): boolean {
    return minT < this.#meta.maxTime && maxT >= this.#meta.minTime;
  }

  /** A querier over the block's samples with `minT <= t <= maxT`. */
  querier(minT: number, maxT: number): Querier {
    return new BlockQuerier(this, minT, maxT);
  }

  /**
   * Marks the samples of matching series in [minT, maxT] (inclusive) deleted, as
   * upstream's `Block.Delete`: a tombstone per series with a chunk in the range (the
   * range clamped to the block's),
   * written to the tombstones file, and `stats.numTombstones` updated in meta.json.
   */
  delete(minT: number, maxT: number, matchers: readonly Matcher[]): number {
    // Clamp to the block's own range: same effect on reads, and always encodable
    // (callers may pass ±Infinity or int64 extremes for "everything").
    minT = Math.max(minT, this.#meta.minTime);
    maxT = Math.min(maxT, this.#meta.maxTime - 1);
    if (minT > maxT) return 0;
    const refs = postingsForMatchers(this.index, matchers);
    const next = new Tombstones();
    this.#tombstones.forEach((ref, ivs) => ivs.forEach((iv) => next.add(ref, iv)));
    let affected = 0;
    for (const ref of refs) {
      const s = this.index.series(ref);
      if (s.chunks.some((c) => c.minTime <= maxT && c.maxTime >= minT)) {
        next.add(ref, { minT, maxT });
        affected++;
      }
    }
    if (affected === 0) return 0;
    writeTombstonesFile(this.dir, next);
    this.#tombstones = next;
    this.#meta = { ...this.#meta, stats: { ...this.#meta.stats, numTombstones: next.total } };
    writeMetaFile(this.dir, this.#meta);
    return affected;
  }

  /** Updates meta.json (e.g. to mark a failed compaction). */
  setMeta(meta: BlockMeta): void {
    writeMetaFile(this.dir, meta);
    this.#meta = meta;
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.chunks.close();
    this.index.close();
  }
}

/** Whether `dir` holds at least the files of a block (meta.json, index, chunks/). */
export function looksLikeBlock(dir: string): boolean {
  try {
    const names = new Set(readdirSync(dir));
    return names.has(META_FILENAME) && names.has(INDEX_FILENAME) && names.has(CHUNKS_DIRNAME);
  } catch {
    return false;
  }
}
