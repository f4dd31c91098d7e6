/**
 * A hash map keyed by byte ranges, compared byte for byte: looking up `buf[start, end)`
 * makes no string and allocates nothing. Keys are copied on insert. Bounded: past
 * `maxEntries` it starts over empty.
 */
export class BytesMap<V> {
  readonly #maxEntries: number;
  // Open addressing, linear probing: per slot [hash, entry index + 1], 0 when empty, so a
  // probe reads one cache line before it touches any key bytes.
  #slots: Int32Array;
  #mask: number;
  #meta: Int32Array; // per entry [arena offset, length]
  #arena: Uint8Array;
  #arenaUsed = 0;
  #values: V[] = [];
  #count = 0;

  constructor(maxEntries = 1 << 20) {
    this.#maxEntries = maxEntries;
    this.#slots = new Int32Array(2 * 1024);
    this.#mask = 1023;
    this.#meta = new Int32Array(2 * 512);
    this.#arena = new Uint8Array(16384);
  }

  /** Number of entries. */
  get size(): number {
    return this.#count;
  }

  /** The value stored for the bytes `buf[start, end)`, or undefined. */
  get(buf: Uint8Array, start: number, end: number): V | undefined {
    const h = hashBytes(buf, start, end);
    const len = end - start;
    const slots = this.#slots;
    const mask = this.#mask;
    let slot = h & mask;
    while (true) {
      const entry = slots[2 * slot + 1];
      if (entry === 0) return undefined;
      if (slots[2 * slot] === h) {
        const e = entry - 1;
        const meta = this.#meta;
        if (meta[2 * e + 1] === len) {
          const arena = this.#arena;
          let at = meta[2 * e];
          let i = start;
          while (i < end && arena[at] === buf[i]) {
            at++;
            i++;
          }
          if (i === end) return this.#values[e];
        }
      }
      slot = (slot + 1) & mask;
    }
  }

  /**
   * Whether entry `index` (as {@link add} returned it, valid until {@link clear}) is keyed by
   * exactly the bytes `buf[start, end)`: a check of a guessed entry without hashing.
   */
  matches(index: number, buf: Uint8Array, start: number, end: number): boolean {
    if (index >= this.#count) return false;
    const meta = this.#meta;
    if (meta[2 * index + 1] !== end - start) return false;
    const arena = this.#arena;
    let at = meta[2 * index];
    for (let i = start; i < end; i++, at++) if (arena[at] !== buf[i]) return false;
    return true;
  }

  /**
   * The bytes keys are kept in: entry `index`'s key is `keys[keyStart(index), keyEnd(index))`
   * (no view made). Valid until the next {@link add} or {@link clear}.
   */
  get keys(): Uint8Array {
    return this.#arena;
  }

  /** Where entry `index`'s key starts in {@link keys}; -1 for an index not (or no longer) in use. */
  keyStart(index: number): number {
    return index < this.#count ? this.#meta[2 * index] : -1;
  }

  /** Where entry `index`'s key ends in {@link keys}; -1 for an index not in use. */
  keyEnd(index: number): number {
    return index < this.#count ? this.#meta[2 * index] + this.#meta[2 * index + 1] : -1;
  }

  /** Stores `value` for the bytes `buf[start, end)`, which must not be present yet; returns the entry's index. */
  add(buf: Uint8Array, start: number, end: number, value: V): number {
    if (this.#count >= this.#maxEntries) this.clear();
    const h = hashBytes(buf, start, end);
    const e = this.#count;
    if (2 * e === this.#meta.length) {
      const meta = new Int32Array(this.#meta.length * 2);
      meta.set(this.#meta);
      this.#meta = meta;
    }
    const len = end - start;
    if (this.#arenaUsed + len > this.#arena.length) {
      const arena = new Uint8Array(Math.max(this.#arena.length * 2, this.#arenaUsed + len));
      arena.set(this.#arena.subarray(0, this.#arenaUsed));
      this.#arena = arena;
    }
    this.#arena.set(buf.subarray(start, end), this.#arenaUsed);
    this.#meta[2 * e] = this.#arenaUsed;
    this.#meta[2 * e + 1] = len;
    this.#arenaUsed += len;
    this.#values.push(value);
    this.#count = e + 1;
    if (this.#count * 2 > this.#mask + 1) this.#grow();
    this.#place(h, e);
    return e;
  }

  /** Forgets every entry. */
  clear(): void {
    this.#slots.fill(0);
    this.#count = 0;
    this.#arenaUsed = 0;
    this.#values = [];
  }

  #place(h: number, e: number): void {
    const slots = this.#slots;
    const mask = this.#mask;
    let slot = h & mask;
    while (slots[2 * slot + 1] !== 0) slot = (slot + 1) & mask;
    slots[2 * slot] = h;
    slots[2 * slot + 1] = e + 1;
  }

  #grow(): void {
    const old = this.#slots;
    this.#slots = new Int32Array(old.length * 2);
    this.#mask = (this.#mask << 1) | 1;
    for (let s = 0; s < old.length; s += 2) if (old[s + 1] !== 0) this.#place(old[s], old[s + 1] - 1);
  }
}

/** FNV-1a over `buf[start, end)`, 32 bits. */
export function hashBytes(buf: Uint8Array, start: number, end: number): number {
  let h = 0x811c9dc5 | 0;
  for (let i = start; i < end; i++) h = Math.imul(h ^ buf[i], 0x01000193);
  return h;
}
