import { crc32 } from 'node:zlib';

/**
 * The on-disk layout of {@link DiskQueue} (specified in the scraper README, "Remote-write
 * overflow buffer"): segment files `00000001.seg`, … each a {@link SEGMENT_HEADER} then
 * records framed as `length u32 BE | weight u32 BE | crc32 u32 BE | payload`, the CRC-32
 * (IEEE, zlib's) covering length, weight and payload; and an `ack` file naming the first
 * record not yet acknowledged.
 */

/** `ARDQ` then format version 1 and three zero bytes. */
export const SEGMENT_HEADER = Buffer.from([0x41, 0x52, 0x44, 0x51, 1, 0, 0, 0]);
/** length (4) + weight (4) + CRC-32 (4). */
export const RECORD_HEADER_BYTES = 12;
/** `segment u32 BE | offset u32 BE | crc32 u32 BE` of the first 8 bytes. */
export const ACK_BYTES = 12;
/** Records are at most this long (the length field is a u32; Buffers stop near 2³¹ anyway). */
export const MAX_RECORD_BYTES = 0x7fff_ffff;
/** The ack offset meaning "the whole segment is acknowledged". */
export const WHOLE_SEGMENT = 0xffff_ffff;

const SEGMENT_FILE = /^(\d{8,})\.seg$/;

/** `00000042.seg`. */
export function segmentFileName(index: number): string {
  return `${String(index).padStart(8, '0')}.seg`;
}

/** Segment indexes among `names` (a directory listing), ascending. */
export function segmentIndexes(names: readonly string[]): number[] {
  const out: number[] = [];
  for (const name of names) {
    const m = SEGMENT_FILE.exec(name);
    if (m) out.push(Number(m[1]));
  }
  return out.sort((a, b) => a - b);
}

/** The 12-byte header of a record whose payload is `parts` (joined); CRC covers header fields and payload. */
export function recordHeader(parts: readonly Uint8Array[], length: number, weight: number): Buffer {
  const header = Buffer.allocUnsafe(RECORD_HEADER_BYTES);
  header.writeUInt32BE(length, 0);
  header.writeUInt32BE(weight, 4);
  let crc = crc32(header.subarray(0, 8));
  for (const part of parts) crc = crc32(part, crc);
  header.writeUInt32BE(crc >>> 0, 8);
  return header;
}

/** One complete record found in a segment: where its frame starts, its payload length and weight. */
export interface RecordLocation {
  readonly offset: number;
  readonly length: number;
  readonly weight: number;
}

/**
 * The complete records of a segment's bytes, and where the valid part ends: `validEnd`
 * is the file length when the segment is intact, else the offset of the first torn or
 * corrupt record (short header, length past the end, CRC mismatch) — everything from
 * there on is unusable, as a frame's length can no longer be trusted.
 */
export function scanSegment(data: Buffer): {
  records: RecordLocation[];
  validEnd: number;
  headerOk: boolean;
} {
  const records: RecordLocation[] = [];
  if (data.length < SEGMENT_HEADER.length || !data.subarray(0, SEGMENT_HEADER.length).equals(SEGMENT_HEADER))
    return { records, validEnd: 0, headerOk: false };
  let off = SEGMENT_HEADER.length;
  while (off + RECORD_HEADER_BYTES <= data.length) {
    const length = data.readUInt32BE(off);
    const end = off + RECORD_HEADER_BYTES + length;
    if (end > data.length) break;
    if (!recordCrcMatches(data, off, length)) break;
    records.push({ offset: off, length, weight: data.readUInt32BE(off + 4) });
    off = end;
  }
  return { records, validEnd: off, headerOk: true };
}

/** Whether the frame at `off` of `data` (header and `length` payload bytes present) has a matching CRC. */
export function recordCrcMatches(data: Buffer, off: number, length: number): boolean {
  const crc = crc32(
    data.subarray(off + RECORD_HEADER_BYTES, off + RECORD_HEADER_BYTES + length),
    crc32(data.subarray(off, off + 8)),
  );
  return crc >>> 0 === data.readUInt32BE(off + 8);
}

/** The ack file's bytes. */
export function encodeAck(segment: number, offset: number): Buffer {
  const out = Buffer.allocUnsafe(ACK_BYTES);
  out.writeUInt32BE(segment, 0);
  out.writeUInt32BE(offset, 4);
  out.writeUInt32BE(crc32(out.subarray(0, 8)) >>> 0, 8);
  return out;
}

/** The ack file's position, or undefined when it is short or its CRC does not match. */
export function decodeAck(data: Buffer): { segment: number; offset: number } | undefined {
  if (data.length < ACK_BYTES) return undefined;
  if (crc32(data.subarray(0, 8)) >>> 0 !== data.readUInt32BE(8)) return undefined;
  return { segment: data.readUInt32BE(0), offset: data.readUInt32BE(4) };
}
