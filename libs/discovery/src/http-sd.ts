import { STATUS_CODES } from 'node:http';
import { request } from 'undici';
import type { LabelSet, TargetGroup } from './target-group.ts';

/** What HTTP SD needs of a response. */
export interface HttpSdResponse {
  readonly statusCode: number;
  readonly contentType: string | undefined;
  readonly body: string;
}

/**
 * One GET with these headers; the caller's HTTP client brings `tls_config`, `proxy_url`,
 * redirects and auth (the scraper passes its per-config client).
 */
export type HttpSdGet = (
  url: string,
  headers: Record<string, string>,
  signal: AbortSignal,
) => Promise<HttpSdResponse>;

/** A plain undici GET (no TLS or proxy settings), for callers without an HTTP client of their own. */
export const undiciHttpSdGet: HttpSdGet = async (url, headers, signal) => {
  const res = await request(url, { method: 'GET', headers, signal });
  const contentType = res.headers['content-type'];
  return {
    statusCode: res.statusCode,
    contentType: typeof contentType === 'string' ? contentType : undefined,
    body: await res.body.text(),
  };
};

export interface HttpSdOptions {
  readonly url: string;
  /** `refresh_interval` (upstream default 60 s); also sent as `X-Prometheus-Refresh-Interval-Seconds`. */
  readonly refreshIntervalMs: number;
  /** The whole current list of groups, after every successful refresh. */
  readonly onGroups: (groups: TargetGroup[]) => void;
  readonly onError?: (message: string) => void;
  readonly get?: HttpSdGet;
  readonly headers?: Readonly<Record<string, string>>;
  readonly userAgent?: string;
}

/** Upstream's check of an HTTP SD `url`: http(s) with a host. */
export function httpSdConfigError(url: string): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return `invalid URL ${JSON.stringify(url)}`;
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')
    return "URL scheme must be 'http' or 'https'";
  if (parsed.host === '') return 'host is missing in URL';
  return undefined;
}

const JSON_CONTENT_TYPE = /^application\/json(;.*)?$/i;

/**
 * HTTP service discovery as upstream: every `refresh_interval` a GET of `url` with
 * `Accept: application/json` and `X-Prometheus-Refresh-Interval-Seconds`; the answer must
 * be 200 with content type `application/json` and a JSON list of `{targets, labels}`.
 * Each group gets source `<url>:<index>` and the `__meta_url` label. A failed refresh
 * (status, content type, bad JSON, network) is reported and the last good groups stay.
 */
export class HttpSd {
  readonly #o: HttpSdOptions;
  #timer: NodeJS.Timeout | undefined;
  #inFlight: AbortController | undefined;
  #stopped = false;

  constructor(options: HttpSdOptions) {
    this.#o = options;
  }

  /** Refreshes once (reporting the groups, or the error), then every `refresh_interval`. */
  async start(): Promise<void> {
    await this.refresh();
    if (!this.#stopped)
      this.#timer = setInterval(() => void this.refresh(), this.#o.refreshIntervalMs).unref();
  }

  stop(): void {
    this.#stopped = true;
    clearInterval(this.#timer);
    this.#inFlight?.abort();
  }

  /** One refresh: reports the new groups, or the error (keeping the last groups). */
  async refresh(): Promise<void> {
    if (this.#inFlight) return; // a slow server: the running refresh will report
    const controller = new AbortController();
    this.#inFlight = controller;
    // As upstream, a refresh may take at most the refresh interval.
    const timer = setTimeout(() => controller.abort(), this.#o.refreshIntervalMs);
    try {
      const groups = await this.#fetch(controller.signal);
      if (!this.#stopped) this.#o.onGroups(groups);
    } catch (error) {
      if (!this.#stopped) {
        const message = controller.signal.aborted ? 'context deadline exceeded' : (error as Error).message;
        this.#o.onError?.(`error refreshing HTTP targets from ${redact(this.#o.url)}: ${message}`);
      }
    } finally {
      clearTimeout(timer);
      this.#inFlight = undefined;
    }
  }

  async #fetch(signal: AbortSignal): Promise<TargetGroup[]> {
    const headers: Record<string, string> = {
      ...this.#o.headers,
      accept: 'application/json',
      'user-agent': this.#o.userAgent ?? 'Argus/0.1.0',
      'x-prometheus-refresh-interval-seconds': String(this.#o.refreshIntervalMs / 1000),
    };
    const res = await (this.#o.get ?? undiciHttpSdGet)(this.#o.url, headers, signal);
    if (res.statusCode !== 200) {
      throw new Error(
        `server returned HTTP status ${res.statusCode} ${STATUS_CODES[res.statusCode] ?? ''}`.trimEnd(),
      );
    }
    if (!JSON_CONTENT_TYPE.test(res.contentType ?? '')) {
      throw new Error(`unsupported content type ${JSON.stringify(res.contentType ?? '')}`);
    }
    return parseHttpSdBody(res.body, this.#o.url);
  }
}

const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/** The groups of an HTTP SD answer; throws naming the first problem. */
export function parseHttpSdBody(body: string, url: string): TargetGroup[] {
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch (error) {
    throw new Error(`invalid JSON: ${(error as Error).message}`, { cause: error });
  }
  if (!Array.isArray(value)) throw new Error('expected a JSON list of target groups');
  return value.map((raw: unknown, i) => {
    if (raw === null || typeof raw !== 'object') throw new Error(`nil target group item found (index ${i})`);
    const g = raw as { targets?: unknown; labels?: unknown };
    if (g.targets !== undefined && g.targets !== null && !Array.isArray(g.targets))
      throw new Error(`group ${i}: targets must be a list of strings`);
    const targets = ((g.targets ?? []) as unknown[]).map((t) => {
      if (typeof t !== 'string') throw new Error(`group ${i}: targets must be a list of strings`);
      return { __address__: t };
    });
    const labels: LabelSet = {};
    if (g.labels !== undefined && g.labels !== null) {
      if (typeof g.labels !== 'object' || Array.isArray(g.labels))
        throw new Error(`group ${i}: labels must be an object`);
      for (const [k, v] of Object.entries(g.labels)) {
        if (!LABEL_NAME.test(k))
          throw new Error(`group ${i}: ${JSON.stringify(k)} is not a valid label name`);
        if (typeof v !== 'string') throw new Error(`group ${i}: label ${k} must have a string value`);
        labels[k] = v;
      }
    }
    labels.__meta_url = url;
    return { source: `${url}:${i}`, targets, labels };
  });
}

/** The URL without user info, for messages. */
function redact(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = 'xxxxx';
    return u.toString();
  } catch {
    return url;
  }
}
