import { Labels } from '@argus/model';
import type { BlockSource, SourceSeries } from '../block-source.ts';
import type { PlainSeries } from './test-helpers.ts';
import { encodeXorChunks } from './xor-chunks.ts';

/** A {@link BlockSource} over plain in-memory series, for tests of head cutting. */
export class FakeBlockSource implements BlockSource {
  series_: PlainSeries[];

  constructor(series: PlainSeries[]) {
    this.series_ = series;
  }

  get minTimeMs(): number {
    let m = Infinity;
    for (const s of this.series_) if (s.ts.length) m = Math.min(m, s.ts[0]!);
    return m;
  }

  get maxTimeMs(): number {
    let m = -Infinity;
    for (const s of this.series_) if (s.ts.length) m = Math.max(m, s.ts[s.ts.length - 1]!);
    return m;
  }

  series(minT: number, maxT: number): SourceSeries[] {
    const out: SourceSeries[] = [];
    this.series_.forEach((s, ref) => {
      const ts: number[] = [];
      const vs: number[] = [];
      s.ts.forEach((t, i) => {
        if (t >= minT && t <= maxT) {
          ts.push(t);
          vs.push(s.vs[i]!);
        }
      });
      if (ts.length)
        out.push({ ref: ref + 1, labels: Labels.fromSortedFlat(s.labels), chunks: encodeXorChunks(ts, vs) });
    });
    return out.sort((a, b) => Labels.compare(a.labels, b.labels));
  }

  /** Drops samples before `t`, as the head's truncation does. */
  truncate(t: number): void {
    for (const s of this.series_) {
      const keep = s.ts.findIndex((x) => x >= t);
      const k = keep < 0 ? s.ts.length : keep;
      s.ts = s.ts.slice(k);
      s.vs = s.vs.slice(k);
    }
  }
}
