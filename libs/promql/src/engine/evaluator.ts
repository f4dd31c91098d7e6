import { isStaleNaN } from '@argus/model';
import type { Matcher, Labels } from '@argus/model';
import type { Querier, Queryable, Series } from '@argus/storage';
import type {
  AtModifier,
  DurationExpr,
  DurationOperand,
  Expr,
  MatrixSelector,
  SubqueryExpr,
  VectorSelector,
} from '../parser/ast.ts';
import { Annotations } from './annotations.ts';
import { EvaluationError, QueryCanceledError, QueryTimeoutError, TooManySamplesError } from './errors.ts';
import { Grid } from './grid.ts';
import { extendFloats, smoothedValue } from './extended-range.ts';
import { dropMetadata } from './labels-util.ts';
import { mergeSameLabels } from './label-collisions.ts';
import { StepVector } from './step-vector.ts';
import type { RangeSeries } from './step-vector.ts';
import { withoutStale } from './step-vector.ts';

/** A series of a range argument whose samples are read when needed. */
export interface RangeSource {
  readonly labels: Labels;
  load(): RangeSeries;
}

/** What one node evaluates to over a grid. */
export type Value =
  | { kind: 'scalar'; values: Float64Array }
  | { kind: 'string'; value: string }
  | { kind: 'vector'; vec: StepVector }
  | { kind: 'matrix'; series: RangeSeries[] };

/** Settings of one evaluation, fixed for the whole query. */
export interface EvaluatorOptions {
  lookbackDeltaMs: number;
  maxSamples: number;
  /** Step of subqueries written without one (`[5m:]`); upstream: the global evaluation interval. */
  defaultSubqueryStepMs: number;
  /** Remove `__name__` only at the end of the query (`promql-delayed-name-removal`). */
  delayedNameRemoval: boolean;
  /** Read the samples' start times for the functions that use them (`use-start-timestamps`). */
  useStartTimestamps: boolean;
  /** Start, end and step of the whole query, for `@ start()`, `@ end()`, `start()`, `step()`. */
  queryStartMs: number;
  queryEndMs: number;
  queryStepMs: number;
  isRangeQuery: boolean;
  signal: AbortSignal | undefined;
  deadlineMs: number;
}

/** Sample statistics as upstream reports them with `stats=all`. */
export interface SampleStats {
  totalQueryableSamples: number;
  peakSamples: number;
}

/** Hooks through which node-specific evaluators (functions, aggregations, operators) are reached. */
export type NodeEvaluator = (ev: Evaluator, e: Expr, g: Grid) => Promise<Value>;

/**
 * Evaluates an expression tree over a {@link Grid}, column by column: every node
 * produces its values for all steps at once. Holds the query's queriers, annotations,
 * sample accounting and abort checks.
 */
export class Evaluator {
  readonly annotations = new Annotations();
  readonly stats: SampleStats = { totalQueryableSamples: 0, peakSamples: 0 };
  currentSamples = 0;
  readonly #queriers: Querier[] = [];

  constructor(
    readonly queryable: Queryable,
    readonly opts: EvaluatorOptions,
    readonly evalNode: {
      call: NodeEvaluator;
      aggregate: NodeEvaluator;
      binary: NodeEvaluator;
    },
  ) {}

  async close(): Promise<void> {
    await Promise.all(this.#queriers.map((q) => q.close()));
  }

  /** Throws when the query was canceled or ran past its deadline. */
  checkAbort(env = 'expression evaluation'): void {
    if (this.opts.signal?.aborted) {
      const reason: unknown = this.opts.signal.reason;
      if (reason instanceof QueryTimeoutError) throw new QueryTimeoutError(env);
      throw new QueryCanceledError(env);
    }
    if (Date.now() > this.opts.deadlineMs) throw new QueryTimeoutError(env);
  }

  /** Accounts `n` more samples held in memory; throws past `maxSamples`. */
  hold(n: number): void {
    this.currentSamples += n;
    if (this.currentSamples > this.opts.maxSamples) throw new TooManySamplesError();
    if (this.currentSamples > this.stats.peakSamples) this.stats.peakSamples = this.currentSamples;
  }

  release(n: number): void {
    this.currentSamples -= n;
  }

  /** Marks or removes the metric name of a derived series, per the name-removal mode. */
  derivedLabels(labels: Labels): Labels {
    return this.opts.delayedNameRemoval ? labels : dropMetadata(labels);
  }

  async eval(e: Expr, g: Grid): Promise<Value> {
    this.checkAbort();
    switch (e.kind) {
      case 'NumberLiteral':
        return { kind: 'scalar', values: new Float64Array(g.steps).fill(e.value) };
      case 'StringLiteral':
        return { kind: 'string', value: e.value };
      case 'ParenExpr':
        return this.eval(e.expr, g);
      case 'UnaryExpr':
        return this.#unary(e.op, await this.eval(e.expr, g));
      case 'VectorSelector':
        return { kind: 'vector', vec: await this.vectorSelector(e, g, 'value') };
      case 'MatrixSelector':
        return { kind: 'matrix', series: await this.matrixSelectorAt(e, g) };
      case 'SubqueryExpr':
        return { kind: 'matrix', series: await this.subqueryAt(e, g) };
      case 'Call':
        return this.evalNode.call(this, e, g);
      case 'AggregateExpr':
        return this.evalNode.aggregate(this, e, g);
      case 'BinaryExpr':
        return this.evalNode.binary(this, e, g);
    }
  }

  async evalVector(e: Expr, g: Grid): Promise<StepVector> {
    const v = await this.eval(e, g);
    if (v.kind !== 'vector') throw new EvaluationError(`expected instant vector, got ${v.kind}`);
    return v.vec;
  }

  async evalScalar(e: Expr, g: Grid): Promise<Float64Array> {
    const v = await this.eval(e, g);
    if (v.kind !== 'scalar') throw new EvaluationError(`expected scalar, got ${v.kind}`);
    return v.values;
  }

  #unary(op: '-' | '+', v: Value): Value {
    if (op === '+') return v;
    if (v.kind === 'scalar') return { kind: 'scalar', values: v.values.map((x) => -x) };
    if (v.kind !== 'vector') throw new EvaluationError('unary minus needs a scalar or instant vector');
    const out = new StepVector(v.vec.steps);
    for (let i = 0; i < v.vec.length; i++) {
      out.adopt(
        this.derivedLabels(v.vec.labels[i]!),
        true,
        v.vec.values[i]!.map((x) => -x),
        v.vec.present[i]!,
      );
    }
    return { kind: 'vector', vec: this.opts.delayedNameRemoval ? out : mergeSameLabels(out) };
  }

  /** The `@` time in ms, if any. */
  atMs(at: AtModifier): number | undefined {
    if (at === undefined) return undefined;
    if (at === 'start') return this.opts.queryStartMs;
    if (at === 'end') return this.opts.queryEndMs;
    return at;
  }

  offsetMs(node: VectorSelector | SubqueryExpr): number {
    return node.offsetExpr ? this.duration(node.offsetExpr) : node.offsetMs;
  }

  rangeMs(node: MatrixSelector | SubqueryExpr): number {
    return node.rangeExpr ? this.duration(node.rangeExpr) : node.rangeMs;
  }

  /** Evaluates a duration expression to ms; `step()`/`range()` are the query's step and range. */
  duration(e: DurationExpr): number {
    return Math.round(this.#durationSeconds(e) * 1000);
  }

  #durationSeconds(e: DurationOperand): number {
    if (e.kind === 'NumberLiteral') return e.value;
    const l = e.lhs === undefined ? undefined : this.#durationSeconds(e.lhs);
    const r = e.rhs === undefined ? undefined : this.#durationSeconds(e.rhs);
    switch (e.op) {
      case 'step':
        return this.opts.queryStepMs / 1000;
      case 'range':
        return (this.opts.queryEndMs - this.opts.queryStartMs) / 1000;
      case 'min_of':
        return Math.min(l!, r!);
      case 'max_of':
        return Math.max(l!, r!);
      case '+':
        return l === undefined ? r! : l + r!;
      case '-':
        return l === undefined ? -r! : l - r!;
      case '*':
        return l! * r!;
      case '/':
        return l! / r!;
      case '%':
        return l! % r!;
      case '^':
        return Math.pow(l!, r!);
    }
  }

  /** The effective reference times `(@ ?? t) - offset` of a grid, and their min/max. */
  refTimes(
    g: Grid,
    at: number | undefined,
    offset: number,
  ): { refs: Float64Array; min: number; max: number } {
    const refs = new Float64Array(g.steps);
    let min = Infinity;
    let max = -Infinity;
    for (let k = 0; k < g.steps; k++) {
      const r = (at ?? g.times[k]!) - offset;
      refs[k] = r;
      if (r < min) min = r;
      if (r > max) max = r;
    }
    return { refs, min, max };
  }

  async select(
    matchers: readonly Matcher[],
    minT: number,
    maxT: number,
    func?: string,
    rangeMs?: number,
  ): Promise<Series[]> {
    const querier = await this.queryable.querier(minT, maxT);
    this.#queriers.push(querier);
    const hints = { startMs: minT, endMs: maxT, stepMs: this.opts.queryStepMs, rangeMs: rangeMs ?? 0, func };
    return querier.select(matchers, hints, true);
  }

  /**
   * An instant vector selector over the grid: per step the newest sample in
   * `(ref - lookback, ref]`, nothing when that sample is StaleNaN. `what` picks the
   * output: the sample's value, its timestamp in seconds (for `timestamp()`), or its
   * start time in seconds, 0 when unknown (for `start_timestamp()`).
   */
  async vectorSelector(
    vs: VectorSelector,
    g: Grid,
    what: 'value' | 'timestamp' | 'startTimestamp',
  ): Promise<StepVector> {
    const lookback = this.opts.lookbackDeltaMs;
    const { refs, min, max } = this.refTimes(g, this.atMs(vs.at), this.offsetMs(vs));
    const out = new StepVector(g.steps);
    if (g.steps === 0) return out;
    if (vs.smoothed) return this.#smoothedSelector(vs, g, refs, min, max);
    const series = await this.select(vs.matchers, min - lookback + 1, max);
    let loaded = 0;
    for (const s of series) {
      const block = s.samples(min - lookback + 1, max);
      const ts = block.timestamps;
      const vals = block.values;
      const sts = block.startTimestamps;
      const n = block.length;
      const values = new Float64Array(g.steps);
      const present = new Uint8Array(g.steps);
      let any = false;
      let j = 0;
      for (let k = 0; k < g.steps; k++) {
        const ref = refs[k]!;
        if (k > 0 && ref < refs[k - 1]!) j = 0;
        while (j < n && ts[j]! <= ref) j++;
        const idx = j - 1;
        if (idx < 0 || ts[idx]! <= ref - lookback) continue;
        const v = vals[idx]!;
        if (v !== v && isStaleNaN(v)) continue;
        values[k] =
          what === 'value' ? v : what === 'timestamp' ? ts[idx]! / 1000 : sts ? sts[idx]! / 1000 : 0;
        present[k] = 1;
        any = true;
        loaded++;
      }
      if (any) out.adopt(s.labels, false, values, present);
    }
    this.stats.totalQueryableSamples += loaded;
    this.hold(loaded);
    return out;
  }

  async #smoothedSelector(
    vs: VectorSelector,
    g: Grid,
    refs: Float64Array,
    min: number,
    max: number,
  ): Promise<StepVector> {
    const lookback = this.opts.lookbackDeltaMs;
    const out = new StepVector(g.steps);
    const series = await this.select(vs.matchers, min - lookback + 1, max + lookback);
    let loaded = 0;
    for (const s of series) {
      const block = s.samples(min - lookback + 1, max + lookback);
      const r = withoutStale(s.labels, block.timestamps, block.values, block.length);
      const values = new Float64Array(g.steps);
      const present = new Uint8Array(g.steps);
      let any = false;
      for (let k = 0; k < g.steps; k++) {
        const ref = refs[k]!;
        let lo = 0;
        while (lo < r.length && r.timestamps[lo]! <= ref - lookback) lo++;
        let hi = lo;
        while (hi < r.length && r.timestamps[hi]! <= ref + lookback) hi++;
        const v = smoothedValue(r.timestamps, r.values, lo, hi, ref);
        if (v === undefined) continue;
        values[k] = v;
        present[k] = 1;
        any = true;
        loaded++;
      }
      if (any) out.adopt(s.labels, false, values, present);
    }
    this.stats.totalQueryableSamples += loaded;
    this.hold(loaded);
    return out;
  }

  /**
   * The samples of every series matching a matrix selector that any step's window
   * `(ref - range, ref]` can see, StaleNaN removed; with `startTimestamps`, their start
   * times too (all 0 when the storage keeps none).
   */
  async matrixSeries(
    ms: MatrixSelector,
    g: Grid,
    beforeMs = 0,
    afterMs = 0,
    startTimestamps = false,
  ): Promise<{ series: RangeSeries[]; rangeMs: number; refs: Float64Array }> {
    const { sources, rangeMs, refs } = await this.matrixSources(ms, g, beforeMs, afterMs, startTimestamps);
    return { series: sources.map((s) => s.load()), rangeMs, refs };
  }

  /**
   * As {@link matrixSeries}, but each series' samples are decoded only when its
   * `load()` is called: a range function then holds one series' samples at a time, and
   * the garbage collector reclaims each block young instead of promoting all of them.
   */
  async matrixSources(
    ms: MatrixSelector,
    g: Grid,
    beforeMs = 0,
    afterMs = 0,
    startTimestamps = false,
  ): Promise<{ sources: RangeSource[]; rangeMs: number; refs: Float64Array }> {
    const vs = ms.vectorSelector;
    const rangeMs = this.rangeMs(ms);
    const { refs, min, max } = this.refTimes(g, this.atMs(vs.at), this.offsetMs(vs));
    if (g.steps === 0) return { sources: [], rangeMs, refs };
    const minT = min - rangeMs - beforeMs + 1;
    const maxT = max + afterMs;
    const series = await this.select(vs.matchers, minT, maxT, undefined, rangeMs);
    const sources = series.map((s): RangeSource => ({
      labels: s.labels,
      load: () => {
        const block = s.samples(minT, maxT);
        const sts = startTimestamps ? (block.startTimestamps ?? new Float64Array(block.length)) : undefined;
        return withoutStale(s.labels, block.timestamps, block.values, block.length, sts);
      },
    }));
    return { sources, rangeMs, refs };
  }

  /**
   * A matrix selector evaluated as a value (instant queries only): the samples in
   * `(t - range, t]`. With `anchored`/`smoothed`, upstream's `extendFloats`: a point
   * exactly at each end of the range (the sample at or before the start, or the
   * interpolation for `smoothed`) around the samples strictly inside.
   */
  async matrixSelectorAt(ms: MatrixSelector, g: Grid): Promise<RangeSeries[]> {
    if (g.steps !== 1) throw new EvaluationError('cannot do range evaluation of matrix selector');
    const vs = ms.vectorSelector;
    if (!vs.anchored && !vs.smoothed) {
      const { series, rangeMs, refs } = await this.matrixSeries(ms, g);
      return this.#windowAt(series, refs[0]! - rangeMs, refs[0]!);
    }
    const lookback = this.opts.lookbackDeltaMs;
    const { series, rangeMs, refs } = await this.matrixSeries(ms, g, lookback, vs.smoothed ? lookback : 0);
    const out: RangeSeries[] = [];
    let total = 0;
    for (const s of series) {
      const e = extendFloats(s, refs[0]! - rangeMs, refs[0]!, vs.smoothed === true);
      if (!e) continue;
      out.push(e);
      total += e.length;
    }
    this.stats.totalQueryableSamples += total;
    this.hold(total);
    return out;
  }

  #windowAt(series: RangeSeries[], start: number, end: number): RangeSeries[] {
    const out: RangeSeries[] = [];
    let total = 0;
    for (const s of series) {
      let lo = 0;
      while (lo < s.length && s.timestamps[lo]! <= start) lo++;
      let hi = lo;
      while (hi < s.length && s.timestamps[hi]! <= end) hi++;
      if (hi > lo) {
        out.push({
          labels: s.labels,
          timestamps: s.timestamps.subarray(lo, hi),
          values: s.values.subarray(lo, hi),
          length: hi - lo,
        });
        total += hi - lo;
      }
    }
    this.stats.totalQueryableSamples += total;
    this.hold(total);
    return out;
  }

  /**
   * Evaluates a subquery's inner expression on its own grid: steps aligned to multiples
   * of the subquery step, from just after the earliest window start to the latest
   * reference time. Returns the points as range series plus the outer reference times.
   */
  async subquerySeries(
    sq: SubqueryExpr,
    g: Grid,
  ): Promise<{ series: RangeSeries[]; rangeMs: number; refs: Float64Array }> {
    const rangeMs = this.rangeMs(sq);
    const stepMs = sq.stepExpr ? this.duration(sq.stepExpr) : sq.stepMs || this.opts.defaultSubqueryStepMs;
    const { refs, min, max } = this.refTimes(g, this.atMs(sq.at), this.offsetMs(sq));
    if (g.steps === 0) return { series: [], rangeMs, refs };
    const from = min - rangeMs;
    const innerStart = Math.floor(from / stepMs) * stepMs + stepMs;
    const inner = new Grid(innerStart, max, stepMs);
    const v = await this.eval(sq.expr, inner);
    if (v.kind !== 'vector') throw new EvaluationError('subquery is only allowed on instant vector');
    const series: RangeSeries[] = [];
    const vec = v.vec;
    for (let i = 0; i < vec.length; i++) {
      const present = vec.present[i]!;
      let n = 0;
      for (let k = 0; k < inner.steps; k++) n += present[k]!;
      if (n === 0) continue;
      const ts = new Float64Array(n);
      const vals = new Float64Array(n);
      let j = 0;
      for (let k = 0; k < inner.steps; k++) {
        if (!present[k]) continue;
        ts[j] = inner.times[k]!;
        vals[j++] = vec.values[i]![k]!;
      }
      const labels = vec.dropName[i] ? dropMetadata(vec.labels[i]!) : vec.labels[i]!;
      series.push({ labels, timestamps: ts, values: vals, length: n });
    }
    return { series, rangeMs, refs };
  }

  /** A subquery evaluated as a value (instant queries only). */
  async subqueryAt(sq: SubqueryExpr, g: Grid): Promise<RangeSeries[]> {
    if (g.steps !== 1) throw new EvaluationError('cannot do range evaluation of subquery');
    const { series, rangeMs, refs } = await this.subquerySeries(sq, g);
    return this.#windowAt(series, refs[0]! - rangeMs, refs[0]!);
  }

  /** The range-vector argument of a call, as series plus window geometry. */
  async rangeArgument(
    arg: Expr,
    g: Grid,
    beforeMs = 0,
    afterMs = 0,
    startTimestamps = false,
  ): Promise<{
    series: RangeSource[];
    rangeMs: number;
    refs: Float64Array;
    selector: VectorSelector | undefined;
  }> {
    let e = arg;
    while (e.kind === 'ParenExpr') e = e.expr;
    if (e.kind === 'MatrixSelector') {
      const { sources, rangeMs, refs } = await this.matrixSources(e, g, beforeMs, afterMs, startTimestamps);
      return { series: sources, rangeMs, refs, selector: e.vectorSelector };
    }
    if (e.kind === 'SubqueryExpr') {
      const { series, rangeMs, refs } = await this.subquerySeries(e, g);
      return {
        series: series.map((s) => ({ labels: s.labels, load: () => s })),
        rangeMs,
        refs,
        selector: undefined,
      };
    }
    throw new EvaluationError(`expected range vector, got ${e.kind}`);
  }
}
