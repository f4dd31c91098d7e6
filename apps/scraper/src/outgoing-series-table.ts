import type { Labels } from '@argus/model';
import type { OutgoingSeries } from './write-request-encoder.ts';

/**
 * A queue's outgoing series by scraped label set, addressed by ref: the queue hands each
 * scraped Labels object a ref (slot + 1), the scrape cache keeps it next to the Labels, and
 * the next sample of the series finds its outgoing form with one array read and one
 * identity check, no hash lookup. A slot is trusted only while it still holds the very
 * Labels object presented, so a ref from another queue, an older queue or a reused slot just
 * misses and is looked up again (a WeakMap by Labels serves samples that come without a
 * usable ref, e.g. when several destinations share one scrape cache).
 *
 * Slots unused for a whole {@link sweep} period are freed so series that vanished do not
 * pile up; the queue calls it on a timer.
 */
export class OutgoingSeriesTable {
  readonly #labels: (Labels | undefined)[] = [];
  /** The outgoing series per slot; null when `write_relabel_configs` drops the series. */
  readonly #series: (OutgoingSeries | null)[] = [];
  #used = new Uint8Array(1024);
  readonly #free: number[] = [];
  #bySet = new WeakMap<Labels, number>();
  readonly #compute: (labels: Labels) => OutgoingSeries | null;

  constructor(compute: (labels: Labels) => OutgoingSeries | null) {
    this.#compute = compute;
  }

  /** Slots in use. */
  get size(): number {
    return this.#labels.length - this.#free.length;
  }

  /** The slot of `labels`: `ref - 1` when that slot holds this very object, else looked up or made. */
  slot(ref: number, labels: Labels): number {
    let slot = ref - 1;
    if (slot < 0 || this.#labels[slot] !== labels) {
      slot = this.#bySet.get(labels) ?? -1;
      if (slot < 0 || this.#labels[slot] !== labels) slot = this.#add(labels);
    }
    this.#used[slot] = 1;
    return slot;
  }

  /** The outgoing series in `slot` (null: dropped by write relabeling). */
  series(slot: number): OutgoingSeries | null {
    return this.#series[slot]!;
  }

  /** The outgoing series of every slot in use (dropped ones left out). */
  *live(): Iterable<OutgoingSeries> {
    for (const series of this.#series) if (series) yield series;
  }

  /** Frees the slots not used since the last sweep. */
  sweep(): void {
    const labels = this.#labels;
    for (let i = 0; i < labels.length; i++) {
      if (labels[i] === undefined || this.#used[i] === 1) continue;
      labels[i] = undefined;
      this.#series[i] = null;
      this.#free.push(i);
    }
    this.#used.fill(0);
  }

  #add(labels: Labels): number {
    const series = this.#compute(labels);
    let slot = this.#free.pop();
    if (slot === undefined) {
      slot = this.#labels.length;
      this.#labels.push(labels);
      this.#series.push(series);
      if (slot >= this.#used.length) {
        const used = new Uint8Array(this.#used.length * 2);
        used.set(this.#used);
        this.#used = used;
      }
    } else {
      this.#labels[slot] = labels;
      this.#series[slot] = series;
    }
    this.#bySet.set(labels, slot);
    return slot;
  }
}
