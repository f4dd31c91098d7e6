import type { Engine } from '@argus/promql';
import {
  BadQueryError,
  ParseError,
  QueryError,
  encodeSuccessText,
  parseQueryJson,
  prettify,
  type Expr,
} from '@argus/promql';
import type { Queryable } from '@argus/storage';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ApiError } from './api-error.ts';
import { Params } from './params.ts';

/** Upstream's cap on points per series of a range query. */
const MAX_POINTS_PER_SERIES = 11_000;

export interface QueryApiOptions {
  readonly engine: Engine;
  readonly queryable: Queryable;
  /** Clock in ms, for queries without `time`. */
  readonly now?: () => number;
}

/** Translates engine failures to API errors with upstream wording. */
export function toApiError(err: unknown): ApiError {
  if (err instanceof ApiError) return err;
  if (err instanceof BadQueryError && err.cause instanceof ParseError)
    return ApiError.invalidParam('query', err.cause);
  if (err instanceof ParseError) return ApiError.invalidParam('query', err);
  if (err instanceof QueryError) return new ApiError(err.errorType, err.message, { cause: err });
  return new ApiError('internal', err instanceof Error ? err.message : String(err), { cause: err });
}

function abortOnClose(request: FastifyRequest, timeoutMs: number | undefined): AbortSignal {
  const controller = new AbortController();
  request.raw.on('close', () => {
    if (!request.raw.complete || request.raw.destroyed) controller.abort();
  });
  request.socket.on('close', () => controller.abort());
  return timeoutMs === undefined
    ? controller.signal
    : AbortSignal.any([controller.signal, AbortSignal.timeout(timeoutMs)]);
}

/** `/api/v1/query`, `/query_range`, `/format_query`, `/parse_query`, `/query_exemplars`; GET and POST. */
export function registerQueryApi(app: FastifyInstance, options: QueryApiOptions): void {
  const { engine, queryable } = options;
  const now = options.now ?? Date.now;

  const both = (
    path: string,
    handler: (params: Params, request: FastifyRequest, reply: FastifyReply) => Promise<unknown>,
  ) => {
    for (const method of ['GET', 'POST'] as const) {
      app.route({
        method,
        url: path,
        handler: async (request, reply) => {
          try {
            return await handler(new Params(request), request, reply);
          } catch (err) {
            const apiError = toApiError(err);
            return reply.code(apiError.status).send(apiError.toJSON());
          }
        },
      });
    }
  };

  both('/api/v1/query', async (params, request, reply) => {
    const query = params.get('query') ?? '';
    const timeMs = params.time('time', now());
    const timeoutMs = params.duration('timeout');
    const lookbackDeltaMs = params.duration('lookback_delta');
    const limit = params.get('limit');
    const limitN = limit === undefined ? 0 : parseLimit(limit);
    const result = await engine.instantQuery(queryable, query, timeMs, {
      signal: abortOnClose(request, timeoutMs),
      lookbackDeltaMs,
    });
    applyLimit(result.value, limitN, result.warnings);
    return sendJson(reply, encodeSuccessText(result, params.get('stats') !== undefined));
  });

  both('/api/v1/query_range', async (params, request, reply) => {
    const query = params.get('query') ?? '';
    const startMs = params.time('start', NaN, 'required');
    const endMs = params.time('end', NaN, 'required');
    if (Number.isNaN(startMs))
      throw ApiError.invalidParam('start', new Error('cannot parse "" to a valid timestamp'));
    if (Number.isNaN(endMs))
      throw ApiError.invalidParam('end', new Error('cannot parse "" to a valid timestamp'));
    if (endMs < startMs)
      throw ApiError.invalidParam('end', new Error('end timestamp must not be before start time'));
    const stepMs = params.duration('step');
    if (stepMs === undefined)
      throw ApiError.invalidParam('step', new Error('cannot parse "" to a valid duration'));
    if (stepMs <= 0) {
      throw new ApiError(
        'bad_data',
        'zero or negative query resolution step widths are not accepted. Try a positive integer',
      );
    }
    if ((endMs - startMs) / stepMs > MAX_POINTS_PER_SERIES) {
      throw new ApiError(
        'bad_data',
        'exceeded maximum resolution of 11,000 points per timeseries. Try decreasing the query resolution (?step=XX)',
      );
    }
    const timeoutMs = params.duration('timeout');
    const limit = params.get('limit');
    const limitN = limit === undefined ? 0 : parseLimit(limit);
    const result = await engine.rangeQuery(queryable, query, startMs, endMs, stepMs, {
      signal: abortOnClose(request, timeoutMs),
      lookbackDeltaMs: params.duration('lookback_delta'),
    });
    applyLimit(result.value, limitN, result.warnings);
    return sendJson(reply, encodeSuccessText(result, params.get('stats') !== undefined));
  });

  // The engine's parser, so the enabled `--enable-feature` syntax parses here too, as upstream.
  const parseQueryParam = (query: string): Expr => {
    try {
      return engine.parse(query);
    } catch (err) {
      throw ApiError.invalidParam('query', err instanceof BadQueryError && err.cause ? err.cause : err);
    }
  };

  both('/api/v1/format_query', async (params) => {
    const expr = parseQueryParam(params.get('query') ?? '');
    return { status: 'success', data: prettify(expr) };
  });

  both('/api/v1/parse_query', async (params) => {
    const expr = parseQueryParam(params.get('query') ?? '');
    return { status: 'success', data: parseQueryJson(expr) };
  });

  both('/api/v1/query_exemplars', async (params) => {
    parseQueryParam(params.get('query') ?? '');
    params.time('start', 0);
    params.time('end', 0);
    return { status: 'success', data: [] };
  });
}

/** Sends already encoded JSON text (large results skip building a JSON object tree). */
function sendJson(reply: FastifyReply, text: string): FastifyReply {
  return reply.type('application/json').send(text);
}

function parseLimit(text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0)
    throw ApiError.invalidParam('limit', new Error('limit must be a non-negative integer'));
  return n;
}

function applyLimit(value: { resultType: string }, limit: number, warnings: string[]): void {
  if (limit === 0) return;
  const v = value as { resultType: string; samples?: unknown[]; series?: unknown[] };
  const list = v.resultType === 'vector' ? v.samples : v.resultType === 'matrix' ? v.series : undefined;
  if (list && list.length > limit) {
    list.length = limit;
    warnings.push(`results truncated due to limit`);
  }
}
