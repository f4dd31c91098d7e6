/** Magic number opening every chunks segment file. */
export const MAGIC_CHUNKS = 0x85bd40dd;
export const CHUNKS_FORMAT_V1 = 1;
/** Magic (4) + version (1) + padding (3). */
export const SEGMENT_HEADER_SIZE = 8;
/** Upstream's default maximum segment size: 512 MiB. */
export const DEFAULT_MAX_SEGMENT_BYTES = 512 * 1024 * 1024;
export const CHUNKS_DIRNAME = 'chunks';

const TWO_32 = 4294967296;

/** A chunk reference: segment sequence number (0-based) in the upper 32 bits, file offset in the lower 32. */
export function chunkRef(segment: number, offset: number): number {
  return segment * TWO_32 + offset;
}

export function chunkRefSegment(ref: number): number {
  return Math.floor(ref / TWO_32);
}

export function chunkRefOffset(ref: number): number {
  return ref % TWO_32;
}

/** File name of segment `seq` (0-based): `000001` for the first. */
export function segmentFileName(seq: number): string {
  return String(seq + 1).padStart(6, '0');
}
