import RE2 from 're2';

/** A compiled Go `regexp` (RE2 syntax and semantics through the `re2` package). */
export function compileGoRegexp(pattern: string): RE2 {
  try {
    return new RE2(pattern, 'gu');
  } catch (e) {
    throw new Error(
      `error parsing regexp: ${goRegexpError(e instanceof Error ? e.message : String(e), pattern)}`,
      {
        cause: e,
      },
    );
  }
}

/** RE2's error texts, translated to Go's `regexp/syntax` wording. */
const re2ToGo: [string, string][] = [
  ['missing )', 'missing closing )'],
  ['missing ]', 'missing closing ]'],
  ['unexpected )', 'unexpected )'],
  ['trailing \\', 'trailing backslash at end of expression'],
  ['no argument for repetition operator', 'missing argument to repetition operator'],
  ['bad repetition operator', 'invalid nested repetition operator'],
  ['invalid repetition size', 'invalid repeat count'],
  ['invalid perl operator', 'invalid or unsupported Perl syntax'],
  ['invalid escape sequence', 'invalid escape sequence'],
  ['invalid character class range', 'invalid character class range'],
  ['invalid character class', 'invalid character class'],
  ['invalid named capture group', 'invalid named capture'],
];

function goRegexpError(message: string, pattern: string): string {
  const text = message.replace(/^Invalid regular expression: \/.*\/[a-z]*: /s, '');
  for (const [re2, go] of re2ToGo) {
    if (text.startsWith(`${re2}: `)) return `${go}: \`${text.slice(re2.length + 2)}\``;
    if (text === re2) return `${go}: \`\``;
  }
  return `${text}: \`${pattern}\``;
}

/** Go's `regexp.MatchString`: unanchored search. */
export function goRegexpMatch(pattern: string, text: string): boolean {
  const re = compileGoRegexp(pattern);
  re.lastIndex = 0;
  return re.exec(text) !== null;
}

/**
 * Go's `Regexp.ReplaceAllString`: `$1`, `${1}`, `$name`, `${name}` and `$$` in the
 * replacement, an empty match right after a previous match ignored.
 */
export function goReplaceAll(re: RE2, text: string, repl: string): string {
  let out = '';
  let lastMatchEnd = 0;
  let searchPos = 0;
  while (searchPos <= text.length) {
    re.lastIndex = searchPos;
    const m = re.exec(text);
    if (!m) break;
    const start = m.index;
    const end = start + m[0].length;
    out += text.slice(lastMatchEnd, start);
    if (end > lastMatchEnd || start === 0) out += expand(repl, m);
    lastMatchEnd = end;
    const width = searchPos < text.length ? String.fromCodePoint(text.codePointAt(searchPos)!).length : 0;
    if (searchPos + width > end) searchPos += width;
    else if (searchPos + 1 > end) searchPos++;
    else searchPos = end;
  }
  return out + text.slice(lastMatchEnd);
}

function expand(template: string, m: RegExpExecArray): string {
  let out = '';
  for (let i = 0; i < template.length; i++) {
    const c = template[i]!;
    if (c !== '$' || i + 1 >= template.length) {
      out += c;
      continue;
    }
    if (template[i + 1] === '$') {
      out += '$';
      i++;
      continue;
    }
    let name: string;
    let next: number;
    if (template[i + 1] === '{') {
      const close = template.indexOf('}', i + 2);
      const inner = close < 0 ? '' : template.slice(i + 2, close);
      if (close < 0 || !/^\w+$/.test(inner)) {
        out += c;
        continue;
      }
      name = inner;
      next = close;
    } else {
      const w = /^\w+/.exec(template.slice(i + 1));
      if (!w) {
        out += c;
        continue;
      }
      name = w[0];
      next = i + w[0].length;
    }
    i = next;
    if (/^\d+$/.test(name)) {
      const n = Number(name);
      out += n < m.length ? (m[n] ?? '') : '';
    } else out += m.groups?.[name] ?? '';
  }
  return out;
}
