import { readFile } from 'node:fs';

/**
 * Reads a whole file as text. Proc and sys files report size 0, so this reads until EOF.
 * `latin1` is the cheap decoding for ASCII kernel files; use `utf8` where names may be UTF-8.
 */
export function readText(path: string, encoding: 'latin1' | 'utf8' = 'latin1'): Promise<string> {
  return new Promise((resolve, reject) => {
    readFile(path, encoding, (err, data) => (err ? reject(err) : resolve(data)));
  });
}

/** Like {@link readText}, but a missing file (ENOENT, ENOTDIR) yields `undefined`. */
export async function readTextIfExists(path: string, encoding: 'latin1' | 'utf8' = 'latin1'): Promise<string | undefined> {
  try {
    return await readText(path, encoding);
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw err;
  }
}

/** Whether an fs error means "no such file" (including a missing parent directory). */
export function isNotFound(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}

/** Splits on runs of spaces and tabs, dropping empty fields (Go's strings.Fields for one line). */
export function fields(line: string): string[] {
  const out: string[] = [];
  let start = -1;
  for (let i = 0; i < line.length; i++) {
    const c = line.charCodeAt(i);
    const space = c === 32 || c === 9;
    if (space) {
      if (start >= 0) {
        out.push(line.slice(start, i));
        start = -1;
      }
    } else if (start < 0) start = i;
  }
  if (start >= 0) out.push(line.slice(start));
  return out;
}

/** The lines of a file, without the empty last line after a trailing newline. */
export function lines(text: string): string[] {
  const out = text.split('\n');
  if (out.length > 0 && out[out.length - 1] === '') out.pop();
  return out;
}
