import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Labels, STALE_NAN, isStaleNaN } from '@argus/model';
import { afterEach, describe, expect, it } from 'vitest';
import {
  decodeSamples,
  decodeSeries,
  decodeTombstones,
  encodeSamples,
  encodeSeries,
  encodeTombstones,
} from './record.ts';
import {
  FRAGMENT_HEADER_SIZE,
  PAGE_SIZE,
  frameRecords,
  framedSize,
  listSegments,
  scanSegment,
  segmentName,
} from './segment.ts';
import { Wal } from './wal.ts';
import { crc32c } from './crc32c.ts';

const dirs: string[] = [];
function tmp(): string {
  const d = mkdtempSync(join(tmpdir(), 'argus-wal-'));
  dirs.push(d);
  return d;
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function bytes(n: number, seed: number): Uint8Array {
  const b = new Uint8Array(n);
  for (let i = 0; i < n; i++) b[i] = (i * 31 + seed) & 0xff;
  return b;
}

describe('WAL records', () => {
  it('round-trips series, samples and tombstones in upstream layout', () => {
    const series = [
      { ref: 1, labels: Labels.of('__name__', 'up', 'job', 'nöde') },
      { ref: 2 ** 33, labels: Labels.of('a', '') },
    ];
    const rec = encodeSeries(series);
    expect(rec[0]).toBe(1);
    // ref 1 as 8 big-endian bytes, then 2 labels.
    expect(Array.from(rec.subarray(1, 10))).toEqual([0, 0, 0, 0, 0, 0, 0, 1, 2]);
    const back = decodeSeries(rec);
    expect(back.map((s) => [s.ref, s.labels.toString()])).toEqual(
      series.map((s) => [s.ref, s.labels.toString()]),
    );

    const values = new Float64Array(3);
    values[0] = 1.5;
    values[1] = STALE_NAN;
    values[2] = -0;
    const cols = {
      length: 3,
      refs: Uint32Array.from([5, 3, 9]),
      timestamps: Float64Array.from([1000, 999, -5]),
      values,
    };
    const srec = encodeSamples(cols);
    expect(srec[0]).toBe(2);
    const sback = decodeSamples(srec);
    expect(sback.length).toBe(3);
    expect(Array.from(sback.refs.slice(0, 3))).toEqual([5, 3, 9]);
    expect(Array.from(sback.timestamps.slice(0, 3))).toEqual([1000, 999, -5]);
    expect(sback.values[0]).toBe(1.5);
    expect(isStaleNaN(sback.values[1]!)).toBe(true);
    expect(Object.is(sback.values[2], -0)).toBe(true);

    const stones = [{ ref: 7, minT: -Infinity, maxT: 100 }];
    expect(decodeTombstones(encodeTombstones(stones))).toEqual([{ ref: 7, minT: -(2 ** 52), maxT: 100 }]);
  });

  it('computes CRC-32C as Castagnoli', () => {
    // Check value of CRC-32C over "123456789".
    expect(crc32c(new TextEncoder().encode('123456789'))).toBe(0xe3069283);
  });
});

describe('WAL segments', () => {
  it.each([
    { name: 'small records', sizes: [1, 10, 100] },
    { name: 'a record spanning three pages', sizes: [PAGE_SIZE * 2 + 100] },
    { name: 'a page tail too short for a header', sizes: [PAGE_SIZE - FRAGMENT_HEADER_SIZE - 3, 50] },
    { name: 'exactly one page', sizes: [PAGE_SIZE - FRAGMENT_HEADER_SIZE, 1] },
  ])('frames and scans $name', ({ sizes }) => {
    const recs = sizes.map((n, i) => bytes(n, i));
    const framed = frameRecords(recs, 0);
    expect(framed.length).toBe(recs.reduce((off, r) => off + framedSize(r.length, off), 0));
    const got: Uint8Array[] = [];
    const scan = scanSegment(framed, (r) => void got.push(r.slice()));
    expect(scan.corruption).toBeUndefined();
    expect(scan.goodEnd).toBe(framed.length);
    expect(got.map((r) => Buffer.from(r).toString('hex'))).toEqual(
      recs.map((r) => Buffer.from(r).toString('hex')),
    );
    for (let p = 0; p < framed.length; p += PAGE_SIZE) {
      // Every fragment header lies within its page.
      expect(Math.floor(p / PAGE_SIZE)).toBe(
        Math.floor((p + Math.min(PAGE_SIZE, framed.length - p) - 1) / PAGE_SIZE),
      );
    }
  });

  it('reports a torn tail and a flipped byte at the last good record', () => {
    const recs = [bytes(100, 1), bytes(PAGE_SIZE, 2), bytes(20, 3)];
    const framed = frameRecords(recs, 0);
    const firstEnd = framedSize(100, 0);
    const torn = scanSegment(framed.subarray(0, framed.length - 10), () => {});
    expect(torn.corruption?.reason).toMatch(/torn/);
    const flipped = framed.slice();
    flipped[firstEnd + 20]! ^= 0xff;
    const bad = scanSegment(flipped, () => {});
    expect(bad.goodEnd).toBe(firstEnd);
    expect(bad.corruption?.reason).toMatch(/checksum/);
  });

  it('writes one record per log call, starts a new segment on open and rolls over by size', () => {
    const dir = tmp();
    const w = Wal.open(dir, { segmentSizeBytes: 4 * PAGE_SIZE });
    expect(w.currentSegment).toBe(0);
    for (let i = 0; i < 10; i++) w.log([bytes(PAGE_SIZE, i)]);
    w.close();
    const segs = listSegments(dir);
    expect(segs.length).toBeGreaterThan(2);
    for (const s of segs.slice(0, -1)) expect(statSync(join(dir, segmentName(s))).size % PAGE_SIZE).toBe(0);
    let n = 0;
    for (const s of segs) {
      const scan = scanSegment(readFileSync(join(dir, segmentName(s))), () => void n++);
      expect(scan.corruption).toBeUndefined();
    }
    expect(n).toBe(10);
    const again = Wal.open(dir);
    expect(again.currentSegment).toBe(segs[segs.length - 1]! + 1);
    again.close();
  });
});
