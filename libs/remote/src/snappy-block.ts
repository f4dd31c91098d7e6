import { compressSync, uncompressSync } from 'snappy';
import { MalformedRequestError, RequestTooLargeError } from './errors.ts';

/** Default upper bound of a decoded remote-write or remote-read body (32 MiB, as upstream). */
export const DEFAULT_MAX_DECODED_BYTES = 32 * 1024 * 1024;

/**
 * The uncompressed length a snappy block announces in its varint preamble, read
 * without decompressing, so an oversized body is refused before it is inflated.
 */
export function snappyDecodedLength(block: Uint8Array): number {
  let length = 0;
  let shift = 0;
  for (let i = 0; i < 5 && i < block.length; i++) {
    const byte = block[i]!;
    length += (byte & 0x7f) * 2 ** shift;
    if (byte < 0x80) return length;
    shift += 7;
  }
  throw new MalformedRequestError('snappy: corrupt input (bad length preamble)');
}

/** Decompresses a snappy block (not the framed format), refusing more than `maxBytes`. */
export function decompressBlock(block: Uint8Array, maxBytes = DEFAULT_MAX_DECODED_BYTES): Buffer {
  const length = snappyDecodedLength(block);
  if (length > maxBytes) throw new RequestTooLargeError(length, maxBytes);
  try {
    return uncompressSync(Buffer.from(block.buffer, block.byteOffset, block.byteLength)) as Buffer;
  } catch (cause) {
    const detail = (cause as Error).message;
    throw new MalformedRequestError(detail.startsWith('snappy') ? detail : `snappy: ${detail}`, { cause });
  }
}

/** Compresses into a snappy block, the encoding remote write and remote read use. */
export function compressBlock(data: Uint8Array): Buffer {
  return compressSync(Buffer.from(data.buffer, data.byteOffset, data.byteLength));
}
