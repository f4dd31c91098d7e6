import { closeSync, fsyncSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { BlockOpenError } from './errors.ts';
import { isUlid } from './ulid.ts';

export const META_FILENAME = 'meta.json';

/** A block a compacted block was made from. */
export interface BlockDesc {
  ulid: string;
  minTime: number;
  maxTime: number;
}

/** Counts over a block, as upstream's `BlockStats`. */
export interface BlockStats {
  numSamples: number;
  numSeries: number;
  numChunks: number;
  numTombstones?: number;
}

export interface BlockCompaction {
  /** 1 for a block cut from the head, parents' maximum + 1 after compaction. */
  level: number;
  /** ULIDs of the level-1 blocks whose data this block holds, sorted. */
  sources: string[];
  deletable?: boolean;
  parents?: BlockDesc[];
  failed?: boolean;
}

/**
 * The content of a block's `meta.json` (upstream `BlockMeta`, version 1). The block
 * holds samples with `minTime <= t < maxTime`: `maxTime` is exclusive.
 */
export interface BlockMeta {
  ulid: string;
  minTime: number;
  maxTime: number;
  stats: BlockStats;
  compaction: BlockCompaction;
  version: 1;
}

/** meta.json text exactly as Go's `json.MarshalIndent(meta, "", "\t")` writes it (empty fields omitted). */
export function encodeMeta(meta: BlockMeta): string {
  const stats: Record<string, number> = {
    numSamples: meta.stats.numSamples,
    numSeries: meta.stats.numSeries,
    numChunks: meta.stats.numChunks,
  };
  if (meta.stats.numTombstones) stats.numTombstones = meta.stats.numTombstones;
  const compaction: Record<string, unknown> = {
    level: meta.compaction.level,
    sources: meta.compaction.sources,
  };
  if (meta.compaction.deletable) compaction.deletable = true;
  if (meta.compaction.parents?.length) {
    compaction.parents = meta.compaction.parents.map((p) => ({
      ulid: p.ulid,
      minTime: p.minTime,
      maxTime: p.maxTime,
    }));
  }
  if (meta.compaction.failed) compaction.failed = true;
  const ordered = {
    ulid: meta.ulid,
    minTime: meta.minTime,
    maxTime: meta.maxTime,
    stats,
    compaction,
    version: 1,
  };
  return JSON.stringify(ordered, null, '\t');
}

/** Parses and checks meta.json text; throws {@link BlockOpenError} for anything not a version-1 meta. */
export function decodeMeta(text: string, dir: string): BlockMeta {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (cause) {
    throw new BlockOpenError(dir, 'meta.json is not valid JSON', { cause });
  }
  const m = raw as Partial<BlockMeta>;
  if (m === null || typeof m !== 'object') throw new BlockOpenError(dir, 'meta.json is not an object');
  if (m.version !== 1) throw new BlockOpenError(dir, `unexpected meta file version ${String(m.version)}`);
  if (typeof m.ulid !== 'string' || !isUlid(m.ulid))
    throw new BlockOpenError(dir, 'meta.json has no valid ulid');
  if (typeof m.minTime !== 'number' || typeof m.maxTime !== 'number') {
    throw new BlockOpenError(dir, 'meta.json lacks minTime/maxTime');
  }
  const stats = m.stats ?? { numSamples: 0, numSeries: 0, numChunks: 0 };
  const compaction = m.compaction ?? { level: 1, sources: [m.ulid] };
  return {
    ulid: m.ulid,
    minTime: m.minTime,
    maxTime: m.maxTime,
    stats: {
      numSamples: stats.numSamples ?? 0,
      numSeries: stats.numSeries ?? 0,
      numChunks: stats.numChunks ?? 0,
      ...(stats.numTombstones ? { numTombstones: stats.numTombstones } : {}),
    },
    compaction: {
      level: compaction.level ?? 1,
      sources: compaction.sources ?? [m.ulid],
      ...(compaction.deletable ? { deletable: true } : {}),
      ...(compaction.parents ? { parents: compaction.parents } : {}),
      ...(compaction.failed ? { failed: true } : {}),
    },
    version: 1,
  };
}

export function readMetaFile(dir: string): BlockMeta {
  let text: string;
  try {
    text = readFileSync(join(dir, META_FILENAME), 'utf8');
  } catch (cause) {
    throw new BlockOpenError(dir, 'cannot read meta.json', { cause });
  }
  return decodeMeta(text, dir);
}

/** Writes meta.json through a synced temporary file and an atomic rename, as upstream. */
export function writeMetaFile(dir: string, meta: BlockMeta): number {
  const path = join(dir, META_FILENAME);
  const tmp = `${path}.tmp`;
  const bytes = Buffer.from(encodeMeta(meta));
  const fd = openSync(tmp, 'w');
  try {
    writeSync(fd, bytes);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
  syncDir(dir);
  return bytes.length;
}

/** fsyncs a directory so a rename or create inside it is durable. */
export function syncDir(dir: string): void {
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
