/** Go string helpers whose Unicode behaviour templates depend on. */

/** Go's `strings.TrimSpace`: strips Unicode white space at both ends. */
export function goTrimSpace(s: string): string {
  return s.replace(/^[\s\u0085]+|[\s\u0085]+$/gu, '');
}

const wordChar = /[\p{L}\p{M}\p{N}_\p{Pc}]/u;
const midLetter = /['.:\u00b7\u2018\u2019\u2024\u2027\ufe13\ufe52\ufe55\uff07\uff0e\uff1a]/u;

/**
 * `cases.Title(language.AmericanEnglish)`, as Alertmanager's and Prometheus's `title`:
 * in each word (Unicode word boundaries: `foo_bar`, `o'neil` and `foo.bar` are one word),
 * the first letter is upper-cased and the following letters lower-cased.
 */
export function goTitle(s: string): string {
  const chars = [...s];
  let out = '';
  let inWord = false;
  let seenLetter = false;
  for (let i = 0; i < chars.length; i++) {
    const ch = chars[i]!;
    const isWord = wordChar.test(ch);
    const joins =
      !isWord &&
      inWord &&
      midLetter.test(ch) &&
      i + 1 < chars.length &&
      /\p{L}/u.test(chars[i + 1]!) &&
      /\p{L}/u.test(chars[i - 1]!);
    if (!isWord && !joins) {
      inWord = false;
      seenLetter = false;
      out += ch;
      continue;
    }
    if (!inWord) {
      inWord = true;
      seenLetter = false;
    }
    if (/\p{L}/u.test(ch)) {
      out += seenLetter ? ch.toLowerCase() : titleCase(ch);
      seenLetter = true;
    } else out += ch;
  }
  return out;
}

/** Go's deprecated `strings.Title`: upper-cases the first letter of each word, keeps the rest. */
export function goStringsTitle(s: string): string {
  let prev = ' ';
  let out = '';
  for (const ch of s) {
    out += isSeparator(prev) ? ch.toUpperCase() : ch;
    prev = ch;
  }
  return out;
}

function isSeparator(r: string): boolean {
  if (r.codePointAt(0)! <= 0x7f) return !/[0-9a-zA-Z_]/.test(r);
  if (/[\p{L}\p{Nd}]/u.test(r)) return false;
  return /\s/u.test(r);
}

/** Go's `strings.ToUpper`: rune by rune; a rune without a one-rune upper case (ß) stays. */
export function goToUpper(s: string): string {
  let out = '';
  for (const ch of s) {
    const u = ch.toUpperCase();
    out += [...u].length === 1 ? u : ch;
  }
  return out;
}

/** Go's `strings.ToLower`: rune by rune (İ becomes i). */
export function goToLower(s: string): string {
  let out = '';
  for (const ch of s) {
    const l = ch.toLowerCase();
    out += [...l].length === 1 ? l : [...l][0]!;
  }
  return out;
}

/** Title case of one character: a multi-letter upper case (the ligature ﬁ) keeps only its first letter upper. */
function titleCase(ch: string): string {
  const digraph = titleDigraphs[ch];
  if (digraph) return digraph;
  const upper = [...ch.toUpperCase()];
  return upper.length === 1 ? upper[0]! : upper[0]! + upper.slice(1).join('').toLowerCase();
}

/** Latin digraphs with a distinct title case (ǅ, ǈ, ǋ, ǲ). */
const titleDigraphs: Record<string, string> = {
  '\u01c4': '\u01c5',
  '\u01c5': '\u01c5',
  '\u01c6': '\u01c5',
  '\u01c7': '\u01c8',
  '\u01c8': '\u01c8',
  '\u01c9': '\u01c8',
  '\u01ca': '\u01cb',
  '\u01cb': '\u01cb',
  '\u01cc': '\u01cb',
  '\u01f1': '\u01f2',
  '\u01f2': '\u01f2',
  '\u01f3': '\u01f2',
};
