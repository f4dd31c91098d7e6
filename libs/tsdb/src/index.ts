// chunkenc
export {
  ChunkDecodeError,
  Encoding,
  MAX_SAMPLES_PER_CHUNK,
  XorChunk,
  XorIterator,
  decodeXorInto,
} from './chunkenc/xor-chunk.ts';

// errors
export { ClosedError, InvalidSampleError, TsdbError, WalCorruptionError } from './errors.ts';

// index
export { EMPTY_POSTINGS, intersectPostings, mergePostings, withoutPostings } from './index/postings.ts';
export { MemPostings, compareBytes } from './index/mem-postings.ts';
export { postingsForMatchers } from './index/postings-for-matchers.ts';
export type { PostingsIndex } from './index/postings-for-matchers.ts';

// head
export { DEFAULT_CHUNK_RANGE_MS, Head } from './head/head.ts';
export type { HeadCounters, HeadLog, HeadOptions, HeadStats, NameCount } from './head/head.ts';
export { HeadAppender } from './head/head-appender.ts';
export { HeadQuerier } from './head/head-querier.ts';
export { SAMPLES_PER_CHUNK } from './head/mem-series.ts';

// wal
export { DEFAULT_SEGMENT_SIZE, PAGE_SIZE } from './wal/segment.ts';
export { Wal } from './wal/wal.ts';
export type { WalCounters, WalOptions } from './wal/wal.ts';
export { replayWal } from './wal/replay.ts';
export type { ReplayReport } from './wal/replay.ts';
export { runCheckpoint, writeCheckpoint } from './wal/checkpoint.ts';
export type { CheckpointRequest, CheckpointStats } from './wal/checkpoint.ts';
export {
  CheckpointWorkerError,
  InlineCheckpointRunner,
  WorkerCheckpointRunner,
} from './wal/checkpoint-runner.ts';
export type { CheckpointRunner } from './wal/checkpoint-runner.ts';
export { crc32c } from './wal/crc32c.ts';

// tsdb
export { Tsdb, openTsdb } from './tsdb.ts';
export type { HeadTruncation, TsdbOptions } from './tsdb.ts';

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
export { BlockStore, TMP_FOR_DELETION_SUFFIX } from './block/block-store.ts';
export type { BlockStoreOptions } from './block/block-store.ts';
export {
  DEFAULT_BLOCK_DURATION_MS,
  defaultBlockRanges,
  exponentialBlockRanges,
  headCompactable,
  rangeForTimestamp,
} from './block/block-ranges.ts';
export { planCompaction } from './block/compaction-plan.ts';
export type { PlannedBlock } from './block/compaction-plan.ts';
export { compactBlocks, cutHeadBlock, writeSeriesBlock } from './block/compactor.ts';
export {
  CompactionWorkerError,
  InlineCompactionRunner,
  WorkerCompactionRunner,
} from './block/compaction-runner.ts';
export type { CompactionRunner } from './block/compaction-runner.ts';
export { deletableBlocks } from './block/retention.ts';
export type { RetainedBlock, RetentionPolicy } from './block/retention.ts';
export { MergeQuerier } from './block/merge-querier.ts';
export { IndexReader } from './block/index-reader.ts';
export type { IndexSeries } from './block/index-reader.ts';
export type { ChunkMeta } from './block/index-format.ts';
export { ChunkReader } from './block/chunk-reader.ts';
export type { RawChunk } from './block/chunk-reader.ts';
export type { BlockStoreCounters } from './block/block-store.ts';
export { retentionDecision } from './block/retention.ts';
export type { RetentionDecision } from './block/retention.ts';
export { snapshotName } from './block/snapshot-name.ts';
