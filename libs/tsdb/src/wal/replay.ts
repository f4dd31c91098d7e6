import { existsSync, readFileSync, readdirSync, rmSync, truncateSync } from 'node:fs';
import { join } from 'node:path';
import { WalCorruptionError } from '../errors.ts';
import type { Head } from '../head/head.ts';
import { RecordType, decodeSamples, decodeSeries, decodeTombstones } from './record.ts';
import type { SampleColumns } from './record.ts';
import { lastCheckpoint, listSegments, scanSegment, segmentName } from './segment.ts';

/** What a replay read and repaired. */
export interface ReplayReport {
  /** Checkpoint index replayed first, or -1. */
  checkpoint: number;
  segments: number;
  records: number;
  samples: number;
  series: number;
  /** Samples whose series record was missing (upstream counts these too). */
  unknownSeriesSamples: number;
  /** Records of types we do not replay (exemplars, metadata, histograms, …). */
  skippedRecords: number;
  /**
   * A torn or corrupt segment found and repaired: the segment was truncated at the
   * end of its last whole record and every later segment deleted.
   */
  repaired?: { segment: number; offset: number; reason: string; deletedSegments: number[] };
  durationMs: number;
}

/**
 * Replays the WAL in `dir` into the head: the newest checkpoint, then every segment
 * after it. A torn or corrupt record in a segment is repaired (the segment truncated
 * at its last whole record, later segments deleted) and reported, not thrown. A
 * corrupt checkpoint is fatal: {@link WalCorruptionError}.
 */
export function replayWal(dir: string, head: Head): ReplayReport {
  const started = performance.now();
  const report: ReplayReport = {
    checkpoint: -1,
    segments: 0,
    records: 0,
    samples: 0,
    series: 0,
    unknownSeriesSamples: 0,
    skippedRecords: 0,
    durationMs: 0,
  };
  if (!existsSync(dir)) return report;
  for (const f of readdirSync(dir))
    if (/^checkpoint\.\d+\.tmp$/.test(f)) rmSync(join(dir, f), { recursive: true, force: true });
  const refMap = new Map<number, number>();
  let columns: SampleColumns | undefined;
  const apply = (rec: Uint8Array): void => {
    report.records++;
    switch (rec[0]) {
      case RecordType.Series: {
        const entries = decodeSeries(rec, (s) => head.intern(s));
        report.series += entries.length;
        head.replaySeries(entries, refMap);
        break;
      }
      case RecordType.Samples: {
        const cols = decodeSamples(rec, columns);
        if (!columns || cols.timestamps.length > columns.timestamps.length) columns = cols;
        report.samples += cols.length;
        report.unknownSeriesSamples += head.replaySamples(cols, refMap);
        break;
      }
      case RecordType.Tombstones:
        head.replayTombstones(decodeTombstones(rec), refMap);
        break;
      default:
        report.skippedRecords++;
    }
  };

  const cp = lastCheckpoint(dir);
  let from = 0;
  if (cp) {
    report.checkpoint = cp.index;
    from = cp.index + 1;
    for (const i of listSegments(cp.path)) {
      const buf = readFileSync(join(cp.path, segmentName(i)));
      const scan = scanSegment(buf, (rec) => applyChecked(apply, rec, i));
      if (scan.corruption) {
        throw new WalCorruptionError(
          i,
          scan.corruption.offset,
          `checkpoint ${cp.index}: ${scan.corruption.reason}`,
        );
      }
    }
  }
  const segments = listSegments(dir).filter((i) => i >= from);
  for (let k = 0; k < segments.length; k++) {
    const i = segments[k]!;
    const path = join(dir, segmentName(i));
    const buf = readFileSync(path);
    report.segments++;
    const scan = scanSegment(buf, (rec) => {
      try {
        apply(rec);
      } catch (cause) {
        return `undecodable record: ${(cause as Error).message}`;
      }
    });
    const corruption = scan.corruption;
    if (corruption) {
      truncateSync(path, scan.goodEnd);
      const deleted = segments.slice(k + 1);
      for (const d of deleted) rmSync(join(dir, segmentName(d)), { force: true });
      report.repaired = {
        segment: i,
        offset: corruption.offset,
        reason: corruption.reason,
        deletedSegments: deleted,
      };
      break;
    }
  }
  report.durationMs = performance.now() - started;
  return report;
}

function applyChecked(apply: (rec: Uint8Array) => void, rec: Uint8Array, segment: number): void {
  try {
    apply(rec);
  } catch (cause) {
    throw new WalCorruptionError(segment, -1, 'undecodable record in checkpoint', { cause });
  }
}
