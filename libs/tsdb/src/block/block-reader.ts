import { join } from 'node:path';
import { ChunkReader } from './chunk-reader.ts';
import { BlockOpenError } from './errors.ts';
import { INDEX_FILENAME } from './index-format.ts';
import { IndexReader } from './index-reader.ts';
import { readMetaFile, type BlockMeta } from './meta.ts';
import { readTombstonesFile, type Tombstones } from './tombstones.ts';

/**
 * The files of one block opened for reading, with no query machinery: what the
 * compactor needs. Kept free of `@argus/model` imports so the compaction worker never
 * loads the native re2 module (re2 1.23 aborts the process when a second worker thread
 * initialises it).
 */
export interface BlockReader {
  readonly dir: string;
  readonly meta: BlockMeta;
  readonly index: IndexReader;
  readonly chunks: ChunkReader;
  readonly tombstones: Tombstones;
  close(): void;
}

/** Opens meta.json, index, chunk segments and tombstones of `dir`. */
export function openBlockReader(dir: string): BlockReader {
  const meta = readMetaFile(dir);
  let index: IndexReader;
  try {
    index = new IndexReader(join(dir, INDEX_FILENAME));
  } catch (cause) {
    if ((cause as NodeJS.ErrnoException).code === 'ENOENT')
      throw new BlockOpenError(dir, 'no index file', { cause });
    throw cause;
  }
  try {
    const chunks = new ChunkReader(dir);
    const tombstones = readTombstonesFile(dir);
    return {
      dir,
      meta,
      index,
      chunks,
      tombstones,
      close: () => {
        chunks.close();
        index.close();
      },
    };
  } catch (err) {
    index.close();
    throw err;
  }
}
