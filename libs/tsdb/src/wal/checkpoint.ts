// Worker-safe: imports nothing that loads @argus/model (re2) or @argus/storage.
import { existsSync, readFileSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import {
  Decbuf,
  Encbuf,
  RecordDecodeError,
  RecordType,
  decodeSamples,
  decodeTombstones,
  encodeSamples,
  encodeTombstones,
} from './record-bytes.ts';
import { WalSegmentError, lastCheckpoint, listSegments, scanSegment, segmentName } from './segment.ts';
import { Wal, fsyncDir } from './wal.ts';

/** What a checkpoint kept and dropped. */
export interface CheckpointStats {
  index: number;
  droppedSeries: number;
  droppedSamples: number;
  droppedTombstones: number;
  keptSeries: number;
  keptSamples: number;
  keptTombstones: number;
}

/** `checkpoint.00000012`: upstream's checkpoint directory name. */
export function checkpointName(index: number): string {
  return `checkpoint.${segmentName(index)}`;
}

/** What a checkpoint needs: the WAL directory, the segment range, the live series and the cut-off. */
export interface CheckpointRequest {
  dir: string;
  from: number;
  to: number;
  /** Refs of the series still in the head, ascending. */
  liveRefs: Uint32Array;
  mint: number;
  compression: boolean;
}

/** Writes the checkpoint a request describes, keeping the series in `liveRefs`. */
export function runCheckpoint(req: CheckpointRequest): CheckpointStats {
  const refs = req.liveRefs;
  const keep = (ref: number): boolean => {
    let lo = 0;
    let hi = refs.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (refs[mid]! < ref) lo = mid + 1;
      else hi = mid;
    }
    return lo < refs.length && refs[lo] === ref;
  };
  return writeCheckpoint(req.dir, req.from, req.to, keep, req.mint, { compression: req.compression });
}

/**
 * Upstream's `wlog.Checkpoint`: rewrites the previous checkpoint and segments
 * [from, to] into `checkpoint.<to>`, keeping series records whose ref `keep` accepts,
 * samples with t ≥ mint of kept series, and tombstones of kept series reaching mint.
 * Written to `checkpoint.<to>.tmp`, fsynced and renamed, so a crash leaves either the
 * old or the new checkpoint. The caller then deletes segments ≤ to and older
 * checkpoints. Throws {@link WalSegmentError} for an unreadable source segment.
 */
export function writeCheckpoint(
  dir: string,
  from: number,
  to: number,
  keep: (ref: number) => boolean,
  mint: number,
  options: { compression?: boolean } = {},
): CheckpointStats {
  const stats: CheckpointStats = {
    index: to,
    droppedSeries: 0,
    droppedSamples: 0,
    droppedTombstones: 0,
    keptSeries: 0,
    keptSamples: 0,
    keptTombstones: 0,
  };
  const sources: { path: string; segment: number }[] = [];
  const prev = lastCheckpoint(dir);
  if (prev && prev.index < from) {
    for (const i of listSegments(prev.path))
      sources.push({ path: join(prev.path, segmentName(i)), segment: i });
  }
  for (const i of listSegments(dir))
    if (i >= from && i <= to) sources.push({ path: join(dir, segmentName(i)), segment: i });

  const tmp = join(dir, `${checkpointName(to)}.tmp`);
  rmSync(tmp, { recursive: true, force: true });
  const out = Wal.open(tmp, { compression: options.compression });
  try {
    for (const src of sources) {
      const scan = scanSegment(readFileSync(src.path), (rec) => {
        const kept = filterRecord(rec, keep, mint, stats);
        if (kept) out.log([kept]);
      });
      if (scan.corruption)
        throw new WalSegmentError(src.segment, scan.corruption.offset, scan.corruption.reason);
    }
  } finally {
    out.close();
  }
  const final = join(dir, checkpointName(to));
  rmSync(final, { recursive: true, force: true });
  renameSync(tmp, final);
  fsyncDir(dir);
  return stats;
}

function filterRecord(
  rec: Uint8Array,
  keep: (ref: number) => boolean,
  mint: number,
  stats: CheckpointStats,
): Uint8Array | undefined {
  switch (rec[0]) {
    case RecordType.Series:
      return filterSeries(rec, keep, stats);
    case RecordType.Samples: {
      const cols = decodeSamples(rec);
      const words = new Uint32Array(cols.values.buffer);
      let n = 0;
      for (let i = 0; i < cols.length; i++) {
        if (cols.timestamps[i]! < mint || !keep(cols.refs[i]!)) continue;
        cols.refs[n] = cols.refs[i]!;
        cols.timestamps[n] = cols.timestamps[i]!;
        words[2 * n] = words[2 * i]!;
        words[2 * n + 1] = words[2 * i + 1]!;
        n++;
      }
      stats.keptSamples += n;
      stats.droppedSamples += cols.length - n;
      if (n === 0) return undefined;
      cols.length = n;
      return encodeSamples(cols);
    }
    case RecordType.Tombstones: {
      const all = decodeTombstones(rec);
      const kept = all.filter((t) => t.maxT >= mint && keep(t.ref));
      stats.keptTombstones += kept.length;
      stats.droppedTombstones += all.length - kept.length;
      return kept.length > 0 ? encodeTombstones(kept) : undefined;
    }
    default:
      return undefined;
  }
}

/** Keeps the entries of a series record whose ref `keep` accepts, copying their bytes as they are. */
function filterSeries(
  rec: Uint8Array,
  keep: (ref: number) => boolean,
  stats: CheckpointStats,
): Uint8Array | undefined {
  const d = new Decbuf(rec);
  d.byte();
  const out = new Encbuf(rec.length);
  out.byte(RecordType.Series);
  let kept = 0;
  while (d.remaining > 0) {
    const start = d.pos;
    const ref = d.be64();
    const strings = d.uvarint() * 2;
    for (let i = 0; i < strings; i++) {
      const len = d.uvarint();
      d.pos += len;
    }
    if (d.remaining < 0) throw new RecordDecodeError('series record ends early');
    if (!keep(ref)) {
      stats.droppedSeries++;
      continue;
    }
    stats.keptSeries++;
    kept++;
    out.ensure(d.pos - start);
    out.buf.set(rec.subarray(start, d.pos), out.len);
    out.len += d.pos - start;
  }
  return kept > 0 ? out.bytes() : undefined;
}

/** Deletes checkpoint directories with an index below `below`. */
export function deleteCheckpoints(dir: string, below: number): void {
  if (!existsSync(dir)) return;
  for (const f of readdirSync(dir)) {
    const m = /^checkpoint\.(\d+)(\.tmp)?$/.exec(f);
    if (m && Number(m[1]) < below) rmSync(join(dir, f), { recursive: true, force: true });
  }
}
