import type { Labels } from '@argus/model';
import {
  DuplicateSampleError,
  OutOfBoundsError,
  OutOfOrderSampleError,
  TooOldSampleError,
} from '@argus/storage';
import type { Appender, SeriesRef } from '@argus/storage';
import { ClosedError, InvalidSampleError } from '../errors.ts';
import { RecordType, encodeSeries } from '../wal/record.ts';
import type { Encbuf } from '../wal/record.ts';
import type { Head } from './head.ts';
import { sameBits } from './mem-series.ts';
import type { MemSeries } from './mem-series.ts';

const EMPTY_F64 = new Float64Array(0);
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
  #timestamps: Float64Array;
  #values: Float64Array;
  #n = 0;
  #newSeries: MemSeries[] = [];
  #done = false;

  constructor(head: Head) {
    this.#head = head;
    this.#minValidTime = head.appendableMinValidTime();
    this.#headMaxT = head.maxTimeMs;
    this.#oooWindow = head.outOfOrderTimeWindowMs;
    const cols = head.scratch.takeColumns();
    this.#timestamps = cols.timestamps;
    this.#values = cols.values;
  }

  /** Samples buffered so far. */
  get pendingSamples(): number {
    return this.#n;
  }

  /**
   * The labels object the head keeps for `ref` (interned strings). A caller that appends
   * with this very object again is recognised by identity, without comparing labels.
   */
  labelsOf(ref: SeriesRef): Labels | undefined {
    return this.#head.byRef(ref)?.labels;
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
      const ts = new Float64Array(Math.max(64, n * 2));
      ts.set(this.#timestamps);
      const vs = new Float64Array(Math.max(64, n * 2));
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
    const decision = head.scratch.decisions(n);
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
    if (accepted > 0) records.push(encodeAcceptedSamples(head.scratch.encbuf(), series, ts, vs, n, decision));
    try {
      head.writeLog(records);
    } catch (e) {
      this.#release();
      throw e;
    }

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
    this.#head.scratch.returnColumns(this.#timestamps, this.#values);
    this.#timestamps = EMPTY_F64;
    this.#values = EMPTY_F64;
    this.#series = [];
    this.#newSeries = [];
    this.#n = 0;
  }
}

/**
 * Encodes a Samples record (upstream layout, see wal/README.md) of the samples whose
 * decision is not DROP, straight from the appender's columns into `b`.
 */
function encodeAcceptedSamples(
  b: Encbuf,
  series: readonly MemSeries[],
  ts: Float64Array,
  vs: Float64Array,
  n: number,
  decision: Uint8Array,
): Uint8Array {
  const words = new Uint32Array(vs.buffer, vs.byteOffset, n * 2);
  b.len = 0;
  b.ensure(17 + n * 24);
  b.byte(RecordType.Samples);
  let first = true;
  let baseRef = 0;
  let baseT = 0;
  for (let i = 0; i < n; i++) {
    if (decision[i] === DROP) continue;
    const ref = series[i]!.ref;
    const t = ts[i]!;
    if (first) {
      baseRef = ref;
      baseT = t;
      b.be64(ref);
      b.be64Signed(t);
      first = false;
    }
    b.varint(ref - baseRef);
    b.varint(t - baseT);
    b.float64Words(words[2 * i + 1]!, words[2 * i]!);
  }
  return b.bytes();
}
