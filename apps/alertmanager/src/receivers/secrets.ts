import { readFile } from 'node:fs/promises';
import { NotifyError } from '../dispatch/notifier.ts';

/** Every secret value revealed or read so far, so error texts can be scrubbed of them. */
const known = new Set<string>();
const MAX_KNOWN = 1000;

function add(value: string): void {
  // Very short values would blank out ordinary words; a set cap bounds rotated secrets.
  if (value.length >= 4 && known.size < MAX_KNOWN) known.add(value);
}

/**
 * Records a secret value. For a URL (Slack, Discord, Teams webhooks carry their token in
 * the path) the long path segments, query values and password are recorded too, so an
 * echoed token is caught on its own.
 */
export function rememberSecret(value: string): string {
  add(value);
  if (/^https?:\/\//i.test(value)) {
    try {
      const url = new URL(value);
      for (const seg of url.pathname.split('/')) if (seg.length >= 16) add(decodeURIComponent(seg));
      for (const v of url.searchParams.values()) if (v.length >= 8) add(v);
      if (url.password) add(decodeURIComponent(url.password));
    } catch {
      // Not a URL after all: the whole value is recorded.
    }
  }
  return value;
}

/** `text` with every known secret value replaced by `<secret>` (a server may echo a token back). */
export function scrubSecrets(text: string): string {
  let out = text;
  for (const s of known) if (out.includes(s)) out = out.split(s).join('<secret>');
  return out;
}

/** A config value that may be a `Secret` (`reveal()`), a plain string or absent. */
export function plain(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'object' && 'reveal' in value)
    return rememberSecret((value as { reveal(): string }).reveal());
  return String(value);
}

/**
 * The value of a secret field or, when only `<field>_file` is set, the file's content
 * with surrounding whitespace trimmed, read at send time as upstream does (so a rotated
 * token is picked up without a reload). The error names the file, never its content.
 */
export async function readSecret(fields: Record<string, unknown>, field: string): Promise<string> {
  const direct = plain(fields[field]);
  if (direct !== '') return rememberSecret(direct);
  const file = plain(fields[`${field}_file`]);
  if (file === '') return '';
  try {
    return rememberSecret((await readFile(file, 'utf8')).trim());
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'read error';
    throw new NotifyError(`could not read ${field}_file ${file}: ${code}`, false, { cause: error });
  }
}
