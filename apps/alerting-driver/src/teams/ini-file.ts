// A reader for the INI dialect of Python's configparser (prom2teams reads `config.ini` with it),
// so users' existing files parse the same: `key: value` or `key = value`, option names
// lowercased (section names kept as written), `#`/`;` whole-line comments, indented
// continuation lines, `[DEFAULT]` inherited by every section, `%%` and `%(name)s` interpolation.

export type IniSections = ReadonlyMap<string, ReadonlyMap<string, string>>;

/** A line that configparser would refuse; the message names the file and line. */
export class IniSyntaxError extends Error {
  readonly code = 'ini_syntax';
  constructor(file: string, line: number, reason: string) {
    super(`${file}:${line}: ${reason}`);
    this.name = 'IniSyntaxError';
  }
}

/** Parses INI text; `file` only labels errors. Option names are lowercased, as configparser does. */
export function parseIni(text: string, file = 'config.ini'): IniSections {
  const raw = new Map<string, Map<string, string>>();
  let section: Map<string, string> | undefined;
  let lastKey: string | undefined;
  let lastIndent = 0;
  const lines = text.split(/\r?\n/);
  lines.forEach((line, i) => {
    const lineNo = i + 1;
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('#') || trimmed.startsWith(';')) {
      if (trimmed === '') lastKey = undefined;
      return;
    }
    const indent = line.length - line.trimStart().length;
    if (section !== undefined && lastKey !== undefined && indent > lastIndent) {
      section.set(lastKey, `${section.get(lastKey) ?? ''}\n${trimmed}`);
      return;
    }
    const header = /^\[(.+)\]$/.exec(trimmed);
    if (header !== null) {
      const name = header[1] as string;
      if (raw.has(name)) throw new IniSyntaxError(file, lineNo, `section "${name}" appears twice`);
      section = new Map();
      raw.set(name, section);
      lastKey = undefined;
      return;
    }
    if (section === undefined) throw new IniSyntaxError(file, lineNo, 'option outside any [section]');
    const at = firstDelimiter(trimmed);
    if (at <= 0) throw new IniSyntaxError(file, lineNo, 'expected "key: value" or "key = value"');
    const key = trimmed.slice(0, at).trim().toLowerCase();
    if (section.has(key))
      throw new IniSyntaxError(file, lineNo, `option "${key}" appears twice in its section`);
    section.set(key, trimmed.slice(at + 1).trim());
    lastKey = key;
    lastIndent = indent;
  });
  return interpolate(raw, file);
}

function firstDelimiter(line: string): number {
  const colon = line.indexOf(':');
  const equals = line.indexOf('=');
  if (colon < 0) return equals;
  if (equals < 0) return colon;
  return Math.min(colon, equals);
}

function interpolate(raw: Map<string, Map<string, string>>, file: string): IniSections {
  const defaults = raw.get('DEFAULT') ?? new Map<string, string>();
  const out = new Map<string, Map<string, string>>();
  for (const [name, options] of raw) {
    if (name === 'DEFAULT') continue;
    const merged = new Map([...defaults, ...options]);
    const resolved = new Map<string, string>();
    for (const [key, value] of merged) resolved.set(key, expand(value, merged, file, name, 0));
    out.set(name, resolved);
  }
  return out;
}

// `%(name)s` refers to another option of the same section (or DEFAULT); `%%` is a literal `%`.
// A lone `%` is kept as written (configparser would refuse it; a URL may hold one).
function expand(
  value: string,
  options: Map<string, string>,
  file: string,
  section: string,
  depth: number,
): string {
  if (depth > 10) throw new IniSyntaxError(file, 0, `[${section}]: interpolation nests too deeply`);
  return value.replace(/%%|%\(([^)]+)\)s/g, (match, name: string | undefined) => {
    if (match === '%%') return '%';
    const target = options.get((name as string).toLowerCase());
    if (target === undefined)
      throw new IniSyntaxError(file, 0, `[${section}]: "%(${name})s" names no option`);
    return expand(target, options, file, section, depth + 1);
  });
}
