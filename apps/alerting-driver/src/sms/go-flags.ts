import type { FlagSpecs } from '@argus/service-kit';

/**
 * Rewrites a command line in Go's `flag` syntax (what sachet accepts: `-config x`,
 * `-config=x`, `--config x`, `-bool`, `-bool=false`, `-h`) into the `--name=value` form
 * service-kit parses. As Go, parsing stops at `--` or at the first non-flag argument, and
 * the rest is ignored (sachet takes no positional arguments). Unknown names are passed on
 * so the parser reports them.
 */
export function goFlagsToLong(argv: readonly string[], specs: FlagSpecs): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--' || !arg.startsWith('-') || arg === '-') break;
    const body = arg.startsWith('--') ? arg.slice(2) : arg.slice(1);
    const eq = body.indexOf('=');
    const name = eq < 0 ? body : body.slice(0, eq);
    if (name === 'h' || name === 'help') {
      out.push('--help');
      continue;
    }
    const spec = Object.hasOwn(specs, name) ? specs[name] : undefined;
    if (spec?.type === 'bool' && eq >= 0) {
      out.push(`--${name}=${goBool(body.slice(eq + 1))}`);
      continue;
    }
    if (spec === undefined || spec.type === 'bool' || eq >= 0) {
      out.push(`--${body}`);
      continue;
    }
    const value = argv[i + 1];
    if (value === undefined) {
      out.push(`--${name}`); // the parser reports the missing value
      continue;
    }
    out.push(`--${name}=${value}`);
    i++;
  }
  return out;
}

/** Go's strconv.ParseBool spellings as `true`/`false`; anything else is passed on for the parser to refuse. */
function goBool(value: string): string {
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(value)) return 'true';
  if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(value)) return 'false';
  return value;
}
