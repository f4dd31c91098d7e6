import type { SourceChunk } from '../block-source.ts';
import { Encoding, XorChunk } from '../chunkenc/xor-chunk.ts';

/** Samples per chunk when the block layer re-encodes, as upstream's head and compactor. */
export const SAMPLES_PER_CHUNK = 120;

/**
 * Encodes columns of samples (strictly increasing timestamps) into XOR chunks of at
 * most `samplesPerChunk` samples. Value bits are copied exactly (StaleNaN survives).
 */
export function encodeXorChunks(
  timestamps: Float64Array | readonly number[],
  values: Float64Array | readonly number[],
  length = timestamps.length,
  samplesPerChunk = SAMPLES_PER_CHUNK,
): SourceChunk[] {
  const out: SourceChunk[] = [];
  const vs = values instanceof Float64Array ? values : Float64Array.from(values);
  const words = new Uint32Array(vs.buffer, vs.byteOffset, vs.length * 2);
  for (let start = 0; start < length; start += samplesPerChunk) {
    const end = Math.min(length, start + samplesPerChunk);
    const c = new XorChunk();
    for (let i = start; i < end; i++) c.appendBits(timestamps[i]!, words[2 * i + 1]!, words[2 * i]!);
    out.push({
      minTimeMs: timestamps[start]!,
      maxTimeMs: timestamps[end - 1]!,
      encoding: Encoding.XOR,
      bytes: c.bytes().slice(),
    });
  }
  return out;
}
