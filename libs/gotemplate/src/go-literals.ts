/** Parsing of Go literal syntax: `strconv.Unquote`, `ParseInt(s, 0, 64)` and `ParseFloat`. */

/** Go's `strconv.Unquote` for "…", `…` and '…' forms; throws `Error('invalid syntax')`. */
export function goUnquote(quoted: string): string {
  const q = quoted[0];
  if (quoted.length < 2 || quoted[quoted.length - 1] !== q) throw new Error('invalid syntax');
  const body = quoted.slice(1, -1);
  if (q === '`') {
    if (body.includes('`')) throw new Error('invalid syntax');
    return body.replaceAll('\r', '');
  }
  if (q !== '"' && q !== "'") throw new Error('invalid syntax');
  let out = '';
  for (let i = 0; i < body.length;) {
    const c = body[i]!;
    if (c === q || c === '\n') throw new Error('invalid syntax');
    if (c !== '\\') {
      out += c;
      i++;
      continue;
    }
    const [ch, next] = unquoteEscape(body, i + 1, q);
    out += ch;
    i = next;
  }
  if (q === "'" && [...out].length !== 1) throw new Error('invalid syntax');
  return out;
}

function unquoteEscape(s: string, i: number, quote: string): [string, number] {
  const c = s[i];
  const simple: Record<string, string> = {
    a: '\x07',
    b: '\b',
    f: '\f',
    n: '\n',
    r: '\r',
    t: '\t',
    v: '\v',
    '\\': '\\',
  };
  if (c === undefined) throw new Error('invalid syntax');
  if (simple[c] !== undefined) return [simple[c]!, i + 1];
  if (c === quote) return [c, i + 1];
  const hex = (n: number): [string, number] => {
    const digits = s.slice(i + 1, i + 1 + n);
    if (digits.length !== n || !/^[0-9a-fA-F]+$/.test(digits)) throw new Error('invalid syntax');
    const cp = parseInt(digits, 16);
    if (n > 2 && (cp > 0x10ffff || (cp >= 0xd800 && cp < 0xe000))) throw new Error('invalid syntax');
    return [String.fromCodePoint(cp), i + 1 + n];
  };
  if (c === 'x') return hex(2);
  if (c === 'u') return hex(4);
  if (c === 'U') return hex(8);
  if (c >= '0' && c <= '7') {
    const digits = s.slice(i, i + 3);
    if (!/^[0-7]{3}$/.test(digits)) throw new Error('invalid syntax');
    const v = parseInt(digits, 8);
    if (v > 255) throw new Error('invalid syntax');
    return [String.fromCodePoint(v), i + 3];
  }
  throw new Error('invalid syntax');
}

/** Go's `strconv.ParseInt(text, 0, 64)` restricted to safe JS integers; undefined when invalid. */
export function parseGoInt(text: string): number | undefined {
  let s = text;
  let sign = 1;
  if (s[0] === '+' || s[0] === '-') {
    if (s[0] === '-') sign = -1;
    s = s.slice(1);
  }
  let base = 10;
  let prefixed = false;
  if (/^0[xX]/.test(s)) [base, s, prefixed] = [16, s.slice(2), true];
  else if (/^0[oO]/.test(s)) [base, s, prefixed] = [8, s.slice(2), true];
  else if (/^0[bB]/.test(s)) [base, s, prefixed] = [2, s.slice(2), true];
  else if (s.length > 1 && s[0] === '0') [base, s] = [8, s.slice(1)];
  if (s.includes('_')) {
    if (!prefixed && base === 10 && !/^\d(_?\d)*$/.test(s)) return undefined;
    if (/__|_$/.test(s) || (!prefixed && s.startsWith('_'))) return undefined;
    s = s.replaceAll('_', '');
  }
  if (s === '') return undefined;
  const digitRe = { 2: /^[01]+$/, 8: /^[0-7]+$/, 10: /^\d+$/, 16: /^[0-9a-fA-F]+$/ }[base as 2 | 8 | 10 | 16];
  if (!digitRe.test(s)) return undefined;
  const big =
    BigInt(sign) * BigInt(base === 10 ? s : `0${{ 2: 'b', 8: 'o', 16: 'x' }[base as 2 | 8 | 16]}${s}`);
  if (big > 9223372036854775807n || big < -9223372036854775808n) return undefined;
  return Number(big);
}

/** Whether `text` is a valid Go unsigned integer literal that fits in a uint64. */
export function isGoUint64(text: string): boolean {
  if (text.startsWith('-') || text.startsWith('+')) return false;
  let s = text.replaceAll('_', '');
  let prefix = '';
  if (/^0[xX]/.test(s)) [prefix, s] = ['0x', s.slice(2)];
  else if (/^0[oO]/.test(s)) [prefix, s] = ['0o', s.slice(2)];
  else if (/^0[bB]/.test(s)) [prefix, s] = ['0b', s.slice(2)];
  else if (s.length > 1 && s[0] === '0') [prefix, s] = ['0o', s.slice(1)];
  try {
    return s !== '' && BigInt(prefix + s) <= 18446744073709551615n;
  } catch {
    return false;
  }
}

/** Go's `strconv.ParseFloat(text, 64)`; undefined when invalid. */
export function parseGoFloat(text: string): number | undefined {
  let s = text.replaceAll('_', '');
  let sign = 1;
  if (s[0] === '+' || s[0] === '-') {
    if (s[0] === '-') sign = -1;
    s = s.slice(1);
  }
  const lower = s.toLowerCase();
  if (lower === 'inf' || lower === 'infinity') return sign * Infinity;
  if (lower === 'nan') return NaN;
  const hexm = /^0[xX]([0-9a-fA-F]*)(?:\.([0-9a-fA-F]*))?[pP]([+-]?\d+)$/.exec(s);
  if (hexm) {
    const [, intPart = '', frac = '', exp] = hexm;
    if (intPart === '' && frac === '') return undefined;
    const mant = parseInt(intPart + frac || '0', 16);
    return sign * mant * 2 ** (Number(exp) - 4 * frac.length);
  }
  if (!/^(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(s)) return undefined;
  const v = sign * Number(s);
  return Number.isFinite(v) ? v : undefined;
}
