import { formatDuration } from '@argus/model';
import { ConfigError, DecodeContext, Secret, loadYamlFile, parseYaml } from '@argus/service-kit';
import type { ConfigProblem, YamlDocument, YamlPosition } from '@argus/service-kit';
import yaml from 'js-yaml';
import { AmMatcher, sortMatchers } from '../domain/am-matcher.ts';
import { parseMatchers } from '../domain/parse-matchers.ts';
import type { MatcherParseMode } from '../domain/parse-matchers.ts';
import { DEFAULT_ROUTE_OPTIONS, Route } from '../domain/route.ts';
import type { RouteOptions } from '../domain/route.ts';
import {
  checkLocation,
  parseClock,
  parseDayOfMonthRange,
  parseMonthRange,
  parseWeekdayRange,
  parseYearRange,
} from '../domain/time-interval.ts';
import type { TimeIntervalSpec } from '../domain/time-interval.ts';
import { AlertmanagerTemplates } from '@argus/gotemplate';
import { alertmanagerConfig } from './config-schema.ts';
import { loadTemplates } from './load-templates.ts';
import type {
  InhibitRuleConfig,
  LocatedString,
  RawConfig,
  RouteConfig,
  TimeIntervalConfig,
} from './config-schema.ts';
import { integrationProblems } from '../receivers/validate.ts';
import { INTEGRATION_FIELDS, isSet } from './receiver-schema.ts';
import type { IntegrationKind, ReceiverConfig } from './receiver-schema.ts';

/** A decoded inhibit rule. */
export interface InhibitRule {
  readonly name: string | undefined;
  readonly sourceMatchers: readonly AmMatcher[];
  readonly targetMatchers: readonly AmMatcher[];
  readonly equal: readonly string[];
}

/** A loaded, validated `alertmanager.yml`. */
export interface AlertmanagerConfig {
  readonly raw: RawConfig;
  readonly route: Route;
  readonly receivers: ReadonlyMap<string, ReceiverConfig>;
  readonly inhibitRules: readonly InhibitRule[];
  readonly timeIntervals: ReadonlyMap<string, readonly TimeIntervalSpec[]>;
  readonly resolveTimeoutMs: number;
  /** The config as YAML with every secret shown as `<secret>` (API `config.original`). */
  readonly original: string;
  /** The default templates plus the `templates:` files (only the defaults for `parseConfig`). */
  readonly templates: AlertmanagerTemplates;
}

const DEFAULT_RESOLVE_TIMEOUT_MS = 5 * 60_000;

let defaults: AlertmanagerTemplates | undefined;
function defaultTemplates(): AlertmanagerTemplates {
  defaults ??= AlertmanagerTemplates.create();
  return defaults;
}

/**
 * Reads, decodes and validates a config file and parses its templates; throws `ConfigError`
 * (`file:line:col: …`) or `TemplateLoadError`.
 */
export async function loadConfigFile(
  file: string,
  mode: MatcherParseMode = 'fallback',
): Promise<AlertmanagerConfig> {
  const config = buildConfig(await loadYamlFile(file), mode);
  return { ...config, templates: await loadTemplates(file, config.raw.templates ?? []) };
}

/** The same for text already in memory; `file` names it in errors. */
export function parseConfig(
  text: string,
  file = 'alertmanager.yml',
  mode: MatcherParseMode = 'fallback',
): AlertmanagerConfig {
  return buildConfig(parseYaml(text, file), mode);
}

function buildConfig(document: YamlDocument, mode: MatcherParseMode): AlertmanagerConfig {
  const ctx = new DecodeContext(document.file);
  const raw = alertmanagerConfig.decode(document.root, { line: 1, column: 1 }, ctx);
  throwIfProblems(ctx);
  const v = new Validator(ctx, mode);
  const config = v.build(raw ?? {}, document);
  throwIfProblems(ctx);
  return config!;
}

function throwIfProblems(ctx: DecodeContext): void {
  if (ctx.problems.length === 0) return;
  const sorted: ConfigProblem[] = [...ctx.problems].sort((a, b) => a.line - b.line || a.column - b.column);
  throw new ConfigError(sorted);
}

class Validator {
  constructor(
    readonly ctx: DecodeContext,
    readonly mode: MatcherParseMode,
  ) {}

  fail(at: YamlPosition, message: string): void {
    this.ctx.fail(at, message);
  }

  build(raw: RawConfig, document: YamlDocument): AlertmanagerConfig | undefined {
    const top = document.root ?? { line: 1, column: 1 };
    const receivers = this.receivers(raw.receivers ?? []);
    for (const rc of raw.receivers ?? [])
      for (const problem of integrationProblems(rc, raw.global ?? {})) this.fail(rc.at, problem);
    const timeIntervals = this.timeIntervals([
      ...(raw.mute_time_intervals ?? []),
      ...(raw.time_intervals ?? []),
    ]);
    const inhibitRules = (raw.inhibit_rules ?? []).map((r) => this.inhibitRule(r));
    this.secretPairs(raw.global ?? {}, (raw.global as { at?: YamlPosition } | undefined)?.at ?? top);
    for (const t of raw.templates ?? []) {
      const dir = t.split('/').slice(0, -1).join('/');
      if (/[*?[]/.test(dir))
        this.fail(
          top,
          `template path ${JSON.stringify(t)} is invalid: only the last path component may contain a wildcard`,
        );
    }
    if (raw.route === undefined) {
      this.fail(top, 'no routes provided');
      return undefined;
    }
    const r = raw.route;
    if (!r.receiver) this.fail(r.at, 'root route must specify a default receiver');
    if (
      (r.matchers?.length ?? 0) > 0 ||
      Object.keys(r.match ?? {}).length > 0 ||
      Object.keys(r.match_re ?? {}).length > 0
    ) {
      this.fail(r.at, 'root route must not have any matchers');
    }
    if (r.continue) this.fail(r.at, 'cannot have continue in root route');
    if ((r.mute_time_intervals?.length ?? 0) > 0)
      this.fail(r.at, 'root route must not have any mute time intervals');
    if ((r.active_time_intervals?.length ?? 0) > 0)
      this.fail(r.at, 'root route must not have any active time intervals');
    const route = this.route(r, undefined, DEFAULT_ROUTE_OPTIONS, receivers, timeIntervals);
    route.assignIndices();
    return {
      raw,
      route,
      receivers,
      inhibitRules,
      timeIntervals,
      resolveTimeoutMs: raw.global?.resolve_timeout ?? DEFAULT_RESOLVE_TIMEOUT_MS,
      original: formatOriginal(raw),
      templates: defaultTemplates(),
    };
  }

  receivers(list: readonly (ReceiverConfig & { at: YamlPosition })[]): Map<string, ReceiverConfig> {
    const out = new Map<string, ReceiverConfig>();
    for (const rc of list) {
      if (!rc.name) {
        this.fail(rc.at, 'missing name in receiver');
        continue;
      }
      if (out.has(rc.name))
        this.fail(rc.at, `notification config name ${JSON.stringify(rc.name)} is not unique`);
      out.set(rc.name, rc);
      for (const kind of Object.keys(INTEGRATION_FIELDS) as IntegrationKind[]) {
        for (const ic of rc[kind] ?? []) this.secretPairs(ic, rc.at);
      }
      for (const wh of rc.webhook_configs ?? []) {
        const hasUrl = isSet(wh['url']);
        const hasFile = isSet(wh['url_file']);
        if (!hasUrl && !hasFile) this.fail(rc.at, 'one of url or url_file must be configured');
        if (hasUrl) {
          const url = wh['url'] as string;
          if (!/^https?:\/\/[^/]/.test(url))
            this.fail(rc.at, `unsupported scheme "${url.split(':')[0] ?? ''}" for URL`);
        }
      }
    }
    return out;
  }

  /** `x` and `x_file` together are refused, as upstream does for every secret. */
  secretPairs(fields: object, at: YamlPosition): void {
    const record = fields as Record<string, unknown>;
    for (const key of Object.keys(record)) {
      if (!key.endsWith('_file')) continue;
      const base = key.slice(0, -'_file'.length);
      if (isSet(record[base]) && isSet(record[key]))
        this.fail(at, `at most one of ${base} & ${key} must be configured`);
    }
  }

  timeIntervals(list: readonly TimeIntervalConfig[]): Map<string, TimeIntervalSpec[]> {
    const out = new Map<string, TimeIntervalSpec[]>();
    for (const ti of list) {
      if (out.has(ti.name)) this.fail(ti.at, `time interval ${JSON.stringify(ti.name)} is not unique`);
      const specs: TimeIntervalSpec[] = [];
      for (const spec of ti.time_intervals ?? []) {
        const parse = <T>(
          items: readonly LocatedString[] | undefined,
          fn: (s: string) => T,
        ): T[] | undefined => {
          if (items === undefined) return undefined;
          const parsed: T[] = [];
          for (const item of items) {
            try {
              parsed.push(fn(item.text));
            } catch (error) {
              this.fail(item.at, (error as Error).message);
            }
          }
          return parsed;
        };
        const times = spec.times?.flatMap((t) => {
          try {
            const startMinute = parseClock(t.start_time);
            const endMinute = parseClock(t.end_time);
            if (endMinute <= startMinute)
              throw new Error('start time cannot be equal or greater than end time');
            return [{ startMinute, endMinute }];
          } catch (error) {
            this.fail(t.at, (error as Error).message);
            return [];
          }
        });
        let location = 'UTC';
        if (spec.location !== undefined) {
          try {
            checkLocation(spec.location.text);
            location = spec.location.text;
          } catch (error) {
            this.fail(spec.location.at, (error as Error).message);
          }
        }
        specs.push({
          times,
          weekdays: parse(spec.weekdays, parseWeekdayRange),
          daysOfMonth: parse(spec.days_of_month, parseDayOfMonthRange),
          months: parse(spec.months, parseMonthRange),
          years: parse(spec.years, parseYearRange),
          location,
        });
      }
      out.set(ti.name, specs);
    }
    return out;
  }

  matchers(
    match: Record<string, string> | undefined,
    matchRe: Record<string, string> | undefined,
    matchers: readonly LocatedString[] | undefined,
    at: YamlPosition,
  ): AmMatcher[] {
    const out: AmMatcher[] = [];
    for (const [name, value] of Object.entries(match ?? {})) out.push(new AmMatcher('=', name, value));
    for (const [name, value] of Object.entries(matchRe ?? {})) {
      try {
        out.push(new AmMatcher('=~', name, `^(?:${value})$`));
      } catch {
        this.fail(at, `invalid regular expression ${JSON.stringify(value)} in match_re`);
      }
    }
    for (const m of matchers ?? []) {
      try {
        out.push(...parseMatchers(m.text, this.mode));
      } catch (error) {
        this.fail(m.at, `${JSON.stringify(m.text)}: ${(error as Error).message}`);
      }
    }
    for (const name of [...Object.keys(match ?? {}), ...Object.keys(matchRe ?? {})]) {
      if (!/^[a-zA-Z_][a-zA-Z0-9_]*$/.test(name)) this.fail(at, `invalid label name ${JSON.stringify(name)}`);
    }
    return sortMatchers(out);
  }

  inhibitRule(r: InhibitRuleConfig): InhibitRule {
    return {
      name: r.name,
      sourceMatchers: this.matchers(r.source_match, r.source_match_re, r.source_matchers, r.at),
      targetMatchers: this.matchers(r.target_match, r.target_match_re, r.target_matchers, r.at),
      equal: r.equal ?? [],
    };
  }

  route(
    rc: RouteConfig,
    parent: Route | undefined,
    inherited: RouteOptions,
    receivers: ReadonlyMap<string, ReceiverConfig>,
    intervals: ReadonlyMap<string, unknown>,
  ): Route {
    if (rc.receiver && !receivers.has(rc.receiver)) {
      this.fail(rc.at, `undefined receiver ${JSON.stringify(rc.receiver)} used in route`);
    }
    for (const name of [...(rc.mute_time_intervals ?? []), ...(rc.active_time_intervals ?? [])]) {
      if (!intervals.has(name.text))
        this.fail(name.at, `undefined time interval ${JSON.stringify(name.text)} used in route`);
    }
    let groupBy = inherited.groupBy;
    let groupByAll = inherited.groupByAll;
    if (rc.group_by !== undefined) {
      const names = rc.group_by.map((g) => g.text);
      groupByAll = names.includes('...');
      if (groupByAll && names.length > 1) {
        this.fail(rc.at, 'cannot have wildcard group_by (`...`) and other other labels at the same time');
      }
      const seen = new Set<string>();
      for (const g of rc.group_by) {
        if (seen.has(g.text)) this.fail(g.at, `duplicated label ${JSON.stringify(g.text)} in group_by`);
        seen.add(g.text);
        if (g.text !== '...' && g.text.length === 0)
          this.fail(g.at, `invalid label name "" in group_by list`);
      }
      groupBy = groupByAll ? [] : [...seen].sort();
    }
    if (rc.group_interval === 0) this.fail(rc.at, 'group_interval cannot be zero');
    if (rc.repeat_interval === 0) this.fail(rc.at, 'repeat_interval cannot be zero');
    const options: RouteOptions = {
      receiver: rc.receiver || inherited.receiver,
      groupBy,
      groupByAll,
      groupWaitMs: rc.group_wait ?? inherited.groupWaitMs,
      groupIntervalMs: rc.group_interval ?? inherited.groupIntervalMs,
      repeatIntervalMs: rc.repeat_interval ?? inherited.repeatIntervalMs,
      muteTimeIntervals: (rc.mute_time_intervals ?? []).map((m) => m.text),
      activeTimeIntervals: (rc.active_time_intervals ?? []).map((m) => m.text),
      labels: { ...inherited.labels, ...rc.labels },
    };
    const route = new Route(
      parent,
      options,
      this.matchers(rc.match, rc.match_re, rc.matchers, rc.at),
      rc.continue ?? false,
    );
    for (const child of rc.routes ?? [])
      route.addChild(this.route(child, route, options, receivers, intervals));
    return route;
  }
}

/** The raw config as plain data: secrets `<secret>`, durations as text, positions dropped. */
function toPlain(value: unknown, key = ''): unknown {
  if (value instanceof Secret) return value.reveal() === '' ? '' : '<secret>';
  if (Array.isArray(value)) return value.map((v) => toPlain(v, key));
  if (value !== null && typeof value === 'object') {
    const record = value as Record<string, unknown>;
    if ('text' in record && 'at' in record && Object.keys(record).length === 2) return record['text'];
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(record)) {
      if (k === 'at' || v === undefined) continue;
      out[k] = toPlain(v, k);
    }
    return out;
  }
  if (typeof value === 'number' && DURATION_KEYS.has(key)) return formatDuration(value);
  return value;
}

const DURATION_KEYS = new Set([
  'resolve_timeout',
  'group_wait',
  'group_interval',
  'repeat_interval',
  'timeout',
  'retry',
  'expire',
  'ttl',
  'reopen_duration',
]);

function formatOriginal(raw: RawConfig): string {
  return yaml.dump(toPlain(raw), { lineWidth: -1, noRefs: true });
}
