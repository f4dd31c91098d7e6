import { Labels } from '@argus/model';
import type { Matcher } from '@argus/model';
import type { Appendable, Querier, Queryable, SeriesRef } from '@argus/storage';
import type { BlockSource, SourceChunk, SourceSeries } from '../block-source.ts';
import { Encoding, XorChunk } from '../chunkenc/xor-chunk.ts';
import { MemPostings, compareBytes } from '../index/mem-postings.ts';
import { postingsForMatchers } from '../index/postings-for-matchers.ts';
import { encodeTombstones } from '../wal/record.ts';
import type { RefSeries, SampleColumns, Tombstone } from '../wal/record.ts';
import { HeadAppender } from './head-appender.ts';
import { HeadQuerier } from './head-querier.ts';
import { HeadScratch } from './head-scratch.ts';
import { MemSeries, SAMPLES_PER_CHUNK } from './mem-series.ts';
import { SeriesSnapshot } from './series-snapshot.ts';

/** Upstream's default block and head chunk range: 2 hours. */
export const DEFAULT_CHUNK_RANGE_MS = 2 * 60 * 60 * 1000;

export interface HeadOptions {
  /** Width of the time windows chunks never straddle (the block range), ms. Default 2h. */
  chunkRangeMs?: number;
  /** Accept samples this much older than the head's newest (upstream `out_of_order_time_window`). Default 0. */
  outOfOrderTimeWindowMs?: number;
}

/** Where the head writes its records; called once per commit or deletion, synchronously, before memory changes. */
export interface HeadLog {
  log(records: readonly Uint8Array[]): void;
}

/** Counters a service exports as `prometheus_tsdb_head_*` and friends. */
export interface HeadCounters {
  samplesAppended: number;
  outOfOrderSamplesAppended: number;
  /** Samples dropped at commit because another commit overtook them (upstream counts these as out-of-order). */
  samplesDroppedAtCommit: number;
  seriesCreated: number;
  seriesRemoved: number;
  chunksCreated: number;
  chunksRemoved: number;
}

/** One entry of the `/api/v1/status/tsdb` top lists. */
export interface NameCount {
  name: string;
  value: number;
}

/** The head part of `/api/v1/status/tsdb`, with upstream's field names. */
export interface HeadStats {
  headStats: {
    numSeries: number;
    numLabelPairs: number;
    chunkCount: number;
    minTime: number;
    maxTime: number;
  };
  seriesCountByMetricName: NameCount[];
  labelValueCountByLabelName: NameCount[];
  memoryInBytesByLabelName: NameCount[];
  seriesCountByLabelValuePair: NameCount[];
}

const utf8 = new TextEncoder();

/**
 * The in-memory head block: series registry with interned labels, postings, XOR
 * chunks per series, out-of-order samples, and the append and read paths over
 * them. Appends go through {@link appender}; reads through {@link querier}; a block
 * writer reads it as a {@link BlockSource}.
 *
 * Time bounds: `minTimeMs`/`maxTimeMs` are the smallest and largest sample
 * timestamps committed (Infinity/-Infinity when empty). An in-order sample older than
 * `max(minValidTimeMs, maxTimeMs - chunkRange/2)` is out of bounds.
 */
export class Head implements Appendable, Queryable, BlockSource {
  readonly chunkRangeMs: number;
  outOfOrderTimeWindowMs: number;
  readonly counters: HeadCounters = {
    samplesAppended: 0,
    outOfOrderSamplesAppended: 0,
    samplesDroppedAtCommit: 0,
    seriesCreated: 0,
    seriesRemoved: 0,
    chunksCreated: 0,
    chunksRemoved: 0,
  };
  #log: HeadLog | undefined;
  readonly #byRef: (MemSeries | undefined)[] = [];
  readonly #byHash = new Map<number, MemSeries | MemSeries[]>();
  readonly postings = new MemPostings();
  /** Buffers shared by appenders; see {@link HeadScratch}. */
  readonly scratch = new HeadScratch();
  #intern = new Map<string, string>();
  #nextRef = 1;
  #numSeries = 0;
  #minTime = Infinity;
  #maxTime = -Infinity;
  #minValidTime = -Infinity;

  constructor(options: HeadOptions = {}, log?: HeadLog) {
    this.chunkRangeMs = options.chunkRangeMs ?? DEFAULT_CHUNK_RANGE_MS;
    this.outOfOrderTimeWindowMs = options.outOfOrderTimeWindowMs ?? 0;
    this.#log = log;
  }

  /** Sets (or removes) the log commits are written to. */
  setLog(log: HeadLog | undefined): void {
    this.#log = log;
  }

  /** Writes records to the log, if any; throws what the log throws. */
  writeLog(records: readonly Uint8Array[]): void {
    if (this.#log && records.length > 0) this.#log.log(records);
  }

  get minTimeMs(): number {
    return this.#minTime;
  }

  get maxTimeMs(): number {
    return this.#maxTime;
  }

  /** Samples older than this are refused (set by {@link truncate} and {@link setMinValidTime}). */
  get minValidTimeMs(): number {
    return this.#minValidTime;
  }

  /**
   * Refuses samples older than `t` from now on, in appends and in WAL replay (upstream
   * sets it to the newest block's max time before replaying, so samples already in a
   * block are not loaded twice). Only ever raises the bound.
   */
  setMinValidTime(t: number): void {
    if (t > this.#minValidTime) this.#minValidTime = t;
  }

  get numSeries(): number {
    return this.#numSeries;
  }

  /** Widens the head's time bounds after a commit. */
  extendTimeBounds(minT: number, maxT: number): void {
    if (minT < this.#minTime) this.#minTime = minT;
    if (maxT > this.#maxTime) this.#maxTime = maxT;
  }

  /** Lowest timestamp an in-order append may carry now (upstream `appendableMinValidTime`). */
  appendableMinValidTime(): number {
    if (this.#maxTime === -Infinity) return this.#minValidTime;
    return Math.max(this.#minValidTime, this.#maxTime - this.chunkRangeMs / 2);
  }

  appender(): HeadAppender {
    return new HeadAppender(this);
  }

  async querier(minT: number, maxT: number): Promise<Querier> {
    return new HeadQuerier(this, minT, maxT);
  }

  byRef(ref: SeriesRef): MemSeries | undefined {
    return this.#byRef[ref];
  }

  lookup(labels: Labels): MemSeries | undefined {
    const hit = this.#byHash.get(labels.hash());
    if (hit === undefined) return undefined;
    if (!Array.isArray(hit)) return hit.labels.equals(labels) ? hit : undefined;
    return hit.find((s) => s.labels.equals(labels));
  }

  /** The series with these labels, created (with a new ref) when absent. */
  getOrCreate(labels: Labels): { series: MemSeries; created: boolean } {
    const found = this.lookup(labels);
    if (found) return { series: found, created: false };
    const series = this.#create(this.#nextRef++, labels);
    return { series, created: true };
  }

  intern(s: string): string {
    const hit = this.#intern.get(s);
    if (hit !== undefined) return hit;
    this.#intern.set(s, s);
    return s;
  }

  #create(ref: number, labels: Labels): MemSeries {
    const src = labels.flat;
    const flat: string[] = new Array(src.length);
    for (let i = 0; i < src.length; i++) flat[i] = this.intern(src[i]!);
    const series = new MemSeries(ref, Labels.fromSortedFlat(flat));
    this.#byRef[ref] = series;
    const h = labels.hash();
    const hit = this.#byHash.get(h);
    if (hit === undefined) this.#byHash.set(h, series);
    else if (Array.isArray(hit)) hit.push(series);
    else this.#byHash.set(h, [hit, series]);
    this.postings.add(ref, flat);
    this.#numSeries++;
    this.counters.seriesCreated++;
    return series;
  }

  // --- WAL replay -----------------------------------------------------------

  /**
   * Replays a series record entry. A ref never seen creates the series with that
   * ref; labels already present under another ref map the new ref onto it
   * (returned in `refMap`).
   */
  replaySeries(entries: readonly RefSeries[], refMap: Map<number, number>): void {
    for (const { ref, labels } of entries) {
      if (ref >= this.#nextRef) this.#nextRef = ref + 1;
      const existing = this.lookup(labels);
      if (existing) {
        if (existing.ref !== ref) refMap.set(ref, existing.ref);
        continue;
      }
      if (this.#byRef[ref]) continue;
      this.#create(ref, labels);
    }
  }

  /**
   * Replays a samples record: a sample newer than its series' newest is appended,
   * an older one goes to the out-of-order store (it was accepted as such when
   * logged), an equal timestamp is skipped. Samples of unknown series are counted
   * and skipped. Returns the number of unknown-series samples.
   */
  replaySamples(cols: SampleColumns, refMap: Map<number, number>): number {
    let unknown = 0;
    let minT = Infinity;
    let maxT = -Infinity;
    for (let i = 0; i < cols.length; i++) {
      let ref = cols.refs[i]!;
      ref = refMap.get(ref) ?? ref;
      const s = this.#byRef[ref];
      if (!s) {
        unknown++;
        continue;
      }
      const t = cols.timestamps[i]!;
      if (t < this.#minValidTime) continue;
      const v = cols.values[i]!;
      if (t > s.lastT) {
        if (s.appendInOrder(t, v, this.chunkRangeMs)) this.counters.chunksCreated++;
      } else if (t < s.lastT) {
        if (!s.insertOoo(t, v)) continue;
      } else continue;
      if (t < minT) minT = t;
      if (t > maxT) maxT = t;
    }
    if (minT <= maxT) this.extendTimeBounds(minT, maxT);
    return unknown;
  }

  /** Replays a tombstones record. */
  replayTombstones(stones: readonly Tombstone[], refMap: Map<number, number>): void {
    for (const st of stones) {
      const s = this.#byRef[refMap.get(st.ref) ?? st.ref];
      s?.deleteRange(st.minT, st.maxT);
    }
  }

  // --- deletion and truncation ---------------------------------------------

  /**
   * Deletes the samples with minT ≤ t ≤ maxT of every series matching the matchers:
   * logs one tombstones record, then re-encodes the affected chunks. Append ordering
   * is unchanged (a deleted sample's timestamp still bounds later appends).
   * Returns the number of series that lost samples.
   */
  delete(minT: number, maxT: number, matchers: readonly Matcher[]): number {
    const refs = postingsForMatchers(this.postings, matchers);
    const stones: Tombstone[] = [];
    for (const ref of refs) {
      const s = this.#byRef[ref];
      if (s && !s.empty && s.minTime <= maxT && s.maxTime >= minT) stones.push({ ref, minT, maxT });
    }
    if (stones.length === 0) return 0;
    this.writeLog([encodeTombstones(stones)]);
    let affected = 0;
    for (const st of stones) if (this.#byRef[st.ref]!.deleteRange(minT, maxT)) affected++;
    return affected;
  }

  /**
   * Drops every sample older than `mint` (after it was written to a block), removes
   * series left empty, and refuses appends older than `mint` from now on. Returns
   * counts of what went.
   */
  truncate(mint: number): { seriesRemoved: number; chunksRemoved: number } {
    if (mint > this.#minValidTime) this.#minValidTime = mint;
    let chunksRemoved = 0;
    const gone = new Set<number>();
    const goneLabels: (readonly string[])[] = [];
    for (const s of this.#byRef) {
      if (!s) continue;
      chunksRemoved += s.truncateBefore(mint);
      if (s.empty && s.pendingOwner === undefined) {
        gone.add(s.ref);
        goneLabels.push(s.labels.flat);
      }
    }
    for (const ref of gone) this.#remove(this.#byRef[ref]!);
    this.postings.delete(gone, goneLabels);
    if (gone.size > 0) this.#rebuildInternPool();
    this.#recomputeTimeBounds();
    this.counters.chunksRemoved += chunksRemoved;
    this.counters.seriesRemoved += gone.size;
    return { seriesRemoved: gone.size, chunksRemoved };
  }

  #remove(s: MemSeries): void {
    this.#byRef[s.ref] = undefined;
    const h = s.labels.hash();
    const hit = this.#byHash.get(h);
    if (Array.isArray(hit)) {
      const rest = hit.filter((x) => x !== s);
      if (rest.length === 1) this.#byHash.set(h, rest[0]!);
      else this.#byHash.set(h, rest);
    } else this.#byHash.delete(h);
    this.#numSeries--;
  }

  #rebuildInternPool(): void {
    const pool = new Map<string, string>();
    for (const s of this.#byRef) if (s) for (const str of s.labels.flat) pool.set(str, str);
    this.#intern = pool;
  }

  #recomputeTimeBounds(): void {
    let minT = Infinity;
    let maxT = -Infinity;
    for (const s of this.#byRef) {
      if (!s || s.empty) continue;
      minT = Math.min(minT, s.minTime);
      maxT = Math.max(maxT, s.maxTime);
    }
    this.#minTime = minT;
    // The newest timestamp still bounds appends (upstream keeps maxTime across truncation).
    if (maxT > this.#maxTime || this.#maxTime === -Infinity) this.#maxTime = maxT;
  }

  /** Every live series, in ref order. */
  *allSeries(): Generator<MemSeries> {
    for (const s of this.#byRef) if (s) yield s;
  }

  /** A read-time view of a series limited to [minT, maxT], or undefined when it has no samples there. */
  snapshot(s: MemSeries, minT: number, maxT: number): SeriesSnapshot | undefined {
    if (s.empty || s.minTime > maxT || s.maxTime < minT) return undefined;
    const chunks = s.chunkViews().filter((c) => c.minT <= maxT && c.maxT >= minT);
    let ots: Float64Array | undefined;
    let ovs: Float64Array | undefined;
    if (s.ooo && s.ooo.length > 0) {
      const r = s.ooo.copyRange(minT, maxT);
      if (r.timestamps.length > 0) {
        ots = r.timestamps;
        ovs = r.values;
      }
    }
    if (chunks.length === 0 && !ots) return undefined;
    return new SeriesSnapshot(s.labels, chunks, ots, ovs, minT, maxT);
  }

  // --- BlockSource ------------------------------------------------------------

  series(minT: number, maxT: number): SourceSeries[] {
    const out: SourceSeries[] = [];
    for (const s of this.#byRef) {
      if (!s) continue;
      const snap = this.snapshot(s, minT, maxT);
      if (!snap) continue;
      const chunks = sourceChunks(snap, minT, maxT);
      if (chunks.length > 0) out.push({ ref: s.ref, labels: s.labels, chunks });
    }
    return out.sort((a, b) => Labels.compare(a.labels, b.labels));
  }

  // --- stats ------------------------------------------------------------------

  /** The head part of `/api/v1/status/tsdb`: totals and the top `limit` of each list. */
  stats(limit = 10): HeadStats {
    let chunkCount = 0;
    for (const s of this.#byRef) if (s) chunkCount += s.chunkCount;
    const byMetric: NameCount[] = [];
    for (const [name, count] of this.postings.valueCounts('__name__')) byMetric.push({ name, value: count });
    const valueCount = new Map<string, number>();
    const memory = new Map<string, number>();
    const pairs: NameCount[] = [];
    let numLabelPairs = 0;
    this.postings.forEachPair((name, value, count) => {
      numLabelPairs++;
      valueCount.set(name, (valueCount.get(name) ?? 0) + 1);
      memory.set(name, (memory.get(name) ?? 0) + utf8ByteLength(value));
      pairs.push({ name: `${name}=${value}`, value: count });
    });
    const top = (list: NameCount[]): NameCount[] =>
      list.sort((a, b) => b.value - a.value || compareBytes(a.name, b.name)).slice(0, limit);
    const fromMap = (m: Map<string, number>): NameCount[] => [...m].map(([name, value]) => ({ name, value }));
    return {
      headStats: {
        numSeries: this.#numSeries,
        numLabelPairs,
        chunkCount,
        minTime: this.#minTime === Infinity ? 0 : this.#minTime,
        maxTime: this.#maxTime === -Infinity ? 0 : this.#maxTime,
      },
      seriesCountByMetricName: top(byMetric),
      labelValueCountByLabelName: top(fromMap(valueCount)),
      memoryInBytesByLabelName: top(fromMap(memory)),
      seriesCountByLabelValuePair: top(pairs),
    };
  }
}

function utf8ByteLength(s: string): number {
  let ascii = true;
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) >= 0x80) ascii = false;
  return ascii ? s.length : utf8.encode(s).length;
}

/**
 * Chunks of a snapshot for a block: copied when every chunk lies inside the range and
 * there are no out-of-order samples (the snapshot is taken synchronously, so a head
 * chunk's bytes agree with its count), re-encoded in chunks of 120 otherwise.
 */
function sourceChunks(snap: SeriesSnapshot, minT: number, maxT: number): SourceChunk[] {
  const reusable =
    snap.oooTimestamps === undefined && snap.chunks.every((c) => c.minT >= minT && c.maxT <= maxT);
  if (reusable) {
    return snap.chunks.map((c) => ({
      minTimeMs: c.minT,
      maxTimeMs: c.maxT,
      encoding: Encoding.XOR,
      bytes: c.bytes.slice(),
    }));
  }
  const block = snap.samples(minT, maxT);
  const out: SourceChunk[] = [];
  const words = new Uint32Array(block.values.buffer, block.values.byteOffset, block.length * 2);
  let c: XorChunk | undefined;
  let first = 0;
  for (let i = 0; i < block.length; i++) {
    if (!c || c.numSamples >= SAMPLES_PER_CHUNK) {
      if (c)
        out.push({
          minTimeMs: first,
          maxTimeMs: c.lastTimestamp,
          encoding: Encoding.XOR,
          bytes: c.bytes().slice(),
        });
      c = new XorChunk();
      first = block.timestamps[i]!;
    }
    c.appendBits(block.timestamps[i]!, words[2 * i + 1]!, words[2 * i]!);
  }
  if (c)
    out.push({
      minTimeMs: first,
      maxTimeMs: c.lastTimestamp,
      encoding: Encoding.XOR,
      bytes: c.bytes().slice(),
    });
  return out;
}
