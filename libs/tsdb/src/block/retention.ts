import type { BlockMeta } from './meta.ts';

/** A block as retention sees it. */
export interface RetainedBlock {
  meta: BlockMeta;
  sizeBytes: number;
}

export interface RetentionPolicy {
  /** `--storage.tsdb.retention.time` in ms; 0 disables. */
  retentionMs: number;
  /** `--storage.tsdb.retention.size` in bytes; 0 disables. */
  retentionBytes: number;
  /** Bytes the head (WAL and head chunks) takes, counted first against the size limit. */
  headBytes: number;
}

/**
 * ULIDs of blocks to delete, as upstream's `deletableBlocks`: blocks marked deletable,
 * blocks already compacted into another block (a parent of a present block), then,
 * newest first by max time, every block whose max time is more than `retentionMs`
 * behind the newest block's, and every block from the one that pushes the running
 * total (head first) over `retentionBytes` onwards. Oldest data goes first.
 */
export function deletableBlocks(blocks: readonly RetainedBlock[], policy: RetentionPolicy): Set<string> {
  return retentionDecision(blocks, policy).deletable;
}

/** What retention decided: the ULIDs to delete, and whether time or size retention removed any. */
export interface RetentionDecision {
  deletable: Set<string>;
  byTime: boolean;
  bySize: boolean;
}

/** {@link deletableBlocks} with the reasons, for `prometheus_tsdb_{time,size}_retentions_total`. */
export function retentionDecision(
  blocks: readonly RetainedBlock[],
  policy: RetentionPolicy,
): RetentionDecision {
  const out = new Set<string>();
  let byTime = false;
  let bySize = false;
  const parents = new Set<string>();
  for (const b of blocks) for (const p of b.meta.compaction.parents ?? []) parents.add(p.ulid);
  for (const b of blocks) {
    if (b.meta.compaction.deletable || parents.has(b.meta.ulid)) out.add(b.meta.ulid);
  }
  const newestFirst = blocks
    .filter((b) => !out.has(b.meta.ulid))
    .sort((a, b) => b.meta.maxTime - a.meta.maxTime);
  if (policy.retentionMs > 0 && newestFirst.length > 0) {
    const newest = newestFirst[0]!.meta.maxTime;
    for (let i = 1; i < newestFirst.length; i++) {
      if (newest - newestFirst[i]!.meta.maxTime > policy.retentionMs) {
        for (const b of newestFirst.slice(i)) out.add(b.meta.ulid);
        byTime = true;
        break;
      }
    }
  }
  if (policy.retentionBytes > 0) {
    let total = policy.headBytes;
    const remaining = newestFirst.filter((b) => !out.has(b.meta.ulid));
    for (let i = 0; i < remaining.length; i++) {
      total += remaining[i]!.sizeBytes;
      if (total > policy.retentionBytes) {
        for (const b of remaining.slice(i)) out.add(b.meta.ulid);
        bySize = true;
        break;
      }
    }
  }
  return { deletable: out, byTime, bySize };
}
