import type { Labels } from '@argus/model';

/** A series seen before: its labels (decoded and validated once) and the storage's last ref for it. */
export interface CachedSeries {
  labels: Labels;
  ref: number;
}

/** A cached series with the length of its label bytes. */
export interface PredictedSeries extends CachedSeries {
  readonly keyLen: number;
}

interface Entry extends PredictedSeries {
  /** Where the entry's label bytes lie in the arena. */
  readonly keyAt: number;
  readonly hash: number;
  /** The entry looked up right after this one last time. */
  next: Entry | undefined;
}

/**
 * Series of earlier requests keyed by the exact protobuf bytes of their label pairs.
 * Scrape-shaped remote write sends every series once per request, again and again, so a
 * hit skips decoding the label strings, sorting, validating and the storage's hash lookup
 * (the ref is handed back to `append`, which checks it still names these labels).
 *
 * Lookups make no string. Senders also repeat the series in the same order (a scrape
 * appends its series in exposition order, a queue shard keeps that order), so each entry
 * remembers which entry was looked up after it: when the next lookup's bytes equal that
 * prediction's the hash is skipped. Otherwise the bytes are hashed
 * into an open-addressed table and compared byte for byte. Bounded: when full it is
 * emptied and refills from the next requests.
 */
export class SeriesCache {
  readonly #maxEntries: number;
  // Open addressing, linear probing: per slot [hash, entry index + 1], 0 when empty.
  #slots = new Int32Array(2 * 1024);
  #mask = 1023;
  #entries: Entry[] = [];
  #arena: DataView = new DataView(new ArrayBuffer(16384));
  #arenaUsed = 0;
  /** A view of the last looked-up buffer (one request body serves hundreds of lookups). */
  #buf: Uint8Array | undefined;
  #view: DataView = new DataView(new ArrayBuffer(0));
  #last: Entry | undefined;

  constructor(maxEntries = 262_144) {
    this.#maxEntries = maxEntries;
  }

  get size(): number {
    return this.#entries.length;
  }

  /**
   * The entry predicted to come next when its label bytes are what `buf` holds from
   * `start` (within `end`): the caller can then skip walking those label fields, which
   * end at `start + keyLength`. Undefined (and nothing changed) otherwise.
   */
  predicted(buf: Uint8Array, start: number, end: number): PredictedSeries | undefined {
    const p = this.#last?.next;
    if (p === undefined || start + p.keyLen > end) return undefined;
    if (!equal(this.#arena, p.keyAt, this.#viewOf(buf), start, start + p.keyLen)) return undefined;
    this.#last = p;
    return p;
  }

  /** The entry for the label bytes `buf[start, end)`. */
  get(buf: Uint8Array, start: number, end: number): CachedSeries | undefined {
    const len = end - start;
    const arena = this.#arena;
    const view = this.#viewOf(buf);
    const predicted = this.#last?.next;
    if (
      predicted !== undefined &&
      predicted.keyLen === len &&
      equal(arena, predicted.keyAt, view, start, end)
    ) {
      this.#last = predicted;
      return predicted;
    }
    const h = hashBytes(view, start, end);
    const slots = this.#slots;
    const mask = this.#mask;
    for (let slot = h & mask; ; slot = (slot + 1) & mask) {
      const index = slots[2 * slot + 1]!;
      if (index === 0) return undefined;
      if (slots[2 * slot] !== h) continue;
      const e = this.#entries[index - 1]!;
      if (e.keyLen === len && equal(arena, e.keyAt, view, start, end)) {
        if (this.#last !== undefined) this.#last.next = e;
        this.#last = e;
        return e;
      }
    }
  }

  /**
   * Stores an entry (ref 0) for label bytes `buf[start, end)`, which must not be present
   * yet, and returns it.
   */
  add(buf: Uint8Array, start: number, end: number, labels: Labels): CachedSeries {
    if (this.#entries.length >= this.#maxEntries) this.clear();
    const len = end - start;
    const old = this.#arena;
    if (this.#arenaUsed + len > old.byteLength) {
      const grown = new Uint8Array(Math.max(old.byteLength * 2, this.#arenaUsed + len));
      grown.set(new Uint8Array(old.buffer, 0, this.#arenaUsed));
      this.#arena = new DataView(grown.buffer);
    }
    new Uint8Array(this.#arena.buffer).set(buf.subarray(start, end), this.#arenaUsed);
    const e: Entry = {
      labels,
      ref: 0,
      keyAt: this.#arenaUsed,
      keyLen: len,
      hash: hashBytes(this.#viewOf(buf), start, end),
      next: undefined,
    };
    this.#arenaUsed += len;
    this.#entries.push(e);
    if (this.#entries.length * 2 > this.#mask + 1) this.#grow();
    else this.#place(e.hash, this.#entries.length);
    if (this.#last !== undefined) this.#last.next = e;
    this.#last = e;
    return e;
  }

  /** Forgets every entry. */
  clear(): void {
    this.#slots.fill(0);
    this.#entries = [];
    this.#arenaUsed = 0;
    this.#last = undefined;
  }

  #viewOf(buf: Uint8Array): DataView {
    if (buf !== this.#buf) {
      this.#buf = buf;
      this.#view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
    }
    return this.#view;
  }

  #place(h: number, index: number): void {
    const slots = this.#slots;
    const mask = this.#mask;
    let slot = h & mask;
    while (slots[2 * slot + 1] !== 0) slot = (slot + 1) & mask;
    slots[2 * slot] = h;
    slots[2 * slot + 1] = index;
  }

  #grow(): void {
    this.#slots = new Int32Array(this.#slots.length * 2);
    this.#mask = (this.#mask << 1) | 1;
    for (let i = 0; i < this.#entries.length; i++) this.#place(this.#entries[i]!.hash, i + 1);
  }
}

// Bytes are read four at a time through DataViews: much cheaper here than a byte loop or
// a native Buffer.compare call (~150 ns of call overhead).

/** Whether `a[at, at + end - start)` equals `b[start, end)`. */
function equal(a: DataView, at: number, b: DataView, start: number, end: number): boolean {
  let i = start;
  for (; i + 4 <= end; i += 4, at += 4) if (a.getInt32(at, true) !== b.getInt32(i, true)) return false;
  for (; i < end; i++, at++) if (a.getUint8(at) !== b.getUint8(i)) return false;
  return true;
}

/** A 32-bit hash of `view[start, end)`, mixing a word at a time (murmur3's constants). */
function hashBytes(view: DataView, start: number, end: number): number {
  let h = end - start;
  let i = start;
  for (; i + 4 <= end; i += 4) {
    h = Math.imul(h ^ view.getInt32(i, true), 0xcc9e2d51);
    h = Math.imul((h << 15) | (h >>> 17), 0x1b873593);
  }
  for (; i < end; i++) h = Math.imul(h ^ view.getUint8(i), 0x01000193);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  return h ^ (h >>> 13);
}
