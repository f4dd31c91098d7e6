import { readdirSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import RE2 from 're2';

// Go's filepath.Glob, which Alertmanager's template.FromGlobs uses for `templates:`:
// `*` and `?` never match `/`, `[...]` classes (with `^` negation and ranges), `\` escapes;
// names in a directory are matched in sorted order; a pattern without meta characters
// names the file if it exists; a pattern that matches nothing gives no files (not an error).

const META = /[*?[\\]/;

/** The files matching a Go glob pattern, relative patterns taken from the working directory. */
export function goGlob(pattern: string): string[] {
  if (!META.test(pattern)) return exists(pattern) ? [pattern] : [];
  const dir = dirname(pattern);
  const base = basename(pattern);
  const dirs = META.test(dir) ? goGlob(dir) : [dir];
  const matcher = globSegmentRegExp(base);
  const out: string[] = [];
  for (const d of dirs) {
    let names: string[];
    try {
      names = readdirSync(d).sort();
    } catch {
      continue; // Go ignores unreadable directories while globbing
    }
    for (const name of names) {
      if (matcher.test(name)) out.push(join(d, name));
    }
  }
  return out;
}

/** One path segment of a glob as an anchored RE2 expression. Throws on a malformed class. */
export function globSegmentRegExp(segment: string): RE2 {
  let re = '';
  for (let i = 0; i < segment.length; i++) {
    const c = segment[i]!;
    if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else if (c === '\\') re += escape(segment[++i] ?? '\\');
    else if (c === '[') {
      const end = segment.indexOf(']', i + 2);
      if (end < 0) throw new Error(`syntax error in pattern ${JSON.stringify(segment)}`);
      let body = segment.slice(i + 1, end);
      const negate = body.startsWith('^');
      if (negate) body = body.slice(1);
      re += `[${negate ? '^/' : ''}${body.replace(/[\]\\^]/g, (m) => `\\${m}`)}]`;
      i = end;
    } else re += escape(c);
  }
  return new RE2(`^${re}$`, 's');
}

function escape(c: string): string {
  return /[.*+?^${}()|[\]\\/-]/.test(c) ? `\\${c}` : c;
}

function exists(path: string): boolean {
  try {
    statSync(path);
    return true;
  } catch {
    return false;
  }
}
