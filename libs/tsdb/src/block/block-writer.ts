import { mkdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { SourceChunk } from '../block-source.ts';
import { ChunkWriter } from './chunk-writer.ts';
import { DEFAULT_MAX_SEGMENT_BYTES } from './chunks-format.ts';
import { INDEX_FILENAME, type ChunkMeta } from './index-format.ts';
import { IndexWriter } from './index-writer.ts';
import { syncDir, writeMetaFile, type BlockDesc, type BlockMeta } from './meta.ts';
import { compareBytes } from './string-order.ts';
import { Tombstones, writeTombstonesFile } from './tombstones.ts';
import { newUlid } from './ulid.ts';

/** Suffix of a block directory while it is being written (upstream's `tmpForCreationBlockDirSuffix`). */
export const TMP_FOR_CREATION_SUFFIX = '.tmp-for-creation';

/** A series to write: flat `[name, value, …]` labels sorted by name, and its chunks in time order. */
export interface BlockSeries {
  readonly labels: readonly string[];
  readonly chunks: readonly SourceChunk[];
}

export interface WriteBlockOptions {
  /** Directory the block directory is created in (the database directory). */
  parentDir: string;
  /** The block's time range: [minTime, maxTime), ms. */
  minTime: number;
  maxTime: number;
  /** Every label name and value the series use (any order, duplicates allowed). */
  symbols: Iterable<string>;
  /**
   * The series in Go byte order of their labels (as {@link compareLabelFlats}); each
   * series with at least one chunk. Consumed once, so it may stream chunks from disk.
   */
  series: Iterable<BlockSeries>;
  ulid?: string;
  /** Compaction level (default 1) and parents for a block made from other blocks. */
  level?: number;
  sources?: string[];
  parents?: BlockDesc[];
  maxSegmentBytes?: number;
  /** When the input has no sample, write nothing and return undefined (as upstream's compactor). */
  skipEmpty?: boolean;
}

/** Number of samples of an encoded chunk: every Prometheus encoding starts with a big-endian uint16 count. */
export function chunkSampleCount(bytes: Uint8Array): number {
  return bytes.length < 2 ? 0 : (bytes[0]! << 8) | bytes[1]!;
}

/**
 * Writes a complete block directory as upstream's compactor does: everything goes
 * to `<ulid>.tmp-for-creation` (chunks, index, meta.json, an empty tombstones file),
 * each file is fsynced, then the directory is renamed to `<ulid>` and the parent
 * fsynced. On error the temporary directory is removed and nothing is left behind.
 */
export function writeBlock(opts: WriteBlockOptions): BlockMeta | undefined {
  const ulid = opts.ulid ?? newUlid();
  const finalDir = join(opts.parentDir, ulid);
  const tmpDir = finalDir + TMP_FOR_CREATION_SUFFIX;
  rmSync(tmpDir, { recursive: true, force: true });
  mkdirSync(tmpDir, { recursive: true });
  const chunkWriter = new ChunkWriter(tmpDir, opts.maxSegmentBytes ?? DEFAULT_MAX_SEGMENT_BYTES);
  const indexWriter = new IndexWriter(join(tmpDir, INDEX_FILENAME));
  try {
    const symbols = [...new Set(opts.symbols)];
    // Upstream's symbol table always holds the empty string (from the all-postings key).
    if (!symbols.includes('')) symbols.push('');
    symbols.sort(compareBytes);
    indexWriter.addSymbols(symbols);

    let numSamples = 0;
    let numChunks = 0;
    for (const s of opts.series) {
      if (s.chunks.length === 0) continue;
      const metas: ChunkMeta[] = new Array(s.chunks.length);
      for (let i = 0; i < s.chunks.length; i++) {
        const c = s.chunks[i]!;
        const ref = chunkWriter.write(c.encoding, c.bytes);
        metas[i] = { minTime: c.minTimeMs, maxTime: c.maxTimeMs, ref };
        numSamples += chunkSampleCount(c.bytes);
      }
      numChunks += s.chunks.length;
      indexWriter.addSeries(s.labels, metas);
    }
    if (numSamples === 0 && opts.skipEmpty) {
      chunkWriter.abort();
      indexWriter.abort();
      rmSync(tmpDir, { recursive: true, force: true });
      return undefined;
    }
    chunkWriter.close();
    const numSeries = indexWriter.seriesCount;
    indexWriter.close();

    const meta: BlockMeta = {
      ulid,
      minTime: opts.minTime,
      maxTime: opts.maxTime,
      stats: { numSamples, numSeries, numChunks },
      compaction: {
        level: opts.level ?? 1,
        sources: opts.sources ?? [ulid],
        ...(opts.parents?.length ? { parents: opts.parents } : {}),
      },
      version: 1,
    };
    writeMetaFile(tmpDir, meta);
    writeTombstonesFile(tmpDir, new Tombstones());
    syncDir(tmpDir);
    rmSync(finalDir, { recursive: true, force: true });
    renameSync(tmpDir, finalDir);
    syncDir(opts.parentDir);
    return meta;
  } catch (err) {
    chunkWriter.abort();
    indexWriter.abort();
    rmSync(tmpDir, { recursive: true, force: true });
    throw err;
  }
}
