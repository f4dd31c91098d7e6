import { EMPTY_POSTINGS } from './postings.ts';

/** An append-mostly sorted list of refs; `view()` is an immutable snapshot. */
class RefList {
  refs = new Uint32Array(2);
  length = 0;

  add(ref: number): void {
    const n = this.length;
    if (n > 0 && this.refs[n - 1]! >= ref) {
      this.#insertSorted(ref);
      return;
    }
    if (n === this.refs.length) this.#grow();
    this.refs[n] = ref;
    this.length = n + 1;
  }

  #insertSorted(ref: number): void {
    // Out-of-order refs only come from WAL replay of old checkpoints; copy so old views stay valid.
    const next = new Uint32Array(Math.max(4, this.length * 2));
    let n = 0;
    let placed = false;
    for (let i = 0; i < this.length; i++) {
      const v = this.refs[i]!;
      if (!placed && ref <= v) {
        if (ref !== v) next[n++] = ref;
        placed = true;
      }
      next[n++] = v;
    }
    if (!placed) next[n++] = ref;
    this.refs = next;
    this.length = n;
  }

  #grow(): void {
    // A new buffer, never mutated below `length`: earlier views stay valid snapshots.
    const next = new Uint32Array(this.refs.length * 2);
    next.set(this.refs);
    this.refs = next;
  }

  /** Removes every ref for which `drop` is true; earlier views are unaffected. */
  removeWhere(drop: (ref: number) => boolean): void {
    const next = new Uint32Array(Math.max(2, this.length));
    let n = 0;
    for (let i = 0; i < this.length; i++) {
      const v = this.refs[i]!;
      if (!drop(v)) next[n++] = v;
    }
    this.refs = next;
    this.length = n;
  }

  view(): Uint32Array {
    return this.refs.subarray(0, this.length);
  }
}

interface LabelEntry {
  readonly values: Map<string, RefList>;
  /** Values sorted by byte order, rebuilt lazily after a value is added or removed. */
  sorted: string[] | undefined;
}

/**
 * The head's inverted index: for each label pair the sorted refs of the series
 * carrying it, plus the list of all refs. Lists handed out are snapshots: later
 * additions and removals do not change them.
 */
export class MemPostings {
  readonly #labels = new Map<string, LabelEntry>();
  readonly #all = new RefList();

  /** Indexes a series; refs are expected to grow, an older ref is inserted in place. */
  add(ref: number, flat: readonly string[]): void {
    this.#all.add(ref);
    for (let i = 0; i < flat.length; i += 2) {
      const name = flat[i]!;
      const value = flat[i + 1]!;
      let entry = this.#labels.get(name);
      if (!entry) {
        entry = { values: new Map(), sorted: undefined };
        this.#labels.set(name, entry);
      }
      let list = entry.values.get(value);
      if (!list) {
        list = new RefList();
        entry.values.set(value, list);
        entry.sorted = undefined;
      }
      list.add(ref);
    }
  }

  /** Removes the given refs (with their label sets) from every list, dropping emptied values. */
  delete(refs: ReadonlySet<number>, labelSets: Iterable<readonly string[]>): void {
    if (refs.size === 0) return;
    const drop = (r: number): boolean => refs.has(r);
    this.#all.removeWhere(drop);
    const touched = new Map<string, Set<string>>();
    for (const flat of labelSets) {
      for (let i = 0; i < flat.length; i += 2) {
        let vs = touched.get(flat[i]!);
        if (!vs) touched.set(flat[i]!, (vs = new Set()));
        vs.add(flat[i + 1]!);
      }
    }
    for (const [name, values] of touched) {
      const entry = this.#labels.get(name);
      if (!entry) continue;
      for (const value of values) {
        const list = entry.values.get(value);
        if (!list) continue;
        list.removeWhere(drop);
        if (list.length === 0) {
          entry.values.delete(value);
          entry.sorted = undefined;
        }
      }
      if (entry.values.size === 0) this.#labels.delete(name);
    }
  }

  /** Refs of series with `name="value"`. */
  get(name: string, value: string): Uint32Array {
    return this.#labels.get(name)?.values.get(value)?.view() ?? EMPTY_POSTINGS;
  }

  /** Every ref. */
  all(): Uint32Array {
    return this.#all.view();
  }

  /** Sorted label names. */
  labelNames(): string[] {
    return [...this.#labels.keys()].sort(compareBytes);
  }

  /** Values of `name`, sorted; a cached array the caller must not modify. */
  labelValues(name: string): readonly string[] {
    const entry = this.#labels.get(name);
    if (!entry) return [];
    entry.sorted ??= [...entry.values.keys()].sort(compareBytes);
    return entry.sorted;
  }

  /** Number of series per value of `name`. */
  valueCounts(name: string): Map<string, number> {
    const out = new Map<string, number>();
    const entry = this.#labels.get(name);
    if (entry) for (const [v, list] of entry.values) out.set(v, list.length);
    return out;
  }

  /** Visits every label pair with its series count. */
  forEachPair(fn: (name: string, value: string, count: number) => void): void {
    for (const [name, entry] of this.#labels)
      for (const [value, list] of entry.values) fn(name, value, list.length);
  }

  /** Number of distinct label names. */
  get labelNameCount(): number {
    return this.#labels.size;
  }
}

/**
 * Orders strings by their UTF-8 bytes, as Go compares strings. JavaScript's `<`
 * compares UTF-16 code units, which differs only for characters beyond U+FFFF
 * against U+E000–U+FFFF; the fast path handles everything else.
 */
export function compareBytes(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    if (x >= 0xd800 && y >= 0xd800) return utf8Rank(x) - utf8Rank(y);
    return x - y;
  }
  return a.length - b.length;
}

/** Code units ≥ U+D800 ranked in UTF-8 byte order: surrogates (4-byte sequences) after U+E000–U+FFFF. */
function utf8Rank(c: number): number {
  return c >= 0xd800 && c <= 0xdfff ? c + 0x2000 : c - 0x800;
}
