/** Error types of the Prometheus HTTP API, as its `errorType` field spells them. */
export type ApiErrorType =
  'bad_data' | 'execution' | 'timeout' | 'canceled' | 'internal' | 'unavailable' | 'not_found';

const statusByType: Record<ApiErrorType, number> = {
  bad_data: 400,
  execution: 422,
  canceled: 499,
  timeout: 503,
  unavailable: 503,
  internal: 500,
  not_found: 404,
};

/** An API failure answered as `{status:"error", errorType, error}` with the upstream HTTP status. */
export class ApiError extends Error {
  readonly status: number;

  constructor(
    readonly errorType: ApiErrorType,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'ApiError';
    this.status = statusByType[errorType];
  }

  /** Upstream's wording for a parameter that does not parse: `invalid parameter "time": …`. */
  static invalidParam(name: string, cause: unknown): ApiError {
    const detail = cause instanceof Error ? cause.message : String(cause);
    return new ApiError('bad_data', `invalid parameter ${JSON.stringify(name)}: ${detail}`, { cause });
  }

  toJSON(): Record<string, unknown> {
    return { status: 'error', errorType: this.errorType, error: this.message };
  }
}
