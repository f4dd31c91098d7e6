// prom2teams's command line (Python argparse): `-c PATH`, `-cPATH`, `--configpath PATH`,
// `--configpath=PATH`, and the boolean `-m/--enablemetrics`. Our additions use the same style.

export interface TeamsFlags {
  configpath?: string;
  groupalertsby?: string;
  logfilepath?: string;
  loglevel?: string;
  templatepath?: string;
  labelsexcluded?: string;
  annotationsexcluded?: string;
  enablemetrics?: boolean;
  /** Ours: `messagecard` (prom2teams 3.x, default) or `adaptivecard` (prom2teams 5.x). */
  builtintemplate?: string;
  /** Ours: `--web.config.file` (TLS and basic auth, exporter-toolkit format). */
  webconfigfile?: string;
  help?: boolean;
}

type ValueFlag = Exclude<keyof TeamsFlags, 'enablemetrics' | 'help'>;

interface FlagDoc {
  readonly short?: string;
  readonly long: string;
  readonly key: keyof TeamsFlags;
  readonly help: string;
  readonly bool?: boolean;
}

export const TEAMS_FLAGS: readonly FlagDoc[] = [
  { short: 'c', long: 'configpath', key: 'configpath', help: 'config INI file path' },
  {
    short: 'g',
    long: 'groupalertsby',
    key: 'groupalertsby',
    help: 'group alerts with the same field into one card',
  },
  { short: 'l', long: 'logfilepath', key: 'logfilepath', help: 'write logs to this file instead of stderr' },
  {
    short: 'v',
    long: 'loglevel',
    key: 'loglevel',
    help: 'log level (DEBUG, INFO, WARNING, ERROR, CRITICAL)',
  },
  { short: 't', long: 'templatepath', key: 'templatepath', help: 'Jinja2 template file path' },
  {
    short: 's',
    long: 'labelsexcluded',
    key: 'labelsexcluded',
    help: 'comma-separated labels left out of the card',
  },
  {
    short: 'a',
    long: 'annotationsexcluded',
    key: 'annotationsexcluded',
    help: 'comma-separated annotations left out',
  },
  {
    short: 'm',
    long: 'enablemetrics',
    key: 'enablemetrics',
    help: 'accepted for compatibility; /metrics is always on',
    bool: true,
  },
  {
    short: 'b',
    long: 'builtintemplate',
    key: 'builtintemplate',
    help: 'built-in card: messagecard (default) or adaptivecard',
  },
  { long: 'web.config.file', key: 'webconfigfile', help: 'web config file (TLS, basic auth)' },
  { short: 'h', long: 'help', key: 'help', help: 'show this help and exit', bool: true },
];

export class TeamsFlagError extends Error {
  readonly code = 'teams_flag';
}

/** Parses argv as argparse would for prom2teams's flags; throws TeamsFlagError naming the argument. */
export function parseTeamsFlags(argv: readonly string[]): TeamsFlags {
  const out: TeamsFlags = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    let doc: FlagDoc | undefined;
    let inline: string | undefined;
    if (arg.startsWith('--')) {
      const eq = arg.indexOf('=');
      const name = eq < 0 ? arg.slice(2) : arg.slice(2, eq);
      inline = eq < 0 ? undefined : arg.slice(eq + 1);
      doc = TEAMS_FLAGS.find((f) => f.long === name);
    } else if (arg.startsWith('-') && arg.length > 1) {
      doc = TEAMS_FLAGS.find((f) => f.short === arg[1]);
      inline = arg.length > 2 ? arg.slice(2).replace(/^=/, '') : undefined;
    } else {
      throw new TeamsFlagError(`unrecognized argument: ${arg}`);
    }
    if (doc === undefined) throw new TeamsFlagError(`unrecognized argument: ${arg}`);
    if (doc.bool === true) {
      if (inline !== undefined)
        throw new TeamsFlagError(`argument ${arg}: ignored explicit argument '${inline}'`);
      (out as Record<string, unknown>)[doc.key] = true;
      continue;
    }
    const value = inline ?? argv[++i];
    if (value === undefined) throw new TeamsFlagError(`argument --${doc.long}: expected one argument`);
    out[doc.key as ValueFlag] = value;
  }
  return out;
}

export function teamsHelp(): string {
  const lines = TEAMS_FLAGS.map((f) => {
    const names = `${f.short === undefined ? '' : `-${f.short}, `}--${f.long}${f.bool === true ? '' : ' VALUE'}`;
    return `  ${names.padEnd(34)} ${f.help}`;
  });
  return `usage: alerting-driver teams [options]\n\nprom2teams-compatible Microsoft Teams driver.\n\noptions:\n${lines.join('\n')}\n`;
}
