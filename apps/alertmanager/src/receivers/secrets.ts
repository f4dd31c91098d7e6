import { readFile } from 'node:fs/promises';
import { NotifyError } from '../dispatch/notifier.ts';

/** A config value that may be a `Secret` (`reveal()`), a plain string or absent. */
export function plain(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'object' && 'reveal' in value) return (value as { reveal(): string }).reveal();
  return String(value);
}

/**
 * The value of a secret field or, when only `<field>_file` is set, the file's content
 * with surrounding whitespace trimmed, read at send time as upstream does (so a rotated
 * token is picked up without a reload). The error names the file, never its content.
 */
export async function readSecret(fields: Record<string, unknown>, field: string): Promise<string> {
  const direct = plain(fields[field]);
  if (direct !== '') return direct;
  const file = plain(fields[`${field}_file`]);
  if (file === '') return '';
  try {
    return (await readFile(file, 'utf8')).trim();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'read error';
    throw new NotifyError(`could not read ${field}_file ${file}: ${code}`, false, { cause: error });
  }
}
