import { describe, expect, it } from 'vitest';
import { crc32c } from '../wal/crc32c.ts';
import { DecBuf } from './dec-buf.ts';
import { EncBuf } from './enc-buf.ts';
import { BlockCorruptionError } from './errors.ts';
import { compareBytes } from './string-order.ts';
import { Tombstones, addInterval, decodeTombstones, encodeTombstones, isDeleted } from './tombstones.ts';
import { snapshotName } from './snapshot-name.ts';
import { UlidGenerator, isUlid, ulidTime } from './ulid.ts';

describe('crc32c', () => {
  it.each([
    { name: 'empty', input: '', want: 0 },
    { name: 'check value', input: '123456789', want: 0xe3069283 },
    { name: 'a', input: 'a', want: 0xc1d04330 },
    { name: 'long text', input: 'The quick brown fox jumps over the lazy dog', want: 0x22620404 },
  ])('$name', ({ input, want }) => {
    expect(crc32c(Buffer.from(input))).toBe(want);
  });

  it('gives the same result fed in pieces', () => {
    const b = Buffer.from('The quick brown fox jumps over the lazy dog');
    expect(crc32c(b, 13, b.length, crc32c(b, 0, 13))).toBe(crc32c(b));
  });
});

describe('EncBuf / DecBuf', () => {
  it.each([0, 1, 127, 128, 300, 2 ** 31, 2 ** 32 + 5, 1_700_000_000_000, Number.MAX_SAFE_INTEGER])(
    'uvarint %d',
    (v) => {
      const e = new EncBuf(1);
      e.putUvarint(v);
      expect(new DecBuf(e.get(), 'x').uvarint()).toBe(v);
    },
  );

  it.each([0, -1, 1, -64, 64, -1_700_000_000_000, 1_700_000_000_000, -(2 ** 40)])('varint %d', (v) => {
    const e = new EncBuf(1);
    e.putVarint(v);
    expect(new DecBuf(e.get(), 'x').varint()).toBe(v);
  });

  it('encodes like Go: 300 → ac 02, -3 → 05', () => {
    const e = new EncBuf();
    e.putUvarint(300);
    e.putVarint(-3);
    e.putBE64(2 ** 40 + 7);
    expect(e.get().toString('hex')).toBe('ac0205' + '0000010000000007');
  });

  it('throws a BlockCorruptionError on truncated input', () => {
    expect(() => new DecBuf(Buffer.from([0x80]), 'f').uvarint()).toThrow(BlockCorruptionError);
    expect(() => new DecBuf(Buffer.from([1, 2]), 'f').be32()).toThrow(BlockCorruptionError);
  });
});

describe('compareBytes', () => {
  it.each([
    { a: 'a', b: 'b', want: -1 },
    { a: 'ab', b: 'a', want: 1 },
    { a: 'x', b: 'x', want: 0 },
    // U+FF5E (3 UTF-8 bytes, EF BD 9E) sorts before U+1F600 (F0 …) in byte order, after it in UTF-16 order.
    { a: '\uff5e', b: '\u{1f600}', want: -1 },
  ])('$a vs $b', ({ a, b, want }) => {
    expect(Math.sign(compareBytes(a, b))).toBe(want);
    expect(Math.sign(Buffer.compare(Buffer.from(a), Buffer.from(b)))).toBe(want);
  });
});

describe('tombstones', () => {
  it('merges overlapping and adjacent intervals', () => {
    let l = addInterval([], { minT: 10, maxT: 20 });
    l = addInterval(l, { minT: 30, maxT: 40 });
    l = addInterval(l, { minT: 21, maxT: 25 });
    expect(l).toEqual([
      { minT: 10, maxT: 25 },
      { minT: 30, maxT: 40 },
    ]);
    l = addInterval(l, { minT: 0, maxT: 35 });
    expect(l).toEqual([{ minT: 0, maxT: 40 }]);
    expect(isDeleted(40, l)).toBe(true);
    expect(isDeleted(41, l)).toBe(false);
  });

  it('encodes the upstream layout and decodes it back', () => {
    const ts = new Tombstones();
    ts.add(4, { minT: -5, maxT: 1_700_000_000_000 });
    ts.add(6, { minT: 1, maxT: 2 });
    const bytes = encodeTombstones(ts);
    expect(bytes.subarray(0, 5).toString('hex')).toBe('0130ba3001');
    const back = decodeTombstones(bytes, 'tombstones');
    expect(back.get(4)).toEqual([{ minT: -5, maxT: 1_700_000_000_000 }]);
    expect(back.get(6)).toEqual([{ minT: 1, maxT: 2 }]);
    expect(back.total).toBe(2);
    bytes[6]! ^= 1;
    expect(() => decodeTombstones(bytes, 'tombstones')).toThrow(/checksum/);
  });
});

describe('ULIDs', () => {
  it('are 26 Crockford characters carrying the time', () => {
    const g = new UlidGenerator(() => 1_700_000_000_123);
    const id = g.next();
    expect(isUlid(id)).toBe(true);
    expect(ulidTime(id)).toBe(1_700_000_000_123);
    expect(isUlid('01M8HSGJYSGENS0E3X029WG0TZ')).toBe(true);
    expect(isUlid('01M8HSGJYSGENS0E3X029WG0TU')).toBe(false);
    expect(isUlid('81M8HSGJYSGENS0E3X029WG0TZ')).toBe(false);
  });

  it('increase strictly within a millisecond and when the clock goes back', () => {
    let now = 1000;
    const g = new UlidGenerator(() => now);
    const ids = [g.next(), g.next(), g.next()];
    now = 999;
    ids.push(g.next());
    now = 2000;
    ids.push(g.next());
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
  });
});

describe('snapshotName', () => {
  it('formats like upstream: UTC stamp, dash, hex of a 63-bit random', () => {
    expect(snapshotName(new Date(Date.UTC(2024, 0, 2, 3, 4, 5)), 0x5f3a9cn)).toBe('20240102T030405Z-5f3a9c');
    expect(snapshotName()).toMatch(/^\d{8}T\d{6}Z-[0-9a-f]{1,16}$/);
  });
});
