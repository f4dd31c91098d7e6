import { Labels, STALE_NAN } from '@argus/model';
import { decodeWriteRequest, decompressBlock, encodeWriteRequest } from '@argus/remote';
import { uncompressSync } from 'snappy';
import { describe, expect, it } from 'vitest';
import { LabelPairs, WriteRequestEncoder, outgoingSeries } from './write-request-encoder.ts';
import type { OutgoingSeries } from './write-request-encoder.ts';

/** The library's encoding of the same samples, uncompressed: what our block must decode to, byte for byte. */
function reference(labels: readonly Labels[], t: readonly number[], v: Float64Array): Buffer {
  return uncompressSync(
    encodeWriteRequest({
      timeseries: labels.map((l, i) => ({
        labels: [...Object.entries(l.toRecord())].map(([name, value]) => ({ name, value })),
        samples: [{ value: v[i]!, timestamp: t[i]! }],
      })),
    }),
  ) as Buffer;
}

describe('WriteRequestEncoder', () => {
  it('decodes to the same series and samples as the library encoder, StaleNaN and odd timestamps included', () => {
    const pairs = new LabelPairs();
    const a = Labels.of('__name__', 'a_total', 'job', 'j', 'path', 'ü/ñ'.repeat(50));
    const b = Labels.of('__name__', 'b');
    const labels = [a, b, a, b];
    const series = (l: Labels): OutgoingSeries => outgoingSeries(l, 0, pairs);
    const t = [1_795_903_263_531, 0, -1_000, 2 ** 53 - 1];
    const v = Float64Array.of(1.5, STALE_NAN, -0, 1e300);
    const enc = new WriteRequestEncoder();
    enc.encode([series(b)], [1], Float64Array.of(1)); // buffers and pairs are reused across calls
    const ours = decodeWriteRequest(enc.encode(labels.map(series), t, v)).timeseries;
    const expected = decodeWriteRequest(
      encodeWriteRequest({
        timeseries: labels.map((l, i) => ({
          labels: [...Object.entries(l.toRecord())].map(([name, value]) => ({ name, value })),
          samples: [{ value: v[i]!, timestamp: t[i]! }],
        })),
      }),
    );
    expect(ours.length).toBe(4);
    expect(ours.map((s) => s.labels)).toEqual(expected.timeseries.map((s) => s.labels));
    expect(ours.map((s) => s.samples.map((x) => Number(x.timestamp)))).toEqual(t.map((x) => [x]));
    // The decoder may canonicalise NaN, so look for StaleNaN's bytes in the raw message.
    const raw = decompressBlock(enc.encode([series(b)], [5], Float64Array.of(STALE_NAN)));
    expect(raw.includes(Buffer.from([0x09, 0x02, 0, 0, 0, 0, 0, 0xf0, 0x7f]))).toBe(true);
    expect(Number.isNaN(ours[1]!.samples[0]!.value)).toBe(true);
    expect(ours[3]!.samples[0]!.value).toBe(1e300);
  });

  it('makes a snappy block that inflates to exactly the plain message: copies, long literals, the 64 KiB window, ring wrap', () => {
    const pairs = new LabelPairs();
    const enc = new WriteRequestEncoder();
    let seed = 7;
    const rand = (n: number) => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed % n;
    };
    const sets: Labels[] = [];
    for (let i = 0; i < 300; i++) {
      const extra = rand(10) === 0 ? 'x'.repeat(rand(3) === 0 ? 70_000 : 61 + rand(300)) : `${rand(5)}`;
      sets.push(
        Labels.of(
          '__name__',
          `m_${rand(20)}`,
          'code',
          `${200 + rand(4)}`,
          'extra',
          extra,
          'job',
          'j',
          'shard',
          `${i}`,
        ),
      );
    }
    for (let round = 0; round < 3; round++) {
      const n = 400 + rand(200);
      const labels = Array.from({ length: n }, () => sets[rand(sets.length)]!);
      const t = Array.from({ length: n }, (_, i) => 1_700_000_000_000 + round * 1000 + (i >> 6));
      const v = Float64Array.from({ length: n }, () => 1 + rand(1000) / 7); // non-zero: the library leaves zeros out
      const series = labels.map((l) => outgoingSeries(l, 0, pairs));
      // As a ring: the samples start at `start` and wrap to 0.
      const start = rand(n);
      const ring = [...series.slice(n - start), ...series.slice(0, n - start)];
      const tRing = [...t.slice(n - start), ...t.slice(0, n - start)];
      const vRing = Float64Array.from([...v.slice(n - start), ...v.slice(0, n - start)]);
      const block = enc.encode(ring, tRing, vRing, start, n);
      const plain = reference(labels, t, v);
      expect((uncompressSync(block) as Buffer).equals(plain)).toBe(true);
    }
  });
});

describe('WriteRequestEncoder back-references', () => {
  it('writes a label pair once per block and refers back to it after', () => {
    const pairs = new LabelPairs();
    const series = Array.from({ length: 500 }, (_, i) =>
      outgoingSeries(
        Labels.of('__name__', `metric_${i % 10}`, 'instance', 'host:9100', 'job', 'node'),
        0,
        pairs,
      ),
    );
    const t = new Array<number>(500).fill(1_700_000_000_000);
    const v = Float64Array.from({ length: 500 }, (_, i) => i + 1);
    const block = new WriteRequestEncoder().encode(series, t, v);
    const plain = uncompressSync(block) as Buffer;
    expect(
      plain.equals(
        reference(
          series.map((_, i) =>
            Labels.of('__name__', `metric_${i % 10}`, 'instance', 'host:9100', 'job', 'node'),
          ),
          t,
          v,
        ),
      ),
    ).toBe(true);
    // Per sample: the value field as a literal (12 bytes with the literal's tag), the last
    // sample's timestamp and the head as one copy, the labels as another: about 20 bytes,
    // against 28 with the timestamp and head as literals.
    expect(block.length).toBeLessThan(500 * 22);
    expect(plain.length).toBeGreaterThan(500 * 60);
  });
});

describe('LabelPairs', () => {
  it('shares pairs between label sets and keeps only those of live series on retain', () => {
    const pairs = new LabelPairs();
    const a = pairs.of(Labels.of('__name__', 'a', 'job', 'j'));
    const b = pairs.of(Labels.of('__name__', 'b', 'job', 'j'));
    expect(b[1]).toBe(a[1]);
    expect(pairs.size).toBe(3);
    pairs.retain([{ hash: 0, pairs: b, size: 0 }]);
    expect(pairs.size).toBe(2);
    expect(pairs.of(Labels.of('job', 'j'))[0]).toBe(b[1]);
    expect(pairs.of(Labels.of('__name__', 'a'))[0]).not.toBe(a[0]);
    // Names and values that would run together stay apart.
    const [x] = pairs.of(Labels.of('ab', 'c'));
    const [y] = pairs.of(Labels.of('a', 'bc'));
    expect(x).not.toBe(y);
  });
});
