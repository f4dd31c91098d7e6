import { parseDuration } from '@argus/model';
import { sprintf } from './fmt.ts';
import type { FuncMap } from './func-spec.ts';
import { compileGoRegexp, goRegexpMatch, goReplaceAll } from './go-regexp.ts';
import { goStringsTitle, goToLower, goToUpper } from './go-strings.ts';
import { GoDuration, GoTime } from './go-time.ts';
import { GoFloat, GoTypedString, float64, kindOf, toNumber, typeName } from './value.ts';
import { parseGoFloat } from './go-literals.ts';

/** Prometheus's `convertToFloat`: float64, int, numeric string or `time.Duration` (seconds). */
export function convertToFloat(v: unknown): number {
  if (v instanceof GoDuration) return v.Seconds();
  if (v instanceof GoFloat) return v.value;
  switch (kindOf(v)) {
    case 'int':
    case 'float':
      return toNumber(v);
    case 'string': {
      const s = String(v);
      const f = parseGoFloat(s);
      if (f === undefined)
        throw new Error(`strconv.ParseFloat: parsing ${JSON.stringify(s)}: invalid syntax`);
      return f;
    }
    default:
      throw new Error(`can't convert ${typeName(v)} to float`);
  }
}

const g4 = (v: number, suffix = ''): string => sprintf(`%.4g${suffix.replaceAll('%', '%%')}`, [float64(v)]);

/** `humanize`: SI prefixes (k, M, G… and m, u, n…), 4 significant digits. */
export function humanize(i: unknown): string {
  let v = convertToFloat(i);
  if (v === 0 || !Number.isFinite(v)) return g4(v);
  if (Math.abs(v) >= 1) {
    let prefix = '';
    for (const p of ['k', 'M', 'G', 'T', 'P', 'E', 'Z', 'Y']) {
      if (Math.abs(v) < 1000) break;
      prefix = p;
      v /= 1000;
    }
    return g4(v, prefix);
  }
  let prefix = '';
  for (const p of ['m', 'u', 'n', 'p', 'f', 'a', 'z', 'y']) {
    if (Math.abs(v) >= 1) break;
    prefix = p;
    v *= 1000;
  }
  return g4(v, prefix);
}

/** `humanize1024`: binary prefixes (ki, Mi, …). */
export function humanize1024(i: unknown): string {
  let v = convertToFloat(i);
  if (Math.abs(v) <= 1 || !Number.isFinite(v)) return g4(v);
  let prefix = '';
  for (const p of ['ki', 'Mi', 'Gi', 'Ti', 'Pi', 'Ei', 'Zi', 'Yi']) {
    if (Math.abs(v) < 1024) break;
    prefix = p;
    v /= 1024;
  }
  return g4(v, prefix);
}

/** `humanizeDuration`: seconds as `1d 2h 3m 4s`, `1.5s` or `150ms`. */
export function humanizeDuration(i: unknown): string {
  let v = convertToFloat(i);
  if (!Number.isFinite(v)) return g4(v);
  if (v === 0) return g4(v, 's');
  if (Math.abs(v) >= 1) {
    let sign = '';
    if (v < 0) {
      sign = '-';
      v = -v;
    }
    const duration = Math.trunc(v);
    const seconds = duration % 60;
    const minutes = Math.trunc(duration / 60) % 60;
    const hours = Math.trunc(duration / 3600) % 24;
    const days = Math.trunc(duration / 86400);
    if (days !== 0) return `${sign}${days}d ${hours}h ${minutes}m ${seconds}s`;
    if (hours !== 0) return `${sign}${hours}h ${minutes}m ${seconds}s`;
    if (minutes !== 0) return `${sign}${minutes}m ${seconds}s`;
    return sign + g4(v, 's');
  }
  let prefix = '';
  for (const p of ['m', 'u', 'n', 'p', 'f', 'a', 'z', 'y']) {
    if (Math.abs(v) >= 1) break;
    prefix = p;
    v *= 1000;
  }
  return g4(v, `${prefix}s`);
}

/** `humanizePercentage`: a ratio as a percentage, 4 significant digits. */
export function humanizePercentage(i: unknown): string {
  return g4(convertToFloat(i) * 100, '%');
}

/** `humanizeTimestamp`: Unix seconds as a UTC time with millisecond precision. */
export function humanizeTimestamp(i: unknown): string {
  const v = convertToFloat(i);
  if (!Number.isFinite(v)) return g4(v);
  const ms = Math.trunc((v * 1e9) / 1e6);
  const s = Math.floor(ms / 1000);
  return new GoTime(s, (ms - s * 1000) * 1_000_000).String();
}

function splitHostPort(hostPort: string): [string, string] | undefined {
  const m = /^\[([^\]]*)\]:(\d*)$/.exec(hostPort) ?? /^([^:]*):(\d*)$/.exec(hostPort);
  return m ? [m[1]!, m[2]!] : undefined;
}

const isIP = (host: string): boolean => /^\d{1,3}(\.\d{1,3}){3}$/.test(host) || host.includes(':');

/** Options for {@link prometheusFuncs}: the values behind `externalURL` and `pathPrefix`. */
export interface PrometheusFuncOptions {
  readonly externalURL?: string;
}

/**
 * The query-free functions of Prometheus's alerting and console templates:
 * `humanize`, `humanize1024`, `humanizeDuration`, `humanizePercentage`,
 * `humanizeTimestamp`, `title`, `toUpper`, `toLower`, `match`, `reReplaceAll`,
 * `safeHtml`, `args`, `stripPort`, `stripDomain`, `parseDuration`, `externalURL`,
 * `pathPrefix`. Query functions (`query`, `first`, `label`, `value`, `sortByLabel`…)
 * belong to the rule evaluator, which adds them with {@link Template.funcs}.
 */
export function prometheusFuncs(options: PrometheusFuncOptions = {}): FuncMap {
  const external = options.externalURL ?? '';
  return {
    humanize: { fn: humanize, params: ['any'] },
    humanize1024: { fn: humanize1024, params: ['any'] },
    humanizeDuration: { fn: humanizeDuration, params: ['any'] },
    humanizePercentage: { fn: humanizePercentage, params: ['any'] },
    humanizeTimestamp: { fn: humanizeTimestamp, params: ['any'] },
    title: { fn: goStringsTitle, params: ['string'] },
    toUpper: { fn: goToUpper, params: ['string'] },
    toLower: { fn: goToLower, params: ['string'] },
    match: { fn: (p: string, s: string) => goRegexpMatch(p, s), params: ['string', 'string'] },
    reReplaceAll: {
      fn: (pattern: string, repl: string, text: string) => goReplaceAll(compileGoRegexp(pattern), text, repl),
      params: ['string', 'string', 'string'],
    },
    safeHtml: { fn: (s: string) => new GoTypedString('template.HTML', s), params: ['string'] },
    args: {
      fn: (...a: unknown[]) => Object.fromEntries(a.map((x, i) => [`arg${i}`, x])),
      params: [],
      variadic: 'any',
    },
    stripPort: {
      fn: (hostPort: string) => splitHostPort(hostPort)?.[0] ?? hostPort,
      params: ['string'],
    },
    stripDomain: {
      fn: (hostPort: string) => {
        const split = splitHostPort(hostPort);
        const host = split ? split[0] : hostPort;
        const port = split ? split[1] : '';
        if (isIP(host)) return hostPort;
        const short = host.split('.')[0]!;
        return port ? `${short.includes(':') ? `[${short}]` : short}:${port}` : short;
      },
      params: ['string'],
    },
    parseDuration: { fn: (d: string) => float64(parseDuration(d) / 1000), params: ['string'] },
    externalURL: { fn: () => external, params: [] },
    pathPrefix: {
      fn: () => {
        try {
          return new URL(external).pathname.replace(/\/$/, '');
        } catch {
          return '';
        }
      },
      params: [],
    },
  };
}
