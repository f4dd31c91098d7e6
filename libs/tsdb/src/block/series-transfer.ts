import type { Encoding } from '../chunkenc/xor-chunk.ts';
import type { BlockSeries } from './block-writer.ts';

/**
 * Series with their chunks packed for `postMessage`: labels as string arrays, chunk
 * bytes in one transferable buffer, chunk metadata as
 * `[minTime, maxTime, encoding, byteOffset, byteLength]` per chunk.
 */
export interface PackedSeries {
  labels: (readonly string[])[];
  chunkCounts: Uint32Array;
  chunkMeta: Float64Array;
  bytes: ArrayBuffer;
}

export function packSeries(series: readonly BlockSeries[]): PackedSeries {
  let nChunks = 0;
  let nBytes = 0;
  for (const s of series) {
    nChunks += s.chunks.length;
    for (const c of s.chunks) nBytes += c.bytes.length;
  }
  const bytes = new Uint8Array(nBytes);
  const chunkMeta = new Float64Array(nChunks * 5);
  const chunkCounts = new Uint32Array(series.length);
  let off = 0;
  let m = 0;
  series.forEach((s, i) => {
    chunkCounts[i] = s.chunks.length;
    for (const c of s.chunks) {
      bytes.set(c.bytes, off);
      chunkMeta[m++] = c.minTimeMs;
      chunkMeta[m++] = c.maxTimeMs;
      chunkMeta[m++] = c.encoding;
      chunkMeta[m++] = off;
      chunkMeta[m++] = c.bytes.length;
      off += c.bytes.length;
    }
  });
  return { labels: series.map((s) => s.labels), chunkCounts, chunkMeta, bytes: bytes.buffer };
}

/** The inverse of {@link packSeries}; chunk bytes are views into the packed buffer. */
export function unpackSeries(p: PackedSeries): BlockSeries[] {
  const bytes = new Uint8Array(p.bytes);
  const out: BlockSeries[] = new Array(p.labels.length);
  let m = 0;
  for (let i = 0; i < p.labels.length; i++) {
    const chunks = new Array(p.chunkCounts[i]!);
    for (let k = 0; k < chunks.length; k++) {
      const off = p.chunkMeta[m + 3]!;
      chunks[k] = {
        minTimeMs: p.chunkMeta[m]!,
        maxTimeMs: p.chunkMeta[m + 1]!,
        encoding: p.chunkMeta[m + 2]! as Encoding,
        bytes: bytes.subarray(off, off + p.chunkMeta[m + 4]!),
      };
      m += 5;
    }
    out[i] = { labels: p.labels[i]!, chunks };
  }
  return out;
}
