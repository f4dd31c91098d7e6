import {
  MAX_TIMESTAMP_MS,
  MIN_TIMESTAMP_MS,
  parseDuration,
  parseTimestamp,
  type Matcher,
} from '@argus/model';
import { parseMetricSelector } from '@argus/promql';
import type { FastifyRequest } from 'fastify';
import { ApiError } from './api-error.ts';

/** The spellings of the smallest and largest time Prometheus clients send for "unbounded". */
const MIN_TIME_TEXT = '-292273086-05-16T16:47:06Z';
const MAX_TIME_TEXT = '292277025-08-18T07:12:54.999999999Z';

/**
 * Request parameters from the URL query and, for POST, from an
 * `application/x-www-form-urlencoded` body, as Go's `r.Form` merges them (body first).
 */
export class Params {
  readonly #values = new Map<string, string[]>();

  constructor(request: FastifyRequest) {
    const add = (source: unknown) => {
      if (!source || typeof source !== 'object') return;
      for (const [name, value] of Object.entries(source as Record<string, unknown>)) {
        const list = this.#values.get(name) ?? [];
        for (const v of Array.isArray(value) ? value : [value]) if (v !== undefined) list.push(String(v));
        this.#values.set(name, list);
      }
    };
    add(request.body);
    add(request.query);
  }

  /** The first value of `name`, or undefined when absent or empty. */
  get(name: string): string | undefined {
    const v = this.#values.get(name)?.[0];
    return v === '' ? undefined : v;
  }

  all(name: string): string[] {
    return this.#values.get(name) ?? [];
  }

  /**
   * A timestamp parameter in ms; `fallback` when absent. Upstream words the error of
   * optional time parameters (`time`, and `start`/`end` of metadata endpoints) with an
   * extra "Invalid time value for '<name>'" and those of `query_range` without it.
   */
  time(name: string, fallback: number, style: 'optional' | 'required' = 'optional'): number {
    const text = this.get(name);
    if (text === undefined) return fallback;
    if (text === MIN_TIME_TEXT) return MIN_TIMESTAMP_MS;
    if (text === MAX_TIME_TEXT) return MAX_TIMESTAMP_MS;
    try {
      return parseTimestamp(text);
    } catch (cause) {
      const detail = (cause as Error).message;
      throw ApiError.invalidParam(
        name,
        new Error(style === 'optional' ? `Invalid time value for '${name}': ${detail}` : detail),
      );
    }
  }

  /** A duration parameter in ms: float seconds (`15`, `0.5`) or a Prometheus duration (`1m`). */
  duration(name: string): number | undefined {
    const text = this.get(name);
    if (text === undefined) return undefined;
    const seconds = Number(text);
    if (text.trim() !== '' && Number.isFinite(seconds)) {
      const ms = Math.round(seconds * 1000);
      if (!Number.isSafeInteger(ms))
        throw ApiError.invalidParam(
          name,
          new Error(`cannot parse "${text}" to a valid duration. It overflows int64`),
        );
      return ms;
    }
    try {
      return parseDuration(text);
    } catch {
      throw ApiError.invalidParam(name, new Error(`cannot parse "${text}" to a valid duration`));
    }
  }

  /** `match[]` selectors as matcher lists; each must be a plain series selector. */
  matcherSets(name = 'match[]'): Matcher[][] {
    return this.all(name).map((text) => {
      const matchers = parseSelector(text, name);
      if (matchers.every((m) => m.matchesEmpty)) {
        throw new ApiError('bad_data', `${name} must contain at least one non-empty matcher`);
      }
      return matchers;
    });
  }
}

/** Parses a series selector (`up{job="x"}`) into its matchers, as upstream's ParseMetricSelector. */
export function parseSelector(text: string, paramName = 'match[]'): Matcher[] {
  try {
    return parseMetricSelector(text);
  } catch (cause) {
    throw ApiError.invalidParam(paramName, cause);
  }
}
