import type { BlockSource, SourceChunk } from '../block-source.ts';
import { Encoding, decodeXorInto } from '../chunkenc/xor-chunk.ts';
import { openBlockReader, type BlockReader } from './block-reader.ts';
import { chunkSampleCount, writeBlock, type BlockSeries } from './block-writer.ts';
import type { BlockMeta } from './meta.ts';
import { compareLabelFlats } from './string-order.ts';
import type { Interval } from './tombstones.ts';
import { encodeXorChunks } from './xor-chunks.ts';

/** Chunks of one series from one block, already cleared of tombstoned samples. */
interface BlockChunks {
  /** Position of the block in min-time order; a later block wins on equal timestamps. */
  order: number;
  chunks: SourceChunk[];
}

/**
 * Compacts blocks into one new block in `parentDir`, as upstream's
 * `LeveledCompactor.Compact`: series merged by labels, tombstoned samples dropped,
 * chunks copied unchanged unless they overlap another block's chunks or a deleted
 * range (then re-encoded, 120 samples per chunk, a later block winning on equal
 * timestamps). Level is the parents' maximum + 1; sources are the parents' sources.
 * Returns undefined when nothing is left (every sample deleted); the caller then
 * treats the parents as deletable. The parents are left on disk.
 */
export function compactBlocks(
  parentDir: string,
  blockDirs: readonly string[],
  ulid?: string,
): BlockMeta | undefined {
  const blocks = blockDirs.map((d) => openBlockReader(d)).sort((a, b) => a.meta.minTime - b.meta.minTime);
  try {
    const symbols = new Set<string>();
    for (const b of blocks) for (const s of b.index.symbols) symbols.add(s);
    const sources = [...new Set(blocks.flatMap((b) => b.meta.compaction.sources))].sort();
    return writeBlock({
      parentDir,
      ...(ulid ? { ulid } : {}),
      minTime: Math.min(...blocks.map((b) => b.meta.minTime)),
      maxTime: Math.max(...blocks.map((b) => b.meta.maxTime)),
      symbols,
      series: mergeBlockSeries(blocks),
      level: Math.max(...blocks.map((b) => b.meta.compaction.level)) + 1,
      sources,
      parents: blocks.map((b) => ({ ulid: b.meta.ulid, minTime: b.meta.minTime, maxTime: b.meta.maxTime })),
      skipEmpty: true,
    });
  } finally {
    for (const b of blocks) b.close();
  }
}

/** Series of all blocks in label order, each block's chunks merged per series. */
function* mergeBlockSeries(blocks: readonly BlockReader[]): Generator<BlockSeries> {
  const cursors = blocks.map((block, order) => ({
    block,
    order,
    refs: block.index.allPostings(),
    i: 0,
    labels: undefined as string[] | undefined,
    chunks: [] as { minTime: number; maxTime: number; ref: number }[],
  }));
  const advance = (c: (typeof cursors)[number]): void => {
    if (c.i >= c.refs.length) {
      c.labels = undefined;
      return;
    }
    const s = c.block.index.series(c.refs[c.i++]!);
    c.labels = s.labels;
    c.chunks = s.chunks;
  };
  cursors.forEach(advance);
  for (;;) {
    let min: string[] | undefined;
    for (const c of cursors) if (c.labels && (!min || compareLabelFlats(c.labels, min) < 0)) min = c.labels;
    if (!min) return;
    const parts: BlockChunks[] = [];
    for (const c of cursors) {
      if (!c.labels || compareLabelFlats(c.labels, min) !== 0) continue;
      const deleted = c.block.tombstones.get(c.refs[c.i - 1]!);
      const chunks: SourceChunk[] = [];
      for (const meta of c.chunks) {
        const raw = c.block.chunks.chunk(meta.ref);
        const chunk: SourceChunk = {
          minTimeMs: meta.minTime,
          maxTimeMs: meta.maxTime,
          encoding: raw.encoding as Encoding,
          bytes: raw.data,
        };
        if (deleted && raw.encoding === Encoding.XOR && overlapsAny(meta.minTime, meta.maxTime, deleted)) {
          chunks.push(...withoutDeleted(chunk, deleted));
        } else {
          chunks.push(chunk);
        }
      }
      if (chunks.length > 0) parts.push({ order: c.order, chunks });
      advance(c);
    }
    if (parts.length === 0) continue;
    yield { labels: min, chunks: mergeChunks(parts) };
  }
}

function overlapsAny(minT: number, maxT: number, ivs: readonly Interval[]): boolean {
  return ivs.some((iv) => iv.minT <= maxT && iv.maxT >= minT);
}

function decode(chunk: SourceChunk): { ts: Float64Array; vs: Float64Array; n: number } {
  const cap = chunkSampleCount(chunk.bytes);
  const ts = new Float64Array(cap);
  const vs = new Float64Array(cap);
  const n = decodeXorInto(chunk.bytes, -Infinity, Infinity, ts, vs, 0);
  return { ts, vs, n };
}

/** Re-encodes a chunk without the samples in deleted intervals. */
function withoutDeleted(chunk: SourceChunk, deleted: readonly Interval[]): SourceChunk[] {
  const { ts, vs, n } = decode(chunk);
  const words = new Uint32Array(vs.buffer);
  let k = 0;
  for (let i = 0; i < n; i++) {
    const t = ts[i]!;
    if (deleted.some((iv) => iv.minT <= t && t <= iv.maxT)) continue;
    ts[k] = t;
    words[2 * k] = words[2 * i]!;
    words[2 * k + 1] = words[2 * i + 1]!;
    k++;
  }
  return k === 0 ? [] : encodeXorChunks(ts, vs, k);
}

/**
 * One series' chunks from several blocks, in time order and non-overlapping. Chunks
 * that overlap nothing are kept as they are; each overlapping run is decoded,
 * merged by timestamp and re-encoded.
 */
function mergeChunks(parts: readonly BlockChunks[]): SourceChunk[] {
  if (parts.length === 1) return parts[0]!.chunks;
  const all = parts.flatMap((p) => p.chunks.map((chunk) => ({ chunk, order: p.order })));
  all.sort((a, b) => a.chunk.minTimeMs - b.chunk.minTimeMs || a.order - b.order);
  const out: SourceChunk[] = [];
  for (let i = 0; i < all.length;) {
    let j = i + 1;
    let maxT = all[i]!.chunk.maxTimeMs;
    while (j < all.length && all[j]!.chunk.minTimeMs <= maxT) {
      maxT = Math.max(maxT, all[j]!.chunk.maxTimeMs);
      j++;
    }
    if (j === i + 1) out.push(all[i]!.chunk);
    else out.push(...mergeRun(all.slice(i, j)));
    i = j;
  }
  return out;
}

/** Decodes overlapping chunks and merges their samples; on equal timestamps the higher `order` wins. */
function mergeRun(run: readonly { chunk: SourceChunk; order: number }[]): SourceChunk[] {
  const decoded = run
    .filter((r) => r.chunk.encoding === Encoding.XOR)
    .map((r) => {
      const d = decode(r.chunk);
      return { ...d, words: new Uint32Array(d.vs.buffer), order: r.order };
    });
  let total = 0;
  for (const d of decoded) total += d.n;
  // Gather (t, order, source index, position) and sort; then keep the last entry per timestamp.
  const idx: number[] = [];
  decoded.forEach((d, s) => {
    for (let i = 0; i < d.n; i++) idx.push(s * 65536 + i);
  });
  idx.sort((a, b) => {
    const da = decoded[Math.floor(a / 65536)]!;
    const db = decoded[Math.floor(b / 65536)]!;
    return da.ts[a % 65536]! - db.ts[b % 65536]! || da.order - db.order;
  });
  const ts = new Float64Array(total);
  const vs = new Float64Array(total);
  const words = new Uint32Array(vs.buffer);
  let n = 0;
  for (let k = 0; k < idx.length; k++) {
    const d = decoded[Math.floor(idx[k]! / 65536)]!;
    const i = idx[k]! % 65536;
    const t = d.ts[i]!;
    const src = d.words;
    if (n > 0 && ts[n - 1] === t) n--;
    ts[n] = t;
    words[2 * n] = src[2 * i]!;
    words[2 * n + 1] = src[2 * i + 1]!;
    n++;
  }
  return encodeXorChunks(ts, vs, n);
}

/**
 * Writes the head's samples in [minT, maxT) as a level-1 block in `parentDir`
 * (upstream `compactHead`). Returns undefined when the range holds no sample.
 */
export function cutHeadBlock(
  source: BlockSource,
  parentDir: string,
  minT: number,
  maxT: number,
  ulid?: string,
): BlockMeta | undefined {
  const series = source.series(minT, maxT - 1).map((s) => ({ labels: s.labels.flat, chunks: s.chunks }));
  return writeSeriesBlock(parentDir, series, minT, maxT, ulid);
}

/** Writes already materialised series (any order) as a level-1 block; undefined when empty. */
export function writeSeriesBlock(
  parentDir: string,
  series: BlockSeries[],
  minT: number,
  maxT: number,
  ulid?: string,
): BlockMeta | undefined {
  series.sort((a, b) => compareLabelFlats(a.labels, b.labels));
  const symbols = new Set<string>();
  for (const s of series) for (const x of s.labels) symbols.add(x);
  return writeBlock({
    parentDir,
    ...(ulid ? { ulid } : {}),
    minTime: minT,
    maxTime: maxT,
    symbols,
    series,
    skipEmpty: true,
  });
}
