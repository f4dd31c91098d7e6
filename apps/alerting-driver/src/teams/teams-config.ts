import { readFileSync } from 'node:fs';
import { Secret } from '@argus/service-kit';
import type { LogLevel } from '@argus/service-kit';
import { parseIni } from './ini-file.ts';
import type { IniSections } from './ini-file.ts';
import type { TeamsFlags } from './teams-flags.ts';

/** Fields `group_alerts_by` may name, as prom2teams's alert mapper has them. */
export const GROUPABLE_FIELDS = [
  'name',
  'description',
  'instance',
  'severity',
  'status',
  'summary',
  'fingerprint',
  'runbook_url',
] as const;
export type GroupableField = (typeof GROUPABLE_FIELDS)[number];

export const BUILTIN_TEMPLATES = ['messagecard', 'adaptivecard'] as const;
export type BuiltinTemplate = (typeof BUILTIN_TEMPLATES)[number];

export interface TeamsConfig {
  /** `[Microsoft Teams]`: connector name (lowercased, as configparser stores it) → webhook URL. */
  readonly connectors: ReadonlyMap<string, Secret>;
  readonly host: string;
  readonly port: number;
  readonly logLevel: LogLevel;
  readonly logFilePath: string | undefined;
  /** A user's Jinja2 template; when undefined the built-in one is used. */
  readonly templatePath: string | undefined;
  readonly builtinTemplate: BuiltinTemplate;
  readonly groupAlertsBy: GroupableField | undefined;
  readonly labelsExcluded: readonly string[];
  readonly annotationsExcluded: readonly string[];
  readonly connectTimeoutMs: number;
  readonly requestTimeoutMs: number;
  readonly retryEnable: boolean;
  readonly retryWaitMs: number;
  readonly maxPayloadBytes: number;
  readonly webConfigFile: string | undefined;
}

/** A configuration prom2teams would refuse, or one we refuse earlier than it would. */
export class TeamsConfigError extends Error {
  readonly code = 'teams_config';
}

export type Environment = Readonly<Record<string, string | undefined>>;

const LOG_LEVELS: Readonly<Record<string, LogLevel>> = {
  DEBUG: 'debug',
  INFO: 'info',
  WARN: 'warn',
  WARNING: 'warn',
  ERROR: 'error',
  CRITICAL: 'error',
  FATAL: 'error',
};

/**
 * Merges, later winning: built-in defaults, the INI file in `APP_CONFIG_FILE`, the one in
 * `--configpath`, the image's `PROM2TEAMS_*` variables, then the other flags (prom2teams's order;
 * its image writes those variables into the INI file it starts with).
 */
export function loadTeamsConfig(
  flags: TeamsFlags,
  env: Environment,
  readText: (path: string) => string = (p) => readFileSync(p, 'utf8'),
): TeamsConfig {
  const values = new Map<string, string>(); // `<Section>/<option>` → value
  const connectors = new Map<string, string>();
  const files = [env.APP_CONFIG_FILE, flags.configpath].filter(
    (f): f is string => f !== undefined && f !== '',
  );
  for (const file of files) {
    let text: string;
    try {
      text = readText(file);
    } catch (error) {
      throw new TeamsConfigError(
        `cannot read config file ${file}: ${(error as NodeJS.ErrnoException).code ?? error}`,
      );
    }
    mergeIni(parseIni(text, file), file, values, connectors);
  }
  const envMap: Record<string, string> = {
    PROM2TEAMS_HOST: 'HTTP Server/host',
    PROM2TEAMS_PORT: 'HTTP Server/port',
    PROM2TEAMS_GROUP_ALERTS_BY: 'Group Alerts/field',
    PROM2TEAMS_LOGLEVEL: 'Log/level',
    PROM2TEAMS_BUILTIN_TEMPLATE: 'Template/builtin',
  };
  for (const [name, key] of Object.entries(envMap)) if (env[name]) values.set(key, env[name] as string);
  if (env.PROM2TEAMS_CONNECTOR) connectors.set('connector', env.PROM2TEAMS_CONNECTOR);
  const flagMap: Array<[string | undefined, string]> = [
    [flags.loglevel, 'Log/level'],
    [flags.logfilepath, 'Log/path'],
    [flags.templatepath, 'Template/path'],
    [flags.groupalertsby, 'Group Alerts/field'],
    [flags.labelsexcluded, 'Labels/excluded'],
    [flags.annotationsexcluded, 'Annotations/excluded'],
    [flags.builtintemplate, 'Template/builtin'],
  ];
  for (const [value, key] of flagMap) if (value !== undefined) values.set(key, value);

  if (connectors.size === 0) {
    throw new TeamsConfigError('No Microsoft Teams connector available: add one under [Microsoft Teams]');
  }
  const get = (key: string): string | undefined => values.get(key);
  return {
    connectors: new Map([...connectors].map(([k, v]) => [k, new Secret(v)])),
    host: get('HTTP Server/host') ?? 'localhost',
    port: integer(get('HTTP Server/port'), '[HTTP Server] Port', 8089, 0, 65535),
    logLevel: logLevel(get('Log/level') ?? 'INFO'),
    logFilePath: get('Log/path') || undefined,
    templatePath: get('Template/path') || undefined,
    builtinTemplate: oneOf(get('Template/builtin') ?? 'messagecard', BUILTIN_TEMPLATES, '[Template] Builtin'),
    groupAlertsBy: groupField(get('Group Alerts/field')),
    labelsExcluded: list(get('Labels/excluded')),
    annotationsExcluded: list(get('Annotations/excluded')),
    connectTimeoutMs: 5000,
    requestTimeoutMs: seconds(get('Microsoft Teams Client/requesttimeout'), 'RequestTimeout', 30),
    retryEnable: bool(get('Microsoft Teams Client/retryenable'), '[Microsoft Teams Client] RetryEnable'),
    retryWaitMs: seconds(get('Microsoft Teams Client/retrywaittime'), 'RetryWaitTime', 60),
    maxPayloadBytes: integer(
      get('Microsoft Teams Client/maxpayload'),
      '[Microsoft Teams Client] MaxPayload',
      24576,
      1,
    ),
    webConfigFile: flags.webconfigfile || undefined,
  };
}

function mergeIni(
  ini: IniSections,
  file: string,
  values: Map<string, string>,
  connectors: Map<string, string>,
): void {
  const teams = ini.get('Microsoft Teams');
  if (teams === undefined || teams.size === 0) {
    throw new TeamsConfigError(`${file}: missing required [Microsoft Teams] section with a connector key`);
  }
  connectors.clear(); // a later file's connectors replace the earlier ones, as prom2teams does
  for (const [name, url] of teams) connectors.set(name, url);
  for (const [section, options] of ini) {
    if (section === 'Microsoft Teams') continue;
    for (const [key, value] of options) values.set(`${section}/${key}`, value);
  }
  // The prom2teams README calls the client section [Teams Client]; accept both spellings.
  for (const [key, value] of ini.get('Teams Client') ?? [])
    values.set(`Microsoft Teams Client/${key}`, value);
}

function list(value: string | undefined): string[] {
  if (value === undefined) return [];
  return value
    .replace(/\s/g, '')
    .split(',')
    .filter((v) => v !== '');
}

function logLevel(value: string): LogLevel {
  const level = LOG_LEVELS[value.toUpperCase()];
  if (level === undefined)
    throw new TeamsConfigError(`log level "${value}" is not one of ${Object.keys(LOG_LEVELS).join(', ')}`);
  return level;
}

function groupField(value: string | undefined): GroupableField | undefined {
  if (value === undefined || value === '') return undefined;
  return oneOf(value, GROUPABLE_FIELDS, '[Group Alerts] Field');
}

function oneOf<T extends string>(value: string, choices: readonly T[], what: string): T {
  const v = value.toLowerCase();
  if (!(choices as readonly string[]).includes(v)) {
    throw new TeamsConfigError(`${what}: "${value}" is not one of ${choices.join(', ')}`);
  }
  return v as T;
}

function integer(
  value: string | undefined,
  what: string,
  fallback: number,
  min: number,
  max = Number.MAX_SAFE_INTEGER,
): number {
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!/^\s*\d+\s*$/.test(value) || n < min || n > max) {
    throw new TeamsConfigError(`${what}: "${value}" is not an integer between ${min} and ${max}`);
  }
  return n;
}

function seconds(value: string | undefined, what: string, fallback: number): number {
  if (value === undefined || value === '') return fallback * 1000;
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) {
    throw new TeamsConfigError(
      `[Microsoft Teams Client] ${what}: "${value}" is not a positive number of seconds`,
    );
  }
  return n * 1000;
}

// configparser's getboolean words.
function bool(value: string | undefined, what: string): boolean {
  if (value === undefined || value === '') return false;
  const v = value.toLowerCase();
  if (['1', 'yes', 'true', 'on'].includes(v)) return true;
  if (['0', 'no', 'false', 'off'].includes(v)) return false;
  throw new TeamsConfigError(`${what}: "${value}" is not a boolean (true/false, yes/no, on/off, 1/0)`);
}
