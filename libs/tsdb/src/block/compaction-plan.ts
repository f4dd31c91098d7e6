import type { BlockMeta } from './meta.ts';

/** A block as the planner sees it: its directory and meta. */
export interface PlannedBlock {
  dir: string;
  meta: BlockMeta;
}

/**
 * Which blocks to compact next, as upstream's `LeveledCompactor.Plan`: first any
 * set of blocks overlapping in time; otherwise (ignoring the newest block) the
 * first group filling an aligned larger range from `ranges[1..]`; otherwise a large
 * enough block with more than 5% tombstones (or wholly deleted). Returns directories
 * in min-time order, or [] when there is nothing to do.
 */
export function planCompaction(blocks: readonly PlannedBlock[], ranges: readonly number[]): string[] {
  const dms = [...blocks].sort((a, b) => a.meta.minTime - b.meta.minTime);
  const overlapping = selectOverlapping(dms);
  if (overlapping.length > 0) return overlapping;
  const older = dms.slice(0, -1);
  const selected = selectDirs(older, ranges);
  if (selected.length > 0) return selected.map((b) => b.dir);
  for (let i = older.length - 1; i >= 0; i--) {
    const meta = older[i]!.meta;
    const tombstones = meta.stats.numTombstones ?? 0;
    if (ranges.length > 0 && meta.maxTime - meta.minTime < ranges[Math.floor(ranges.length / 2)]!) {
      if (tombstones > 0 && tombstones >= meta.stats.numSeries) return [older[i]!.dir];
      break;
    }
    if (tombstones / (meta.stats.numSeries + 1) > 0.05) return [older[i]!.dir];
  }
  return [];
}

function selectOverlapping(ds: readonly PlannedBlock[]): string[] {
  if (ds.length < 2) return [];
  const out: string[] = [];
  let globalMaxT = ds[0]!.meta.maxTime;
  for (let i = 1; i < ds.length; i++) {
    const d = ds[i]!;
    if (d.meta.minTime < globalMaxT) {
      if (out.length === 0) out.push(ds[i - 1]!.dir);
      out.push(d.dir);
    } else if (out.length > 0) {
      break;
    }
    if (d.meta.maxTime > globalMaxT) globalMaxT = d.meta.maxTime;
  }
  return out;
}

function selectDirs(ds: readonly PlannedBlock[], ranges: readonly number[]): PlannedBlock[] {
  if (ranges.length < 2 || ds.length < 1) return [];
  const highTime = ds[ds.length - 1]!.meta.minTime;
  for (const iv of ranges.slice(1)) {
    for (const p of splitByRange(ds, iv)) {
      if (p.some((b) => b.meta.compaction.failed)) continue;
      const mint = p[0]!.meta.minTime;
      const maxt = p[p.length - 1]!.meta.maxTime;
      // A full range (possibly with gaps), or one entirely before the newest block.
      if ((maxt - mint === iv || maxt <= highTime) && p.length > 1) return p;
    }
  }
  return [];
}

/** Groups blocks by the aligned range of width `tr` that holds them wholly; blocks spanning a boundary are skipped. */
export function splitByRange(ds: readonly PlannedBlock[], tr: number): PlannedBlock[][] {
  const out: PlannedBlock[][] = [];
  for (let i = 0; i < ds.length;) {
    const m = ds[i]!.meta;
    const t0 = m.minTime >= 0 ? tr * Math.trunc(m.minTime / tr) : tr * Math.trunc((m.minTime - tr + 1) / tr);
    if (m.maxTime > t0 + tr) {
      i++;
      continue;
    }
    const group: PlannedBlock[] = [];
    for (; i < ds.length; i++) {
      if (ds[i]!.meta.maxTime > t0 + tr) break;
      group.push(ds[i]!);
    }
    if (group.length > 0) out.push(group);
  }
  return out;
}
