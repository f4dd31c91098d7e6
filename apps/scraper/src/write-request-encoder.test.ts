import { Labels, STALE_NAN } from '@argus/model';
import { decodeWriteRequest, decompressBlock, encodeWriteRequest } from '@argus/remote';
import { describe, expect, it } from 'vitest';
import { WriteRequestEncoder, encodeLabels } from './write-request-encoder.ts';

describe('WriteRequestEncoder', () => {
  it('decodes to the same series and samples as the library encoder, StaleNaN and odd timestamps included', () => {
    const a = Labels.of('__name__', 'a_total', 'job', 'j', 'path', 'ü/ñ'.repeat(50));
    const b = Labels.of('__name__', 'b');
    const labels = [a, b, a, b];
    const series = (l: Labels) => ({ hash: 0, bytes: encodeLabels(l) });
    const t = [1_795_903_263_531, 0, -1_000, 2 ** 53 - 1];
    const v = Float64Array.of(1.5, STALE_NAN, -0, 1e300);
    const enc = new WriteRequestEncoder();
    enc.encode([series(b)], [1], Float64Array.of(1)); // the buffer is reused across calls
    const ours = decodeWriteRequest(enc.encode(labels.map(series), t, v)).timeseries;
    const reference = decodeWriteRequest(
      encodeWriteRequest({
        timeseries: labels.map((l, i) => ({
          labels: [...Object.entries(l.toRecord())].map(([name, value]) => ({ name, value })),
          samples: [{ value: v[i]!, timestamp: t[i]! }],
        })),
      }),
    ).timeseries;
    expect(ours.length).toBe(4);
    expect(ours.map((s) => s.labels)).toEqual(reference.map((s) => s.labels));
    expect(ours.map((s) => s.samples.map((x) => Number(x.timestamp)))).toEqual(t.map((x) => [x]));
    // The decoder may canonicalise NaN, so look for StaleNaN's bytes in the raw message.
    const raw = decompressBlock(enc.encode([series(b)], [5], Float64Array.of(STALE_NAN)));
    expect(raw.includes(Buffer.from([0x09, 0x02, 0, 0, 0, 0, 0, 0xf0, 0x7f]))).toBe(true);
    expect(Number.isNaN(ours[1]!.samples[0]!.value)).toBe(true);
    expect(ours[3]!.samples[0]!.value).toBe(1e300);
  });
});
