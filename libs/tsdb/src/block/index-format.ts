/** Magic number opening the index file. */
export const MAGIC_INDEX = 0xbaaad700;
export const INDEX_FORMAT_V1 = 1;
export const INDEX_FORMAT_V2 = 2;
/** Magic (4) + version (1). */
export const INDEX_HEADER_SIZE = 5;
/** Six 8-byte section offsets and a CRC-32C. */
export const INDEX_TOC_SIZE = 6 * 8 + 4;
/** Series entries start at multiples of 16; a series' reference is its offset / 16. */
export const SERIES_ALIGNMENT = 16;
export const INDEX_FILENAME = 'index';

/** Time range and location of one chunk, as a series entry in the index lists them. */
export interface ChunkMeta {
  /** Time of the first and last sample in the chunk, inclusive, in ms. */
  minTime: number;
  maxTime: number;
  /** Where the chunk lives in the block's segment files. */
  ref: number;
}

/** The TOC at the end of the index: byte offsets of each section (0 = absent). */
export interface IndexToc {
  symbols: number;
  series: number;
  labelIndices: number;
  labelIndicesTable: number;
  postings: number;
  postingsTable: number;
}
