import type { Labels, Matcher } from '@argus/model';
import type { Querier, SampleBlock, SelectHints, Series } from '@argus/storage';
import { compareBytes, compareLabelFlats } from './string-order.ts';

/**
 * One querier over several (e.g. the blocks of a database, or blocks and the head):
 * a series present in several appears once, its samples merged by timestamp; on
 * an equal timestamp the querier listed later wins. Series come sorted by labels in
 * Go byte order. Closing it closes every part and then runs `onClose`.
 */
export class MergeQuerier implements Querier {
  constructor(
    readonly queriers: readonly Querier[],
    readonly onClose?: () => void,
  ) {}

  async select(matchers: readonly Matcher[], hints?: SelectHints, sortSeries?: boolean): Promise<Series[]> {
    if (this.queriers.length === 1) return this.queriers[0]!.select(matchers, hints, sortSeries);
    const results = await Promise.all(this.queriers.map((q) => q.select(matchers, hints, true)));
    const byKey = new Map<string, Series[]>();
    for (const list of results) {
      for (const s of list) {
        const key = s.labels.flat.join('\xff');
        const parts = byKey.get(key);
        if (parts) parts.push(s);
        else byKey.set(key, [s]);
      }
    }
    const out: Series[] = [];
    for (const parts of byKey.values())
      out.push(parts.length === 1 ? parts[0]! : new MergedSeries(parts[0]!.labels, parts));
    out.sort((a, b) => compareLabelFlats(a.labels.flat, b.labels.flat));
    return out;
  }

  async labelNames(matchers?: readonly Matcher[]): Promise<string[]> {
    const lists = await Promise.all(this.queriers.map((q) => q.labelNames(matchers)));
    return [...new Set(lists.flat())].sort(compareBytes);
  }

  async labelValues(name: string, matchers?: readonly Matcher[]): Promise<string[]> {
    const lists = await Promise.all(this.queriers.map((q) => q.labelValues(name, matchers)));
    return [...new Set(lists.flat())].sort(compareBytes);
  }

  async close(): Promise<void> {
    await Promise.all(this.queriers.map((q) => q.close()));
    this.onClose?.();
  }
}

/** Samples of the same series from several sources, merged by timestamp. */
class MergedSeries implements Series {
  constructor(
    readonly labels: Labels,
    readonly parts: readonly Series[],
  ) {}

  samples(minT: number, maxT: number): SampleBlock {
    const blocks = this.parts.map((p) => p.samples(minT, maxT)).filter((b) => b.length > 0);
    if (blocks.length === 0)
      return { length: 0, timestamps: new Float64Array(0), values: new Float64Array(0) };
    if (blocks.length === 1) return blocks[0]!;
    let total = 0;
    for (const b of blocks) total += b.length;
    const ts = new Float64Array(total);
    const vs = new Float64Array(total);
    const out = new Uint32Array(vs.buffer);
    const words = blocks.map(
      (b) => new Uint32Array(b.values.buffer, b.values.byteOffset, b.values.length * 2),
    );
    const pos = new Array<number>(blocks.length).fill(0);
    let n = 0;
    for (;;) {
      // The smallest next timestamp; the last source holding it wins.
      let best = -1;
      let bestT = Infinity;
      for (let k = 0; k < blocks.length; k++) {
        if (pos[k]! < blocks[k]!.length) {
          const t = blocks[k]!.timestamps[pos[k]!]!;
          if (t <= bestT) {
            bestT = t;
            best = k;
          }
        }
      }
      if (best < 0) break;
      for (let k = 0; k < blocks.length; k++) {
        if (k !== best && pos[k]! < blocks[k]!.length && blocks[k]!.timestamps[pos[k]!] === bestT) pos[k]!++;
      }
      const i = pos[best]!++;
      ts[n] = bestT;
      out[2 * n] = words[best]![2 * i]!;
      out[2 * n + 1] = words[best]![2 * i + 1]!;
      n++;
    }
    return { length: n, timestamps: ts, values: vs };
  }
}
