import { describe, expect, it } from 'vitest';
import { Labels } from '@argus/model';
import { SeriesCache } from './series-cache.ts';

const key = (i: number) =>
  Buffer.from(`\n\x08__name__\x12\x02up\n\x05shard\x12${String(i).padStart(6, '0')}`);

/** Keys laid out one after another in one buffer, as series lie in a request body. */
function body(order: number[]): { buf: Buffer; at: (k: number) => [number, number] } {
  const parts = order.map(key);
  const buf = Buffer.concat([Buffer.from('xyz'), ...parts]);
  const where = new Map<number, [number, number]>();
  let o = 3;
  order.forEach((k, i) => {
    where.set(k, [o, o + parts[i]!.length]);
    o += parts[i]!.length;
  });
  return { buf, at: (k) => where.get(k)! };
}

const labelsOf = (i: number) => Labels.of('__name__', 'up', 'shard', String(i));

describe('SeriesCache', () => {
  it('finds entries by their bytes, in the order they were added and in any other', () => {
    const cache = new SeriesCache();
    const n = 1500; // enough to grow the table and the arena several times
    const first = body(Array.from({ length: n }, (_, i) => i));
    for (let i = 0; i < n; i++) {
      const [s, e] = first.at(i);
      expect(cache.get(first.buf, s, e)).toBeUndefined();
      cache.add(first.buf, s, e, labelsOf(i)).ref = i + 1;
    }
    expect(cache.size).toBe(n);
    const orders = [
      Array.from({ length: n }, (_, i) => i), // as added: the predicted path
      Array.from({ length: n }, (_, i) => n - 1 - i), // reversed: the hash path
      Array.from({ length: n }, (_, i) => (i * 7919) % n), // shuffled
      Array.from({ length: n }, (_, i) => i), // as added again, after the links changed
    ];
    for (const order of orders) {
      const b = body(order);
      for (const k of order) {
        const [s, e] = b.at(k);
        const hit = cache.get(b.buf, s, e);
        expect(hit?.ref).toBe(k + 1);
        expect(hit?.labels.equals(labelsOf(k))).toBe(true);
      }
    }
  });

  it('misses bytes that differ from the predicted and the stored entries', () => {
    const cache = new SeriesCache();
    const b = body([1, 2, 3]);
    for (const k of [1, 2, 3]) cache.add(b.buf, ...b.at(k), labelsOf(k));
    const other = body([1, 4, 3, 22]);
    expect(cache.get(other.buf, ...other.at(1))?.labels.equals(labelsOf(1))).toBe(true);
    // 2 is predicted after 1; 4 has the same length but other bytes.
    expect(cache.get(other.buf, ...other.at(4))).toBeUndefined();
    expect(cache.get(other.buf, ...other.at(3))?.labels.equals(labelsOf(3))).toBe(true);
    const [s, e] = other.at(22);
    expect(cache.get(other.buf, s, e - 1)).toBeUndefined(); // a prefix of a stored key
  });

  it('starts over when full', () => {
    const cache = new SeriesCache(2);
    const b = body([1, 2, 3]);
    cache.add(b.buf, ...b.at(1), labelsOf(1));
    cache.add(b.buf, ...b.at(2), labelsOf(2));
    cache.add(b.buf, ...b.at(3), labelsOf(3));
    expect(cache.size).toBe(1);
    expect(cache.get(b.buf, ...b.at(1))).toBeUndefined();
    expect(cache.get(b.buf, ...b.at(3))?.labels.equals(labelsOf(3))).toBe(true);
  });
});
