/**
 * Go-compatible text formatting used wherever PromQL output must match Prometheus byte for
 * byte: `strconv.Quote`, `%q` of a rune, `%#U`, `strconv.FormatFloat(v, 'f', -1, 64)` and
 * `%v`/`%g` of a float64.
 *
 * Strings that came from invalid UTF-8 escapes (`"\xc5"`) carry each stray byte as a lone
 * low surrogate U+DC80–U+DCFF (see `unquote.ts`); {@link goQuote} prints those back as `\xNN`.
 */

const HEX = '0123456789abcdef';

/** True for code points Go's `strconv.IsPrint` accepts (approximated with Unicode classes). */
function isPrint(cp: number): boolean {
  if (cp < 0x20 || cp === 0x7f) return false;
  if (cp < 0x7f) return true;
  return printable.test(String.fromCodePoint(cp));
}
// Letters, marks, numbers, punctuation, symbols and the plain space are printable in Go.
const printable = /^[\p{L}\p{M}\p{N}\p{P}\p{S}]$/u;

function escapeCodePoint(cp: number, quote: number): string {
  if (cp === quote || cp === 0x5c) return '\\' + String.fromCharCode(cp);
  if (isPrint(cp)) return String.fromCodePoint(cp);
  switch (cp) {
    case 0x07:
      return '\\a';
    case 0x08:
      return '\\b';
    case 0x0c:
      return '\\f';
    case 0x0a:
      return '\\n';
    case 0x0d:
      return '\\r';
    case 0x09:
      return '\\t';
    case 0x0b:
      return '\\v';
  }
  if (cp < 0x20 || cp === 0x7f) return '\\x' + HEX[cp >> 4]! + HEX[cp & 15]!;
  if (cp >= 0xdc80 && cp <= 0xdcff) {
    const b = cp - 0xdc00;
    return '\\x' + HEX[b >> 4]! + HEX[b & 15]!;
  }
  if (cp >= 0xd800 && cp <= 0xdfff) return '\\ufffd';
  if (cp < 0x10000) return '\\u' + cp.toString(16).padStart(4, '0');
  return '\\U' + cp.toString(16).padStart(8, '0');
}

/** Go `strconv.Quote`: double quotes, Go escapes, printable Unicode kept as is. */
export function goQuote(s: string): string {
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    let cp = s.charCodeAt(i);
    if (cp >= 0xd800 && cp <= 0xdbff && i + 1 < s.length) {
      const lo = s.charCodeAt(i + 1);
      if (lo >= 0xdc00 && lo <= 0xdfff) {
        cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
        i++;
      }
    }
    out += escapeCodePoint(cp, 0x22);
  }
  return out + '"';
}

/** Go `%q` of a rune: `'x'`, `'\n'`, `'\x00'`. */
export function goQuoteRune(cp: number): string {
  if (cp === 0x27) return "'\\''";
  if (cp === 0x22) return "'\"'";
  return "'" + escapeCodePoint(cp, 0x27) + "'";
}

/** Go `%#U` of a rune: `U+0071 'q'`, or just `U+0000` when not printable. */
export function goRuneDescription(cp: number): string {
  const hex = 'U+' + cp.toString(16).toUpperCase().padStart(4, '0');
  return isPrint(cp) ? `${hex} '${String.fromCodePoint(cp)}'` : hex;
}

/** Shortest round-trip decimal digits and exponent of a finite, non-zero |v|. */
function shortestDigits(v: number): { digits: string; exp: number } {
  const [mantissa, e] = Math.abs(v).toExponential().split('e') as [string, string];
  return { digits: mantissa.replace('.', ''), exp: Number(e) };
}

function specialFloat(v: number): string | undefined {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  return undefined;
}

/** Go `strconv.FormatFloat(v, 'f', -1, 64)`: shortest digits, never an exponent. */
export function formatFloatPlain(v: number): string {
  const special = specialFloat(v);
  if (special !== undefined) return special;
  if (v === 0) return Object.is(v, -0) ? '-0' : '0';
  const sign = v < 0 ? '-' : '';
  const { digits, exp } = shortestDigits(v);
  const pointAt = exp + 1;
  if (pointAt <= 0) return `${sign}0.${'0'.repeat(-pointAt)}${digits}`;
  if (pointAt >= digits.length) return sign + digits + '0'.repeat(pointAt - digits.length);
  return `${sign}${digits.slice(0, pointAt)}.${digits.slice(pointAt)}`;
}

/** Go `%v` (and `strconv.FormatFloat(v, 'g', -1, 64)`) of a float64: `0.5`, `1e+06`, `1e-05`. */
export function formatFloatG(v: number): string {
  const special = specialFloat(v);
  if (special !== undefined) return special;
  if (v === 0) return Object.is(v, -0) ? '-0' : '0';
  const { digits, exp } = shortestDigits(v);
  if (exp < -4 || exp >= 6) {
    const sign = v < 0 ? '-' : '';
    const mant = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    const e = Math.abs(exp);
    return `${sign}${mant}e${exp < 0 ? '-' : '+'}${e < 10 ? '0' : ''}${e}`;
  }
  return formatFloatPlain(v);
}

/** Go `fmt` `%f` (6 decimals) of a float64, as in "timestamp out of bounds" messages. */
export function formatFloatFixed6(v: number): string {
  const special = specialFloat(v);
  if (special !== undefined) return special;
  if (Math.abs(v) < 1e21) return v.toFixed(6);
  return BigInt(v).toString() + '.000000';
}
