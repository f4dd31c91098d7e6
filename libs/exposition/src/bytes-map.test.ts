import { Buffer } from 'node:buffer';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ByteInterner } from './byte-interner.ts';
import { BytesMap } from './bytes-map.ts';

describe('BytesMap', () => {
  it('agrees with a Map over many keys, through growth', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 12 }), { maxLength: 3000 }), (keys) => {
        const map = new BytesMap<number>();
        const reference = new Map<string, number>();
        const buf = Buffer.concat(keys);
        let at = 0;
        const ranges: [number, number][] = [];
        for (const key of keys) {
          const range: [number, number] = [at, at + key.length];
          at += key.length;
          ranges.push(range);
          const id = Buffer.from(key).toString('latin1');
          if (!reference.has(id)) {
            expect(map.get(buf, ...range)).toBeUndefined();
            reference.set(id, reference.size);
            map.add(buf, ...range, reference.size - 1);
          }
        }
        expect(map.size).toBe(reference.size);
        keys.forEach((key, i) => {
          expect(map.get(buf, ...ranges[i]!)).toBe(reference.get(Buffer.from(key).toString('latin1')));
        });
      }),
      { seed: 7, numRuns: 25 },
    );
  });

  it('starts over when full, and still answers correctly after', () => {
    const map = new BytesMap<string>(4);
    const buf = Buffer.from('abcdefgh');
    for (let i = 0; i < 4; i++) map.add(buf, i, i + 1, buf.toString('latin1', i, i + 1));
    expect(map.size).toBe(4);
    map.add(buf, 4, 5, 'e');
    expect(map.size).toBe(1);
    expect(map.get(buf, 0, 1)).toBeUndefined();
    expect(map.get(buf, 4, 5)).toBe('e');
  });
});

describe('ByteInterner', () => {
  it('unescapes, rejects bad UTF-8, and survives being cleared', () => {
    const interner = new ByteInterner(2);
    const buf = Buffer.from('a\\"b\\\\c\\nd\\te|\xff|xyz', 'latin1');
    expect(interner.intern(buf, 0, 13)).toBe('a"b\\c\nd\\te');
    expect(typeof interner.intern(buf, 14, 15)).toBe('symbol');
    expect(interner.intern(buf, 16, 17)).toBe('x');
    expect(interner.intern(buf, 17, 18)).toBe('y');
    expect(interner.intern(buf, 0, 13)).toBe('a"b\\c\nd\\te');
    expect(interner.size).toBeLessThanOrEqual(2);
  });
});

describe('BytesMap.matches', () => {
  it('checks an entry index against a byte range without hashing, and refuses stale indexes', () => {
    const m = new BytesMap<number>();
    const buf = Buffer.from('abc{x="1"} abc{x="2"}');
    const first = m.add(buf, 0, 10, 1);
    const second = m.add(buf, 11, 21, 2);
    expect(m.matches(first, buf, 0, 10)).toBe(true);
    expect(m.matches(first, buf, 11, 21)).toBe(false);
    expect(m.matches(second, buf, 11, 21)).toBe(true);
    expect(m.matches(first, buf, 0, 9)).toBe(false);
    m.clear();
    expect(m.matches(first, buf, 0, 10)).toBe(false);
  });
});
