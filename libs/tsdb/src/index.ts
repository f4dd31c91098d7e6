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
