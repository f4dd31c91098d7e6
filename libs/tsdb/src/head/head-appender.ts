import type { Labels } from '@argus/model';
import {
  DuplicateSampleError,
  OutOfBoundsError,
  OutOfOrderSampleError,
  TooOldSampleError,
} from '@argus/storage';
import type { Appender, SeriesRef } from '@argus/storage';
import { ClosedError, InvalidSampleError } from '../errors.ts';
import { encodeSamples, encodeSeries } from '../wal/record.ts';
import type { Head } from './head.ts';
import { sameBits } from './mem-series.ts';
import type { MemSeries } from './mem-series.ts';

const DROP = 0;
const IN_ORDER = 1;
const OUT_OF_ORDER = 2;

/**
 * Buffers samples for the head in typed columns (no object per sample) and makes
 * them visible on {@link commit}: one WAL write holding the new series and the
 * accepted samples, then the in-memory append.
 *
 * `append` validates against the committed state and this appender's own earlier
 * samples, with upstream's rules and errors: below the head's valid range
 * `OutOfBoundsError`; older than the series' newest `OutOfOrderSampleError` (or, with
 * an out-of-order window, accepted if within it and `TooOldSampleError` if not); same
 * timestamp and different value bits `DuplicateSampleError`, same bits a no-op.
 * At commit, samples overtaken by another commit are dropped and counted.
 */
export class HeadAppender implements Appender {
  readonly #head: Head;
  readonly #minValidTime: number;
  readonly #headMaxT: number;
  readonly #oooWindow: number;
  #series: MemSeries[] = [];
  #timestamps = new Float64Array(64);
  #values = new Float64Array(64);
  #n = 0;
  #newSeries: MemSeries[] = [];
  #done = false;

  constructor(head: Head) {
    this.#head = head;
    this.#minValidTime = head.appendableMinValidTime();
    this.#headMaxT = head.maxTimeMs;
    this.#oooWindow = head.outOfOrderTimeWindowMs;
  }

  /** Samples buffered so far. */
  get pendingSamples(): number {
    return this.#n;
  }

  append(ref: SeriesRef, labels: Labels, timestampMs: number, value: number): SeriesRef {
    if (this.#done) throw new ClosedError('appender');
    const head = this.#head;
    let s = ref > 0 ? head.byRef(ref) : undefined;
    if (s !== undefined && s.labels !== labels && !s.labels.equals(labels)) s = undefined;
    if (s === undefined) {
      if (labels.size === 0) throw new InvalidSampleError('empty labelset: invalid sample');
      const got = head.getOrCreate(labels);
      s = got.series;
      if (got.created) this.#newSeries.push(s);
    }
    const t = timestampMs;
    const minValid = this.#minValidTime;
    const window = this.#oooWindow;
    if (window === 0 && t < minValid) throw new OutOfBoundsError();

    let lastT = s.lastT;
    let lastV = s.lastV;
    if (s.pendingOwner === this && s.pendingT > lastT) {
      lastT = s.pendingT;
      lastV = s.pendingV;
    }
    if (t >= minValid) {
      if (t > lastT) {
        s.pendingOwner = this;
        s.pendingT = t;
        s.pendingV = value;
        this.#push(s, t, value);
        return s.ref;
      }
      if (t === lastT) {
        if (!sameBits(value, lastV)) throw new DuplicateSampleError();
        return s.ref;
      }
    }
    if (window > 0 && t >= this.#headMaxT - window) {
      this.#push(s, t, value);
      return s.ref;
    }
    if (window > 0) throw new TooOldSampleError();
    if (t < minValid) throw new OutOfBoundsError();
    throw new OutOfOrderSampleError();
  }

  #push(s: MemSeries, t: number, v: number): void {
    const n = this.#n;
    if (n === this.#timestamps.length) {
      const ts = new Float64Array(n * 2);
      ts.set(this.#timestamps);
      const vs = new Float64Array(n * 2);
      vs.set(this.#values);
      this.#timestamps = ts;
      this.#values = vs;
    }
    this.#series.push(s);
    this.#timestamps[n] = t;
    this.#values[n] = v;
    this.#n = n + 1;
  }

  async commit(): Promise<void> {
    this.commitSync();
  }

  /**
   * Commits synchronously: decides each sample against the state now, logs the new
   * series and accepted samples in one write, then applies them. If the log write
   * throws, nothing is applied and the error propagates.
   */
  commitSync(): void {
    if (this.#done) throw new ClosedError('appender');
    this.#done = true;
    const head = this.#head;
    const n = this.#n;
    const series = this.#series;
    const ts = this.#timestamps;
    const vs = this.#values;
    const decision = new Uint8Array(n);
    const token = {};
    const window = this.#oooWindow;
    const oooMinT = this.#headMaxT - window;
    let accepted = 0;
    for (let i = 0; i < n; i++) {
      const s = series[i]!;
      if (s.pendingOwner !== token) {
        s.pendingOwner = token;
        s.pendingT = s.lastT;
      }
      const t = ts[i]!;
      if (t > s.pendingT) {
        decision[i] = IN_ORDER;
        s.pendingT = t;
      } else if (t < s.pendingT && window > 0 && t >= oooMinT) {
        decision[i] = OUT_OF_ORDER;
      } else {
        decision[i] = DROP;
        continue;
      }
      accepted++;
    }
    for (let i = 0; i < n; i++) series[i]!.pendingOwner = undefined;

    const records: Uint8Array[] = [];
    if (this.#newSeries.length > 0) records.push(encodeSeries(this.#newSeries));
    if (accepted > 0) {
      const refs = new Uint32Array(accepted);
      const ats = new Float64Array(accepted);
      const avs = new Float64Array(accepted);
      const src = new Uint32Array(vs.buffer, 0, n * 2);
      const dst = new Uint32Array(avs.buffer);
      let k = 0;
      for (let i = 0; i < n; i++) {
        if (decision[i] === DROP) continue;
        refs[k] = series[i]!.ref;
        ats[k] = ts[i]!;
        dst[2 * k] = src[2 * i]!;
        dst[2 * k + 1] = src[2 * i + 1]!;
        k++;
      }
      records.push(encodeSamples({ length: accepted, refs, timestamps: ats, values: avs }));
    }
    head.writeLog(records);

    const counters = head.counters;
    const range = head.chunkRangeMs;
    let minT = Infinity;
    let newest = -Infinity;
    for (let i = 0; i < n; i++) {
      const d = decision[i];
      if (d === DROP) {
        counters.samplesDroppedAtCommit++;
        continue;
      }
      const s = series[i]!;
      const t = ts[i]!;
      if (d === IN_ORDER) {
        if (s.appendInOrder(t, vs[i]!, range)) counters.chunksCreated++;
      } else {
        if (!s.insertOoo(t, vs[i]!)) continue;
        counters.outOfOrderSamplesAppended++;
      }
      counters.samplesAppended++;
      if (t < minT) minT = t;
      if (t > newest) newest = t;
    }
    if (minT <= newest) head.extendTimeBounds(minT, newest);
    this.#release();
  }

  async rollback(): Promise<void> {
    if (this.#done) throw new ClosedError('appender');
    this.#done = true;
    for (const s of this.#series) if (s.pendingOwner === this) s.pendingOwner = undefined;
    this.#release();
  }

  #release(): void {
    this.#series = [];
    this.#newSeries = [];
    this.#n = 0;
  }
}
