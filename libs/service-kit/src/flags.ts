import { parseDuration } from '@argus/model';
import { FlagError } from './errors.ts';
import { parseBytes } from './bytes.ts';

interface FlagBase {
  /** One sentence shown by `--help`. */
  readonly help: string;
  /** A value must be given on the command line (kingpin's `.Required()`). */
  readonly required?: boolean;
  /** Word shown after `=` in `--help` when there is no default (defaults to the upper-cased name). */
  readonly placeholder?: string;
}

/** A text flag; `choices` restricts it to a fixed set (`--log.level`). */
export interface StringFlagSpec<C extends string = string> extends FlagBase {
  readonly type: 'string';
  readonly default?: C;
  readonly choices?: readonly C[];
  /** The error for a value outside `choices`; kingpin's enum wording when omitted. */
  readonly invalidChoice?: (value: string) => string;
}

/** A whole number (`--web.max-requests=40`). */
export interface IntFlagSpec extends FlagBase {
  readonly type: 'int';
  readonly default?: number;
}

/** `--name` sets true, `--no-name` sets false; `--name=true|false` is accepted too. */
export interface BoolFlagSpec extends FlagBase {
  readonly type: 'bool';
  readonly default?: boolean;
}

/** A Prometheus duration (`15s`, `1h30m`), parsed to milliseconds; the default is written as text. */
export interface DurationFlagSpec extends FlagBase {
  readonly type: 'duration';
  readonly default?: string;
}

/** A size with base-2 units (`512MB`, `1GiB`, `100B`), parsed to bytes; the default is written as text. */
export interface BytesFlagSpec extends FlagBase {
  readonly type: 'bytes';
  readonly default?: string;
}

/** A repeatable text flag: every occurrence appends; given values replace the default. */
export interface ListFlagSpec extends FlagBase {
  readonly type: 'list';
  readonly default?: readonly string[];
}

/** One flag of a command line, keyed by its upstream name without dashes (`web.listen-address`). */
export type FlagSpec =
  StringFlagSpec | IntFlagSpec | BoolFlagSpec | DurationFlagSpec | BytesFlagSpec | ListFlagSpec;

/** All flags of one program. */
export type FlagSpecs = Readonly<Record<string, FlagSpec>>;

type Defined<F> = F extends { required: true } ? true : F extends { default: unknown } ? true : false;

/** The parsed type of one flag: durations in ms, bytes in bytes, lists as arrays. */
export type FlagValue<F extends FlagSpec> = F extends BoolFlagSpec
  ? boolean
  : F extends ListFlagSpec
    ? string[]
    : F extends StringFlagSpec<infer C>
      ? Defined<F> extends true
        ? C
        : C | undefined
      : Defined<F> extends true
        ? number
        : number | undefined;

/** The parsed command line: one property per flag, named exactly as the flag. */
export type ParsedFlags<S extends FlagSpecs> = { -readonly [K in keyof S]: FlagValue<S[K]> };

/**
 * Declares a flag spec with its literal types kept, so `parseFlags` returns precise types
 * (`'debug' | 'info' | …` for a flag with choices). Returns its argument unchanged.
 */
export function defineFlags<const S extends FlagSpecs>(specs: S): S {
  return specs;
}

/** What the command line asked for: run with these flags, or print help or the version. */
export type FlagParseResult<S extends FlagSpecs> =
  | { readonly kind: 'run'; readonly flags: ParsedFlags<S> }
  | { readonly kind: 'help' }
  | { readonly kind: 'version' };

/**
 * Parses `argv` (without node and script) against `specs`, kingpin style: `--name=value`
 * and `--name value`; booleans as `--name` / `--no-name`; a repeated scalar flag keeps the
 * last value, a repeated list flag collects all; a value may not start with `--`. As in
 * kingpin, `--version` acts at once, `-h`/`--help` after the whole line lexed. Throws `FlagError` for an unknown flag, a missing or malformed value,
 * a value outside `choices`, a positional argument or a missing required flag.
 */
export function parseFlags<S extends FlagSpecs>(specs: S, argv: readonly string[]): FlagParseResult<S> {
  const given = new Map<string, string | boolean | string[]>();
  let help = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '-h' || arg === '--help') {
      help = true;
      continue;
    }
    if (arg === '--version') return { kind: 'version' };
    if (arg === '--') {
      if (i + 1 < argv.length) throw new FlagError(`unexpected ${argv[i + 1]}`);
      break;
    }
    if (!arg.startsWith('--')) {
      if (arg.startsWith('-') && arg.length > 1) throw new FlagError(`unknown short flag '${arg}'`);
      throw new FlagError(`unexpected ${arg}`);
    }
    const eq = arg.indexOf('=');
    const rawName = eq === -1 ? arg.slice(2) : arg.slice(2, eq);
    const inline = eq === -1 ? undefined : arg.slice(eq + 1);
    let name = rawName;
    let spec = Object.hasOwn(specs, name) ? specs[name] : undefined;
    let negated = false;
    if (spec === undefined && name.startsWith('no-')) {
      const positive = name.slice(3);
      const candidate = Object.hasOwn(specs, positive) ? specs[positive] : undefined;
      if (candidate?.type === 'bool') {
        name = positive;
        spec = candidate;
        negated = true;
      }
    }
    if (spec === undefined) throw new FlagError(`unknown long flag '--${rawName}'`);
    if (spec.type === 'bool') {
      if (inline === undefined) given.set(name, !negated);
      else if (negated) throw new FlagError(`flag '--${rawName}' takes no value`);
      else if (inline === 'true' || inline === 'false') given.set(name, inline === 'true');
      else throw new FlagError(`invalid boolean value '${inline}' for flag '--${name}'`);
      continue;
    }
    let value = inline;
    if (value === undefined) {
      const next = argv[i + 1];
      if (next === undefined || (next.startsWith('--') && next.length > 2)) {
        throw new FlagError(`expected argument for flag '--${name}'`);
      }
      value = next;
      i++;
    }
    if (spec.type === 'list') {
      const list = given.get(name);
      if (Array.isArray(list)) list.push(value);
      else given.set(name, [value]);
    } else {
      given.set(name, value);
    }
  }

  if (help) return { kind: 'help' };
  const flags: Record<string, unknown> = {};
  for (const [name, spec] of Object.entries(specs)) {
    const value = given.get(name);
    if (value === undefined && spec.required) throw new FlagError(`required flag --${name} not provided`);
    flags[name] = convert(name, spec, value);
  }
  return { kind: 'run', flags: flags as ParsedFlags<S> };
}

function convert(name: string, spec: FlagSpec, value: string | boolean | string[] | undefined): unknown {
  switch (spec.type) {
    case 'bool':
      return typeof value === 'boolean' ? value : (spec.default ?? false);
    case 'list':
      return Array.isArray(value) ? value : [...(spec.default ?? [])];
    case 'string': {
      const text = typeof value === 'string' ? value : spec.default;
      if (text !== undefined && spec.choices && !spec.choices.includes(text)) {
        throw new FlagError(
          spec.invalidChoice?.(text) ??
            `enum value must be one of ${spec.choices.join(',')}, got '${text}' for flag '--${name}'`,
        );
      }
      return text;
    }
    case 'int': {
      if (typeof value !== 'string') return spec.default;
      if (!/^[+-]?\d+$/.test(value) || !Number.isSafeInteger(Number(value))) {
        throw new FlagError(`invalid integer '${value}' for flag '--${name}'`);
      }
      return Number(value);
    }
    case 'duration': {
      const text = typeof value === 'string' ? value : spec.default;
      if (text === undefined) return undefined;
      try {
        return parseDuration(text);
      } catch (cause) {
        throw new FlagError(`invalid duration '${text}' for flag '--${name}'`, { cause });
      }
    }
    case 'bytes': {
      const text = typeof value === 'string' ? value : spec.default;
      if (text === undefined) return undefined;
      try {
        return parseBytes(text);
      } catch (cause) {
        throw new FlagError(`invalid size '${text}' for flag '--${name}'`, { cause });
      }
    }
  }
}

const HELP_COLUMN = 33;
const HELP_WIDTH = 80;

/**
 * Renders `--help` in kingpin's layout: usage line, then every flag with its default (or a
 * placeholder) and its help text wrapped at 80 columns; `-h, --help` and `--version` first
 * and last as upstream.
 */
export function formatHelp(program: string, specs: FlagSpecs): string {
  const rows: Array<[flag: string, help: string]> = [['-h, --help', 'Show context-sensitive help.']];
  for (const [name, spec] of Object.entries(specs)) {
    let help = spec.help;
    if (spec.type === 'string' && spec.choices && !help.includes('One of:')) {
      help += ` One of: [${spec.choices.join(', ')}]`;
    }
    rows.push([`    --${name}${valueHint(name, spec)}`, help]);
  }
  rows.push(['    --version', 'Show application version.']);

  const lines = [`usage: ${program} [<flags>]`, '', 'Flags:'];
  for (const [flag, help] of rows) {
    const wrapped = wrap(help, HELP_WIDTH - HELP_COLUMN);
    const head = `  ${flag}`;
    if (head.length + 2 <= HELP_COLUMN) {
      lines.push(head.padEnd(HELP_COLUMN) + (wrapped[0] ?? ''));
      for (const rest of wrapped.slice(1)) lines.push(' '.repeat(HELP_COLUMN) + rest);
    } else {
      lines.push(`${head}  `);
      for (const rest of wrapped) lines.push(' '.repeat(HELP_COLUMN) + rest);
    }
  }
  return `${lines.join('\n')}\n`;
}

function valueHint(name: string, spec: FlagSpec): string {
  const placeholder = spec.placeholder ?? name.toUpperCase();
  switch (spec.type) {
    case 'bool':
      return '';
    case 'list':
      return spec.default && spec.default.length > 0
        ? `=${spec.default.join(',')} ...`
        : `=${placeholder} ...`;
    case 'string':
      if (spec.default === undefined) return `=${placeholder}`;
      return spec.choices ? `=${spec.default}` : `=${JSON.stringify(spec.default)}`;
    default:
      return spec.default === undefined ? `=${placeholder}` : `=${spec.default}`;
  }
}

function wrap(text: string, width: number): string[] {
  const out: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (line !== '' && line.length + 1 + word.length > width) {
      out.push(line);
      line = word;
    } else {
      line = line === '' ? word : `${line} ${word}`;
    }
  }
  if (line !== '') out.push(line);
  return out;
}
