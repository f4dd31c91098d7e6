/**
 * Expands a Go `regexp.Expand` template: `$1`, `${1}`, `$name`, `${name}` are replaced by the
 * capture group of that number or name (empty when absent or unmatched), `$$` is a literal `$`,
 * and a `$` not followed by a valid name is kept as text. As in Go, a name is the longest run of
 * letters, digits and `_`, so `$1x` means the group named `1x` (empty), not `${1}x`.
 */
export function expandTemplate(
  template: string,
  groups: ArrayLike<string | undefined>,
  named: Readonly<Record<string, string | undefined>> | undefined,
): string {
  let i = template.indexOf('$');
  if (i < 0) return template;
  let out = template.slice(0, i);
  const n = template.length;
  while (i < n) {
    const ch = template.charCodeAt(i);
    if (ch !== 0x24 /* $ */) {
      const next = template.indexOf('$', i);
      const end = next < 0 ? n : next;
      out += template.slice(i, end);
      i = end;
      continue;
    }
    if (template.charCodeAt(i + 1) === 0x24) {
      out += '$';
      i += 2;
      continue;
    }
    const ref = readReference(template, i + 1);
    if (ref === undefined) {
      out += '$';
      i += 1;
      continue;
    }
    out += lookup(ref.name, groups, named);
    i = ref.end;
  }
  return out;
}

interface Reference {
  readonly name: string;
  readonly end: number;
}

function readReference(template: string, start: number): Reference | undefined {
  const brace = template.charCodeAt(start) === 0x7b; /* { */
  let i = brace ? start + 1 : start;
  const nameStart = i;
  while (i < template.length) {
    const cp = template.codePointAt(i)!;
    if (!isNameChar(cp)) break;
    i += cp > 0xffff ? 2 : 1;
  }
  if (i === nameStart) return undefined;
  const name = template.slice(nameStart, i);
  if (brace) {
    if (template.charCodeAt(i) !== 0x7d /* } */) return undefined;
    i++;
  }
  return { name, end: i };
}

const letterOrDigit = /^[\p{L}\p{Nd}_]$/u;

function isNameChar(cp: number): boolean {
  if (cp < 0x80) {
    return (
      (cp >= 0x30 && cp <= 0x39) || (cp >= 0x41 && cp <= 0x5a) || (cp >= 0x61 && cp <= 0x7a) || cp === 0x5f
    );
  }
  return letterOrDigit.test(String.fromCodePoint(cp));
}

function lookup(
  name: string,
  groups: ArrayLike<string | undefined>,
  named: Readonly<Record<string, string | undefined>> | undefined,
): string {
  const num = groupNumber(name);
  if (num >= 0) return num < groups.length ? (groups[num] ?? '') : '';
  if (named !== undefined && Object.hasOwn(named, name)) return named[name] ?? '';
  return '';
}

/** Go's rule: all digits, below 1e8, and no leading zero unless it is just `0`. */
function groupNumber(name: string): number {
  if (name.length > 1 && name.charCodeAt(0) === 0x30) return -1;
  let num = 0;
  for (let i = 0; i < name.length; i++) {
    const d = name.charCodeAt(i) - 0x30;
    if (d < 0 || d > 9 || num >= 1e8) return -1;
    num = num * 10 + d;
  }
  return num;
}
