import { describe, expect, it } from 'vitest';
import {
  exponentialBlockRanges,
  defaultBlockRanges,
  headCompactable,
  rangeForTimestamp,
} from './block-ranges.ts';
import { planCompaction, type PlannedBlock } from './compaction-plan.ts';
import type { BlockMeta } from './meta.ts';

function b(
  dir: string,
  minTime: number,
  maxTime: number,
  extra: Partial<BlockMeta['stats']> & { failed?: boolean } = {},
): PlannedBlock {
  const { failed, ...stats } = extra;
  return {
    dir,
    meta: {
      ulid: dir,
      minTime,
      maxTime,
      stats: { numSamples: 1, numSeries: 10, numChunks: 1, ...stats },
      compaction: { level: 1, sources: [dir], ...(failed ? { failed } : {}) },
      version: 1,
    },
  };
}

describe('planCompaction (cases from upstream LeveledCompactor.Plan)', () => {
  const ranges = [20, 60, 180, 540, 1620];
  it.each([
    { name: 'no blocks', blocks: [], want: [] },
    { name: 'one block', blocks: [b('1', 0, 20)], want: [] },
    { name: 'two blocks, newest excluded', blocks: [b('1', 0, 20), b('2', 20, 40)], want: [] },
    {
      name: 'three blocks of a range, newest still in it',
      blocks: [b('1', 0, 20), b('2', 20, 40), b('3', 40, 60)],
      want: [],
    },
    {
      name: 'a full range once the next block exists',
      blocks: [b('1', 0, 20), b('2', 20, 40), b('3', 40, 60), b('4', 60, 80)],
      want: ['1', '2', '3'],
    },
    {
      name: 'a range with a gap before the newest block',
      blocks: [b('1', 0, 20), b('2', 20, 40), b('4', 60, 80), b('5', 80, 100)],
      want: ['1', '2'],
    },
    {
      name: 'next level',
      blocks: [b('1', 0, 60), b('2', 60, 120), b('3', 120, 180), b('4', 180, 200)],
      want: ['1', '2', '3'],
    },
    {
      name: 'overlapping blocks first',
      blocks: [b('1', 0, 20), b('2', 10, 30), b('3', 40, 60)],
      want: ['1', '2'],
    },
    {
      name: 'failed blocks are skipped',
      blocks: [b('1', 0, 20, { failed: true }), b('2', 20, 40), b('3', 40, 60), b('4', 60, 80)],
      want: [],
    },
    {
      name: 'big block with >5% tombstones',
      blocks: [b('1', 0, 180, { numTombstones: 2, numSeries: 10 }), b('2', 180, 200)],
      want: ['1'],
    },
    {
      name: 'small block entirely deleted',
      blocks: [b('1', 0, 20, { numTombstones: 10, numSeries: 10 }), b('2', 20, 40)],
      want: ['1'],
    },
  ])('$name', ({ blocks, want }) => {
    expect(planCompaction(blocks, ranges)).toEqual(want);
  });
});

describe('block ranges', () => {
  const h = 3600_000;
  it('follows ExponentialBlockRanges(2h, 10, 3) cut at 10% of retention or 31d', () => {
    expect(exponentialBlockRanges(2 * h, 3, 3)).toEqual([2 * h, 6 * h, 18 * h]);
    expect(defaultBlockRanges(15 * 24 * h)).toEqual([2 * h, 6 * h, 18 * h]);
    expect(defaultBlockRanges(0)).toEqual([2 * h, 6 * h, 18 * h, 54 * h, 162 * h, 486 * h]);
  });
  it('aligns ranges and decides when the head is compactable', () => {
    expect(rangeForTimestamp(5 * h + 1, 2 * h)).toBe(6 * h);
    expect(rangeForTimestamp(4 * h, 2 * h)).toBe(6 * h);
    expect(headCompactable(0, 3 * h, 2 * h)).toBe(false);
    expect(headCompactable(0, 3 * h + 1, 2 * h)).toBe(true);
    expect(headCompactable(1, 0, 2 * h)).toBe(false);
  });
});
