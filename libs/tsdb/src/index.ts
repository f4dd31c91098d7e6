// chunkenc
export {
  ChunkDecodeError,
  Encoding,
  MAX_SAMPLES_PER_CHUNK,
  XorChunk,
  XorIterator,
  decodeXorInto,
} from './chunkenc/xor-chunk.ts';

// head → block
export type { BlockSource, SourceChunk, SourceSeries } from './block-source.ts';

// block
export { Block } from './block/block.ts';
export { writeBlock, TMP_FOR_CREATION_SUFFIX } from './block/block-writer.ts';
export type { BlockSeries, WriteBlockOptions } from './block/block-writer.ts';
export { readMetaFile, writeMetaFile } from './block/meta.ts';
export type { BlockDesc, BlockMeta, BlockStats, BlockCompaction } from './block/meta.ts';
export { Tombstones } from './block/tombstones.ts';
export type { Interval } from './block/tombstones.ts';
export { UlidGenerator, isUlid, newUlid } from './block/ulid.ts';
export { encodeXorChunks } from './block/xor-chunks.ts';
export { BlockCorruptionError, BlockError, BlockOpenError, BlockWriteError } from './block/errors.ts';
