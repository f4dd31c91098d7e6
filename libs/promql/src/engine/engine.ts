import { Labels } from '@argus/model';
import type { Queryable } from '@argus/storage';
import type { Expr } from '../parser/ast.ts';
import { exprType } from '../parser/ast.ts';
import { ParseError } from '../parser/errors.ts';
import type { ParserOptions } from '../parser/options.ts';
import { parseExpr } from '../parser/parse.ts';
import { evalAggregate } from './aggregate.ts';
import { evalBinary } from './binary.ts';
import { evalCall } from './call.ts';
import {
  BadQueryError,
  EvaluationError,
  QueryCanceledError,
  QueryError,
  QueryTimeoutError,
} from './errors.ts';
import { Evaluator } from './evaluator.ts';
import { mergeSameLabels } from './label-collisions.ts';
import { Grid } from './grid.ts';
import { dropMetadata } from './labels-util.ts';
import { QueryGate } from './query-gate.ts';
import { compareLabels } from './step-vector.ts';
import type { StepVector } from './step-vector.ts';

/** Engine settings, named after Prometheus's flags. */
export interface EngineOptions {
  /** `--query.lookback-delta`, default 5m. */
  lookbackDeltaMs?: number;
  /** `--query.max-samples`, default 50,000,000. */
  maxSamples?: number;
  /** `--query.timeout`, default 2m. */
  timeoutMs?: number;
  /** `--query.max-concurrency`, default 20. */
  maxConcurrency?: number;
  /** Step of subqueries written without one; upstream uses the global evaluation interval (default 1m). */
  defaultSubqueryStepMs?: number;
  /** `--enable-feature=promql-delayed-name-removal`. */
  delayedNameRemoval?: boolean;
  /**
   * `--enable-feature=use-start-timestamps`: `rate`, `increase`, `irate` and `resets` use
   * the samples' stored start times, and `start_timestamp()` returns them.
   */
  useStartTimestamps?: boolean;
  /** Parser features (`promql-experimental-functions`, …). */
  parser?: ParserOptions;
}

/** Per-query options. */
export interface QueryOptions {
  /** Aborts the query (client went away). */
  signal?: AbortSignal;
  /** Overrides the engine's lookback delta for this query. */
  lookbackDeltaMs?: number;
}

/** One series of a vector result. */
export interface VectorSample {
  labels: Labels;
  t: number;
  v: number;
}

/** One series of a matrix result; `timestamps` (ms) and `values` are parallel. */
export interface MatrixSeries {
  labels: Labels;
  timestamps: Float64Array;
  values: Float64Array;
}

/** A query result value, by type. */
export type QueryValue =
  | { resultType: 'scalar'; t: number; v: number }
  | { resultType: 'string'; t: number; v: string }
  | { resultType: 'vector'; samples: VectorSample[] }
  | { resultType: 'matrix'; series: MatrixSeries[] };

/** Statistics in the shape of the upstream API's `stats` (times in seconds). */
export interface QueryStats {
  timings: {
    evalTotalTime: number;
    resultSortTime: number;
    queryPreparationTime: number;
    innerEvalTime: number;
    execQueueTime: number;
    execTotalTime: number;
  };
  samples: { totalQueryableSamples: number; peakSamples: number };
}

/** What a query returns: value, annotations rendered as upstream, and stats. */
export interface QueryResult {
  value: QueryValue;
  warnings: string[];
  infos: string[];
  stats: QueryStats;
}

const DEFAULTS = {
  lookbackDeltaMs: 5 * 60_000,
  maxSamples: 50_000_000,
  timeoutMs: 120_000,
  maxConcurrency: 20,
  defaultSubqueryStepMs: 60_000,
};

/**
 * The PromQL engine: parses, evaluates over a storage {@link Queryable} and returns
 * results as the Prometheus API does. At most `maxConcurrency` queries run at once, the
 * rest wait in order. Errors are {@link QueryError}s carrying the API error type.
 */
export class Engine {
  readonly #opts: Required<Omit<EngineOptions, 'parser'>> & { parser: ParserOptions };
  readonly #gate: QueryGate;

  constructor(options: EngineOptions = {}) {
    this.#opts = {
      lookbackDeltaMs: options.lookbackDeltaMs || DEFAULTS.lookbackDeltaMs,
      maxSamples: options.maxSamples ?? DEFAULTS.maxSamples,
      timeoutMs: options.timeoutMs ?? DEFAULTS.timeoutMs,
      maxConcurrency: options.maxConcurrency ?? DEFAULTS.maxConcurrency,
      defaultSubqueryStepMs: options.defaultSubqueryStepMs ?? DEFAULTS.defaultSubqueryStepMs,
      delayedNameRemoval: options.delayedNameRemoval ?? false,
      useStartTimestamps: options.useStartTimestamps ?? false,
      parser: options.parser ?? {},
    };
    this.#gate = new QueryGate(this.#opts.maxConcurrency);
  }

  /** Parses with the engine's parser features; throws {@link BadQueryError} with upstream's parse message. */
  parse(query: string): Expr {
    try {
      return parseExpr(query, this.#opts.parser);
    } catch (err) {
      if (err instanceof ParseError) throw new BadQueryError(err.message, { cause: err });
      throw err;
    }
  }

  /** Evaluates `query` at `timeMs`. */
  async instantQuery(
    queryable: Queryable,
    query: string,
    timeMs: number,
    options: QueryOptions = {},
  ): Promise<QueryResult> {
    const expr = this.parse(query);
    return this.#run(queryable, query, expr, timeMs, timeMs, 0, false, options);
  }

  /** Evaluates `query` at every step from `startMs` to `endMs` (inclusive); the result is always a matrix. */
  async rangeQuery(
    queryable: Queryable,
    query: string,
    startMs: number,
    endMs: number,
    stepMs: number,
    options: QueryOptions = {},
  ): Promise<QueryResult> {
    if (endMs < startMs) throw new BadQueryError('end timestamp must not be before start time');
    if (!(stepMs > 0))
      throw new BadQueryError(
        'zero or negative query resolution step widths are not accepted. Try a positive integer',
      );
    const expr = this.parse(query);
    const type = exprType(expr);
    if (type !== 'scalar' && type !== 'vector') {
      throw new BadQueryError(
        `invalid expression type "${type === 'matrix' ? 'range vector' : type}" for range query, must be Scalar or instant Vector`,
      );
    }
    return this.#run(queryable, query, expr, startMs, endMs, stepMs, true, options);
  }

  async #run(
    queryable: Queryable,
    query: string,
    expr: Expr,
    startMs: number,
    endMs: number,
    stepMs: number,
    isRange: boolean,
    options: QueryOptions,
  ): Promise<QueryResult> {
    const t0 = performance.now();
    const timeout = new AbortController();
    const timer = setTimeout(() => timeout.abort(new QueryTimeoutError()), this.#opts.timeoutMs);
    const signal = options.signal ? AbortSignal.any([options.signal, timeout.signal]) : timeout.signal;
    const release = await this.#gate.enter(signal).catch((err: unknown) => {
      clearTimeout(timer);
      throw signal.reason instanceof QueryTimeoutError
        ? new QueryTimeoutError('query queue')
        : err instanceof QueryError
          ? err
          : new QueryCanceledError('query queue');
    });
    const t1 = performance.now();
    const ev = new Evaluator(
      queryable,
      {
        lookbackDeltaMs: options.lookbackDeltaMs || this.#opts.lookbackDeltaMs,
        maxSamples: this.#opts.maxSamples,
        defaultSubqueryStepMs: this.#opts.defaultSubqueryStepMs,
        delayedNameRemoval: this.#opts.delayedNameRemoval,
        useStartTimestamps: this.#opts.useStartTimestamps,
        queryStartMs: startMs,
        queryEndMs: endMs,
        queryStepMs: stepMs,
        isRangeQuery: isRange,
        signal,
        deadlineMs: Date.now() + this.#opts.timeoutMs,
      },
      { call: evalCall, aggregate: evalAggregate, binary: evalBinary },
    );
    try {
      const grid = new Grid(startMs, endMs, isRange ? stepMs : 1);
      const t2 = performance.now();
      const v = await ev.eval(expr, grid);
      const t3 = performance.now();
      let value: QueryValue;
      if (v.kind === 'scalar') {
        value = isRange
          ? {
              resultType: 'matrix',
              series: [{ labels: Labels.EMPTY, timestamps: grid.times, values: v.values }],
            }
          : { resultType: 'scalar', t: startMs, v: v.values[0]! };
      } else if (v.kind === 'string') {
        value = { resultType: 'string', t: startMs, v: v.value };
      } else if (v.kind === 'matrix') {
        const series = v.series.map((s) => ({
          labels: s.labels,
          timestamps: s.timestamps,
          values: s.values,
        }));
        series.sort((a, b) => compareLabels(a.labels, b.labels));
        value = { resultType: 'matrix', series };
      } else {
        const vec = this.#cleanup(v.vec, isRange);
        if (isRange) {
          const series: MatrixSeries[] = [];
          for (let i = 0; i < vec.length; i++) {
            const p = vec.present[i]!;
            let n = 0;
            for (let k = 0; k < grid.steps; k++) n += p[k]!;
            if (n === 0) continue;
            const ts = new Float64Array(n);
            const vs = new Float64Array(n);
            let j = 0;
            for (let k = 0; k < grid.steps; k++) {
              if (!p[k]) continue;
              ts[j] = grid.times[k]!;
              vs[j++] = vec.values[i]![k]!;
            }
            series.push({ labels: vec.labels[i]!, timestamps: ts, values: vs });
          }
          series.sort((a, b) => compareLabels(a.labels, b.labels));
          value = { resultType: 'matrix', series };
        } else {
          const samples: VectorSample[] = [];
          for (let i = 0; i < vec.length; i++) {
            if (vec.present[i]![0])
              samples.push({ labels: vec.labels[i]!, t: startMs, v: vec.values[i]![0]! });
          }
          value = { resultType: 'vector', samples };
        }
      }
      const t4 = performance.now();
      const { warnings, infos } = ev.annotations.render(query);
      const s = (ms: number) => ms / 1000;
      return {
        value,
        warnings,
        infos,
        stats: {
          timings: {
            evalTotalTime: s(t4 - t1),
            resultSortTime: s(t4 - t3),
            queryPreparationTime: s(t2 - t1),
            innerEvalTime: s(t3 - t2),
            execQueueTime: s(t1 - t0),
            execTotalTime: s(t4 - t0),
          },
          samples: { ...ev.stats },
        },
      };
    } catch (err) {
      if (err instanceof QueryError) throw err;
      throw new EvaluationError(err instanceof Error ? err.message : String(err), { cause: err });
    } finally {
      clearTimeout(timer);
      release();
      await ev.close();
    }
  }

  /** End of delayed name removal: drop `__name__` where marked, then reject or merge duplicates. */
  #cleanup(vec: StepVector, isRange: boolean): StepVector {
    let changed = false;
    for (let i = 0; i < vec.length; i++) {
      if (vec.dropName[i]) {
        const l = dropMetadata(vec.labels[i]!);
        if (l !== vec.labels[i]) {
          vec.labels[i] = l;
          changed = true;
        }
      }
    }
    if (!changed && this.#opts.delayedNameRemoval === false) return isRange ? vec : checkUnique(vec);
    return isRange ? mergeSameLabels(vec) : checkUnique(vec);
  }
}

function checkUnique(vec: StepVector): StepVector {
  const seen = new Map<number, number[]>();
  for (let i = 0; i < vec.length; i++) {
    if (!vec.present[i]![0]) continue;
    const h = vec.labels[i]!.hash();
    const list = seen.get(h);
    if (list?.some((j) => vec.labels[j]!.equals(vec.labels[i]!))) {
      throw new EvaluationError('vector cannot contain metrics with the same labelset');
    }
    if (list) list.push(i);
    else seen.set(h, [i]);
  }
  return vec;
}
