import { GoTime, loadLocation } from './go-time.ts';
import { urlQueryUnescape } from './escape-funcs.ts';
import { goJsonMarshal } from './go-json.ts';
import { compileGoRegexp, goRegexpMatch, goReplaceAll } from './go-regexp.ts';
import { goTitle, goToLower, goToUpper, goTrimSpace } from './go-strings.ts';
import type { FuncMap } from './func-spec.ts';
import { humanizeDuration } from './prometheus-funcs.ts';
import { GO_TYPE, GoTypedString, NO_VALUE, typeName } from './value.ts';

const stringSlice = (items: string[]): string[] =>
  Object.defineProperty(items, GO_TYPE, { value: '[]string' });

/**
 * Alertmanager's template functions (`template.DefaultFuncs` of 0.34): `toUpper`,
 * `toLower`, `title`, `trimSpace`, `join` (separator first), `match`, `safeHtml`,
 * `safeUrl`, `urlUnescape`, `reReplaceAll`, `stringSlice`, `date`, `tz`, `since`,
 * `humanizeDuration`, `toJson`, `list`, `append`, `dict`, `base64encode`, `base64decode`.
 * `now` supplies the clock for `since` (tests pass a fixed one).
 */
export function alertmanagerFuncs(now: () => Date = () => new Date()): FuncMap {
  return {
    toUpper: { fn: goToUpper, params: ['string'] },
    toLower: { fn: goToLower, params: ['string'] },
    title: { fn: goTitle, params: ['string'] },
    trimSpace: { fn: goTrimSpace, params: ['string'] },
    join: { fn: (sep: string, s: string[] | null) => (s ?? []).join(sep), params: ['string', '[]string'] },
    match: { fn: (pattern: string, s: string) => goRegexpMatch(pattern, s), params: ['string', 'string'] },
    safeHtml: { fn: (s: string) => new GoTypedString('template.HTML', s), params: ['string'] },
    safeUrl: { fn: (s: string) => new GoTypedString('template.URL', s), params: ['string'] },
    urlUnescape: { fn: urlQueryUnescape, params: ['string'] },
    reReplaceAll: {
      fn: (pattern: string, repl: string, text: string) => {
        let re;
        try {
          re = compileGoRegexp(pattern);
        } catch (e) {
          throw new Error(`regexp: Compile(\`${pattern}\`): ${(e as Error).message}`, { cause: e });
        }
        return goReplaceAll(re, text, repl);
      },
      params: ['string', 'string', 'string'],
    },
    stringSlice: { fn: (...s: string[]) => stringSlice(s), params: [], variadic: 'string' },
    date: { fn: (layout: string, t: GoTime) => t.Format(layout), params: ['string', 'time.Time'] },
    tz: { fn: (name: string, t: GoTime) => t.In(loadLocation(name)), params: ['string', 'time.Time'] },
    since: {
      fn: (t: GoTime) => GoTime.fromDate(now()).Sub(t),
      params: ['time.Time'],
    },
    humanizeDuration: { fn: humanizeDuration, params: ['any'] },
    toJson: { fn: (v: unknown) => goJsonMarshal(v), params: ['any'] },
    list: { fn: (...items: unknown[]) => items, params: [], variadic: 'any' },
    append: {
      fn: (list: unknown, ...items: unknown[]) => {
        if (!Array.isArray(list)) throw new Error(`cannot append to non-list type ${typeName(list)}`);
        return [...(list as unknown[]), ...items];
      },
      params: ['any'],
      variadic: 'any',
    },
    dict: {
      fn: (...kv: unknown[]) => {
        if (kv.length % 2 !== 0) throw new Error('dict requires an even number of arguments');
        const out: Record<string, unknown> = {};
        for (let i = 0; i < kv.length; i += 2) {
          if (typeof kv[i] !== 'string') throw new Error(`dict keys must be strings, got ${typeName(kv[i])}`);
          out[kv[i] as string] = kv[i + 1] === NO_VALUE ? null : kv[i + 1];
        }
        return out;
      },
      params: [],
      variadic: 'any',
    },
    base64encode: { fn: (s: string) => Buffer.from(s, 'utf8').toString('base64'), params: ['string'] },
    base64decode: {
      fn: (s: string) => {
        if (!/^[A-Za-z0-9+/]*={0,2}$/.test(s) || s.length % 4 !== 0)
          throw new Error('illegal base64 data at input byte 0');
        return Buffer.from(s, 'base64').toString('utf8');
      },
      params: ['string'],
    },
  };
}
