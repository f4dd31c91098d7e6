/**
 * A 53-bit string hash (two 32-bit multiply-xorshift lanes combined), stable across
 * processes and fast on short strings. Not cryptographic: callers still compare on
 * collision.
 */
export class Hasher {
  #h1 = 0xdeadbeef;
  #h2 = 0x41c6ce57;

  /** Mixes in every UTF-16 code unit of `s`, then a separator so ("ab","c") ≠ ("a","bc"). */
  add(s: string): this {
    let h1 = this.#h1;
    let h2 = this.#h2;
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      h1 = Math.imul(h1 ^ c, 2654435761);
      h2 = Math.imul(h2 ^ c, 1597334677);
    }
    this.#h1 = Math.imul(h1 ^ 0xff, 2654435761);
    this.#h2 = Math.imul(h2 ^ 0xff, 1597334677);
    return this;
  }

  /** The hash of everything added so far, an integer in [0, 2^53). */
  digest(): number {
    let h1 = this.#h1;
    let h2 = this.#h2;
    h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
    h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
    return 4294967296 * (2097151 & h2) + (h1 >>> 0);
  }
}

/** The hash of a single string, as {@link Hasher} computes it. */
export function hashString(s: string): number {
  return new Hasher().add(s).digest();
}
