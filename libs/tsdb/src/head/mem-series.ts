import type { Labels } from '@argus/model';
import { XorChunk, XorIterator } from '../chunkenc/xor-chunk.ts';
import { OooBuffer } from './ooo-buffer.ts';

/**
 * A chunk as read: encoded bytes and how many of their samples to decode (the head
 * chunk keeps growing in place; a reader decodes only the samples present when it
 * looked). Every decoded sample lies in [minT, maxT].
 */
export interface ChunkView {
  readonly bytes: Uint8Array;
  readonly minT: number;
  readonly maxT: number;
  readonly count: number;
}

/** Upstream's `samplesPerChunk`. */
export const SAMPLES_PER_CHUNK = 120;

/** End of the chunk-range window holding `t` (upstream `rangeForTimestamp`, Go's truncating division). */
export function rangeForTimestamp(t: number, width: number): number {
  return Math.trunc(t / width) * width + width;
}

/**
 * Upstream's `computeChunkEndTime`: once a chunk holds a quarter of its target, predict
 * an end time that spreads the remaining samples of the window evenly over chunks.
 */
export function computeChunkEndTime(start: number, cur: number, max: number): number {
  const n = Math.trunc((max - start) / ((cur - start + 1) * 4));
  if (n <= 1) return max;
  return start + Math.trunc((max - start) / n);
}

const f64 = new Float64Array(2);
const u32 = new Uint32Array(f64.buffer);

/** True when two floats have the same bit pattern (NaN payloads compared, -0 ≠ 0). */
export function sameBits(a: number, b: number): boolean {
  f64[0] = a;
  f64[1] = b;
  return u32[0] === u32[2] && u32[1] === u32[3];
}

/**
 * One series in the head: its labels, closed XOR chunks, the open chunk appended in
 * place, and out-of-order samples. In-order samples are strictly increasing across
 * chunks; chunks never straddle a chunk-range (block) boundary.
 */
export class MemSeries {
  readonly closed: ChunkView[] = [];
  head: XorChunk | undefined;
  headMinT = 0;
  /** Timestamp at which the next in-order sample cuts a new chunk. */
  nextAt = -Infinity;
  /** Newest in-order timestamp and value ever appended (survives truncation and deletion). */
  lastT = -Infinity;
  lastV = 0;
  ooo: OooBuffer | undefined;
  /** Scratch for an appender's pending newest sample (see HeadAppender). */
  pendingOwner: object | undefined;
  pendingT = -Infinity;
  pendingV = 0;

  constructor(
    readonly ref: number,
    readonly labels: Labels,
  ) {}

  /** Appends an in-order sample (t > lastT), cutting chunks as upstream does. */
  appendInOrder(t: number, v: number, chunkRangeMs: number): boolean {
    let c = this.head;
    let created = false;
    if (c === undefined) {
      c = this.#cut(t, chunkRangeMs);
      created = true;
    } else {
      const n = c.numSamples;
      if (n === SAMPLES_PER_CHUNK / 4)
        this.nextAt = computeChunkEndTime(this.headMinT, c.lastTimestamp, this.nextAt);
      if (t >= this.nextAt || n >= SAMPLES_PER_CHUNK * 2) {
        c = this.#cut(t, chunkRangeMs);
        created = true;
      }
    }
    c.append(t, v);
    this.lastT = t;
    this.lastV = v;
    return created;
  }

  #cut(t: number, chunkRangeMs: number): XorChunk {
    // Size the new chunk like the one it follows, so it rarely grows.
    const prev = this.head;
    const capacity = prev && prev.numSamples > 0 ? Math.min(2048, prev.byteLength + 24) : 128;
    this.#closeHead();
    const c = new XorChunk(capacity);
    this.head = c;
    this.headMinT = t;
    this.nextAt = rangeForTimestamp(t, chunkRangeMs);
    return c;
  }

  #closeHead(): void {
    const c = this.head;
    if (!c || c.numSamples === 0) return;
    this.closed.push({
      bytes: c.sealedBytes(),
      minT: this.headMinT,
      maxT: c.lastTimestamp,
      count: c.numSamples,
    });
    this.head = undefined;
  }

  /** Inserts an out-of-order sample; false when its timestamp is already there. */
  insertOoo(t: number, v: number): boolean {
    this.ooo ??= new OooBuffer();
    return this.ooo.insert(t, v);
  }

  /** All in-order chunks, oldest first, as views of what is present now. */
  chunkViews(): ChunkView[] {
    const h = this.head;
    if (!h || h.numSamples === 0) return this.closed.slice();
    return [
      ...this.closed,
      { bytes: h.bytes(), minT: this.headMinT, maxT: h.lastTimestamp, count: h.numSamples },
    ];
  }

  /** Number of in-order chunks. */
  get chunkCount(): number {
    return this.closed.length + (this.head && this.head.numSamples > 0 ? 1 : 0);
  }

  /** Smallest timestamp held (in-order or not), Infinity when empty. */
  get minTime(): number {
    const first =
      this.closed.length > 0
        ? this.closed[0]!.minT
        : this.head && this.head.numSamples > 0
          ? this.headMinT
          : Infinity;
    return this.ooo ? Math.min(first, this.ooo.minTime) : first;
  }

  /** Largest timestamp held, -Infinity when empty. */
  get maxTime(): number {
    const h = this.head;
    const last =
      h && h.numSamples > 0
        ? h.lastTimestamp
        : this.closed.length > 0
          ? this.closed[this.closed.length - 1]!.maxT
          : -Infinity;
    return this.ooo ? Math.max(last, this.ooo.maxTime) : last;
  }

  /** True when the series holds no samples. */
  get empty(): boolean {
    return this.chunkCount === 0 && (!this.ooo || this.ooo.length === 0);
  }

  /** Drops chunks entirely before `mint` and out-of-order samples before it. */
  truncateBefore(mint: number): number {
    let removed = 0;
    while (this.closed.length > 0 && this.closed[0]!.maxT < mint) {
      this.closed.shift();
      removed++;
    }
    if (this.closed.length === 0 && this.head && this.head.numSamples > 0 && this.head.lastTimestamp < mint) {
      this.head = undefined;
      removed++;
    }
    if (this.ooo) {
      this.ooo.deleteRange(-Infinity, mint - 1);
      if (this.ooo.length === 0) this.ooo = undefined;
    }
    return removed;
  }

  /**
   * Removes samples with minT ≤ t ≤ maxT, re-encoding the chunks that overlap the
   * range. `lastT` is kept so append ordering rules are unchanged. Returns whether
   * anything was removed.
   */
  deleteRange(minT: number, maxT: number): boolean {
    let changed = false;
    const views = this.chunkViews();
    if (views.some((c) => c.minT <= maxT && c.maxT >= minT)) {
      const keptClosed: ChunkView[] = [];
      let newHead: XorChunk | undefined;
      let newHeadMinT = 0;
      const isHead = (i: number): boolean =>
        this.head !== undefined && i === views.length - 1 && this.head.numSamples > 0;
      views.forEach((view, i) => {
        const overlaps = view.minT <= maxT && view.maxT >= minT;
        if (!overlaps) {
          if (isHead(i)) {
            newHead = this.head;
            newHeadMinT = this.headMinT;
          } else keptClosed.push(view);
          return;
        }
        changed = true;
        const c = new XorChunk();
        let first = 0;
        const it = new XorIterator(view.bytes);
        for (let k = 0; k < view.count && it.next(); k++) {
          if (it.t >= minT && it.t <= maxT) continue;
          if (c.numSamples === 0) first = it.t;
          c.appendBits(it.t, it.hi, it.lo);
        }
        if (c.numSamples === 0) return;
        if (isHead(i)) {
          newHead = c;
          newHeadMinT = first;
        } else
          keptClosed.push({
            bytes: c.bytes().slice(),
            minT: first,
            maxT: c.lastTimestamp,
            count: c.numSamples,
          });
      });
      this.closed.length = 0;
      this.closed.push(...keptClosed);
      this.head = newHead;
      this.headMinT = newHeadMinT;
    }
    if (this.ooo) {
      const before = this.ooo.length;
      this.ooo.deleteRange(minT, maxT);
      if (this.ooo.length !== before) changed = true;
      if (this.ooo.length === 0) this.ooo = undefined;
    }
    return changed;
  }
}
