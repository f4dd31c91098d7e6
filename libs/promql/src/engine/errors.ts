/**
 * The error types of the Prometheus query API (`errorType` in its JSON). `bad_data` for
 * queries that do not parse or carry invalid parameters, `execution` for failures while
 * evaluating, `timeout`/`canceled` for aborted queries, `internal` for bugs.
 */
export type QueryErrorType = 'bad_data' | 'execution' | 'timeout' | 'canceled' | 'internal' | 'unavailable';

/** Base of every error the engine raises; `errorType` says how the API reports it. */
export class QueryError extends Error {
  constructor(
    readonly errorType: QueryErrorType,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = new.target.name;
  }

  get code(): string {
    return `promql_${this.errorType}`;
  }
}

/** An evaluation failure with upstream's wording, e.g. "vector cannot contain metrics with the same labelset". */
export class EvaluationError extends QueryError {
  constructor(message: string, options?: ErrorOptions) {
    super('execution', message, options);
  }
}

/** The query would hold more samples than `maxSamples` at once. */
export class TooManySamplesError extends QueryError {
  constructor(env = 'query execution') {
    super('execution', `query processing would load too many samples into memory in ${env}`);
  }
}

/** The query ran longer than the engine's timeout. */
export class QueryTimeoutError extends QueryError {
  constructor(env = 'query execution') {
    super('timeout', `query timed out in ${env}`);
  }
}

/** The caller aborted the query (client went away, explicit cancel). */
export class QueryCanceledError extends QueryError {
  constructor(env = 'query execution') {
    super('canceled', `query was canceled in ${env}`);
  }
}

/** A query that does not parse or has invalid parameters (range, step). */
export class BadQueryError extends QueryError {
  constructor(message: string, options?: ErrorOptions) {
    super('bad_data', message, options);
  }
}
