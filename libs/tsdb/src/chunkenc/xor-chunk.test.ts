import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { STALE_NAN, isStaleNaN } from '@argus/model';
import { describe, expect, it } from 'vitest';
import { XorChunk, XorIterator, decodeXorInto } from './xor-chunk.ts';

function bitsOf(v: number): string {
  const f = new Float64Array([v]);
  const u = new Uint32Array(f.buffer);
  return u[1]!.toString(16).padStart(8, '0') + u[0]!.toString(16).padStart(8, '0');
}

function decodeAll(bytes: Uint8Array): { ts: number[]; vs: number[] } {
  const it = new XorIterator(bytes);
  const ts: number[] = [];
  const vs: number[] = [];
  while (it.next()) {
    ts.push(it.t);
    vs.push(it.v);
  }
  return { ts, vs };
}

describe('XorChunk', () => {
  it.each([
    { name: 'empty', ts: [], vs: [] },
    { name: 'one sample', ts: [1000], vs: [1.5] },
    { name: 'negative first timestamp', ts: [-5000, -4000, 0], vs: [1, 2, 3] },
    { name: 'constant', ts: [0, 15000, 30000, 45000], vs: [7, 7, 7, 7] },
    {
      name: 'special values',
      ts: [1, 2, 3, 4, 5, 6, 7],
      vs: [NaN, STALE_NAN, Infinity, -Infinity, -0, 0, Number.MIN_VALUE],
    },
    {
      name: 'every delta-of-delta width',
      ts: [0, 10, 20, 8000, 9000, 70000, 71000, 600000, 610000, 10_000_000_000, 10_000_000_001],
      vs: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11],
    },
  ])('round-trips $name', ({ ts, vs }) => {
    const c = new XorChunk();
    ts.forEach((t, i) => c.append(t, vs[i]!));
    expect(c.numSamples).toBe(ts.length);
    const got = decodeAll(c.bytes());
    expect(got.ts).toEqual(ts);
    expect(got.vs.map(bitsOf)).toEqual(vs.map(bitsOf));
  });

  it('keeps the StaleNaN bit pattern through decodeXorInto', () => {
    const c = new XorChunk();
    c.append(1, 3);
    c.append(2, STALE_NAN);
    c.append(3, NaN);
    const ts = new Float64Array(3);
    const vs = new Float64Array(3);
    expect(decodeXorInto(c.bytes(), 0, 10, ts, vs, 0)).toBe(3);
    expect(isStaleNaN(vs[1]!)).toBe(true);
    expect(isStaleNaN(vs[2]!)).toBe(false);
    expect(Number.isNaN(vs[2]!)).toBe(true);
  });

  it('decodeXorInto honours the time range', () => {
    const c = new XorChunk();
    for (let i = 0; i < 10; i++) c.append(i * 10, i);
    const ts = new Float64Array(10);
    const vs = new Float64Array(10);
    const n = decodeXorInto(c.bytes(), 25, 60, ts, vs, 0);
    expect(Array.from(ts.subarray(0, n))).toEqual([30, 40, 50, 60]);
    expect(Array.from(vs.subarray(0, n))).toEqual([3, 4, 5, 6]);
  });

  it('fromBytes resumes appending exactly where the encoder stopped', () => {
    const full = new XorChunk();
    const part = new XorChunk();
    const values = [1, 1.5, 1.5, 2e10, -3, 0.1, 0.1, NaN, 7];
    values.forEach((v, i) => {
      full.append(i * 1000 + (i % 3), v);
      if (i < 5) part.append(i * 1000 + (i % 3), v);
    });
    const resumed = XorChunk.fromBytes(part.bytes().slice());
    for (let i = 5; i < values.length; i++) resumed.append(i * 1000 + (i % 3), values[i]!);
    expect(Buffer.from(resumed.bytes())).toEqual(Buffer.from(full.bytes()));
  });

  it('throws a typed error on truncated bytes', () => {
    const c = new XorChunk();
    for (let i = 0; i < 20; i++) c.append(i * 1000, Math.random());
    const it = new XorIterator(c.bytes().subarray(0, 30));
    expect(() => {
      while (it.next());
    }).toThrow(/truncated/);
  });

  it('round-trips arbitrary samples (property)', () => {
    const sample = fc.tuple(
      fc.integer({ min: 1, max: 2 ** 40 }),
      fc.oneof(
        fc.double(),
        fc.constantFrom(NaN, STALE_NAN, Infinity, -Infinity, -0, 0),
        fc.integer({ min: -1000, max: 1000 }).map((x) => x / 4),
      ),
    );
    fc.assert(
      fc.property(
        fc.integer({ min: -(2 ** 41), max: 2 ** 41 }),
        fc.array(sample, { maxLength: 300 }),
        (start, samples) => {
          const c = new XorChunk();
          const ts: number[] = [];
          const vs: number[] = [];
          let t = start;
          for (const [gap, v] of samples) {
            t += gap % 3 === 0 ? 15000 : gap;
            ts.push(t);
            vs.push(v);
            c.append(t, v);
          }
          const got = decodeAll(c.bytes());
          expect(got.ts).toEqual(ts);
          expect(got.vs.map(bitsOf)).toEqual(vs.map(bitsOf));
        },
      ),
      { numRuns: 300, seed: 42 },
    );
  });
});

// Byte compatibility: chunks written by Debian's promtool decode to the input and
// re-encode to the same bytes.
const promtool = '/usr/bin/promtool';
describe.runIf(existsSync(promtool))('XorChunk against promtool-written blocks', () => {
  it('decodes and re-encodes every chunk byte for byte', () => {
    const dir = mkdtempSync(join(tmpdir(), 'argus-xor-'));
    try {
      const ts: number[] = [];
      const vs: number[] = [];
      let t = 1_700_000_000_000;
      let v = 100;
      const lines = ['# TYPE m gauge'];
      for (let i = 0; i < 400; i++) {
        t += i % 7 === 0 ? 15_000 + (i % 13) * 17 : 15_000;
        v = i % 5 === 0 ? v : i % 11 === 0 ? -v / 3 : v + (i % 4) * 0.25;
        ts.push(t);
        vs.push(v);
        lines.push(`m{a="b"} ${v} ${(t / 1000).toFixed(3)}`);
      }
      lines.push('# EOF', '');
      writeFileSync(join(dir, 'in.om'), lines.join('\n'));
      execFileSync(
        promtool,
        ['tsdb', 'create-blocks-from', 'openmetrics', join(dir, 'in.om'), join(dir, 'out')],
        {
          stdio: 'pipe',
        },
      );
      const gotT: number[] = [];
      const gotV: number[] = [];
      let chunks = 0;
      for (const block of readdirSync(join(dir, 'out')).sort()) {
        const file = readFileSync(join(dir, 'out', block, 'chunks', '000001'));
        expect(file.readUInt32BE(0)).toBe(0x85bd40dd);
        let pos = 8;
        while (pos < file.length) {
          let len = 0;
          let shift = 1;
          for (;;) {
            const b = file[pos++]!;
            len += (b & 0x7f) * shift;
            if (b < 0x80) break;
            shift *= 128;
          }
          expect(file[pos]).toBe(1);
          const data = file.subarray(pos + 1, pos + 1 + len);
          pos += 1 + len + 4;
          chunks++;
          const d = decodeAll(data);
          const again = new XorChunk();
          d.ts.forEach((tt, i) => again.append(tt, d.vs[i]!));
          expect(Buffer.from(again.bytes()).equals(Buffer.from(data))).toBe(true);
          gotT.push(...d.ts);
          gotV.push(...d.vs);
        }
      }
      expect(chunks).toBeGreaterThan(2);
      expect(gotT).toEqual(ts);
      expect(gotV).toEqual(vs);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
