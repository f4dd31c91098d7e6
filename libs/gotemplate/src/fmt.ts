import { formatBinaryFloat, formatFloat, formatHexFloat } from './float-format.ts';
import { GoTime } from './go-time.ts';
import {
  GoTypedString,
  NO_VALUE,
  isPlainObject,
  kindOf,
  methodOf,
  sortedEntries,
  toNumber,
  toStr,
  typeName,
} from './value.ts';

/** Go's `fmt` flags and sizes for one verb. */
interface Spec {
  plus: boolean;
  minus: boolean;
  sharp: boolean;
  space: boolean;
  zero: boolean;
  width: number | undefined;
  prec: number | undefined;
  plusV: boolean;
  sharpV: boolean;
}

const plainSpec = (): Spec => ({
  plus: false,
  minus: false,
  sharp: false,
  space: false,
  zero: false,
  width: undefined,
  prec: undefined,
  plusV: false,
  sharpV: false,
});

/** `fmt.Sprint`: operands formatted with `%v`, a space between two operands when neither is a string. */
export function sprint(args: readonly unknown[]): string {
  let out = '';
  args.forEach((a, i) => {
    const isString = kindOf(a) === 'string';
    if (i > 0 && !isString && kindOf(args[i - 1]) !== 'string') out += ' ';
    out += formatValue(a, 'v', plainSpec(), 0);
  });
  return out;
}

/** `fmt.Sprintln`: operands formatted with `%v`, always space-separated, newline at the end. */
export function sprintln(args: readonly unknown[]): string {
  return `${args.map((a) => formatValue(a, 'v', plainSpec(), 0)).join(' ')}\n`;
}

/** `%v` of one value, as `{{.}}` prints it (nil prints `<nil>`). */
export function formatV(v: unknown): string {
  return formatValue(v, 'v', plainSpec(), 0);
}

function quoteGo(s: string, asciiOnly: boolean): string {
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    switch (ch) {
      case '"':
        out += '\\"';
        continue;
      case '\\':
        out += '\\\\';
        continue;
      case '\x07':
        out += '\\a';
        continue;
      case '\b':
        out += '\\b';
        continue;
      case '\f':
        out += '\\f';
        continue;
      case '\n':
        out += '\\n';
        continue;
      case '\r':
        out += '\\r';
        continue;
      case '\t':
        out += '\\t';
        continue;
      case '\v':
        out += '\\v';
        continue;
    }
    if (c < 0x20 || c === 0x7f) out += `\\x${c.toString(16).padStart(2, '0')}`;
    else if (c < 0x7f) out += ch;
    else if (c === 0xfffd && ch !== '\ufffd') out += '\\ufffd';
    else if (!asciiOnly && isPrintable(ch)) out += ch;
    else if (c < 0x10000) out += `\\u${c.toString(16).padStart(4, '0')}`;
    else out += `\\U${c.toString(16).padStart(8, '0')}`;
  }
  return `${out}"`;
}

/** Go's `strconv.Quote` of a string. */
export function goQuote(s: string): string {
  return quoteGo(s, false);
}

function isPrintable(ch: string): boolean {
  return /^[\p{L}\p{M}\p{N}\p{P}\p{S}\u0020]$/u.test(ch);
}

function pad(s: string, spec: Spec, zeroAllowed = true): string {
  if (spec.width === undefined) return s;
  const n = [...s].length;
  if (n >= spec.width) return s;
  const fill = spec.width - n;
  if (spec.minus) return s + ' '.repeat(fill);
  return (spec.zero && zeroAllowed ? '0' : ' ').repeat(fill) + s;
}

/** Go's `%!verb(type=value)`; the value is printed with `%v` under the same flags, as Go does. */
function badVerb(v: unknown, verb: string, spec: Spec = plainSpec()): string {
  if (v === null || v === undefined || v === NO_VALUE) return `%!${verb}(<nil>)`;
  return `%!${verb}(${typeName(v)}=${formatValue(v, 'v', { ...spec, plusV: false, sharpV: false }, 0)})`;
}

/** The rune of an integer, U+FFFD when it is not a valid code point (as Go's `%c`). */
function runeOf(n: bigint): string {
  if (n < 0n || n > 0x10ffffn || (n >= 0xd800n && n <= 0xdfffn)) return '\ufffd';
  return String.fromCodePoint(Number(n));
}

function fmtInteger(n: bigint, verb: string, spec: Spec): string {
  const neg = n < 0n;
  let abs = neg ? -n : n;
  let digits: string;
  let prefix = '';
  switch (verb) {
    case 'd':
    case 'v':
      digits = abs.toString(10);
      break;
    case 'b':
      digits = abs.toString(2);
      if (spec.sharp) prefix = '0b';
      break;
    case 'o':
    case 'O':
      digits = abs.toString(8);
      if (verb === 'O') prefix = '0o';
      else if (spec.sharp && digits !== '0') prefix = '0';
      break;
    case 'x':
      digits = abs.toString(16);
      if (spec.sharp) prefix = '0x';
      break;
    case 'X':
      digits = abs.toString(16).toUpperCase();
      if (spec.sharp) prefix = '0X';
      break;
    case 'c':
      return pad(runeOf(n), spec, false);
    case 'q': {
      const r = runeOf(n);
      const body = r === "'" ? "\\'" : r === '"' ? '"' : quoteGo(r, spec.plus).slice(1, -1);
      return pad(`'${body}'`, spec, false);
    }
    case 'U': {
      const u = n < 0n ? n + (1n << 64n) : n;
      let s = `U+${u.toString(16).toUpperCase().padStart(4, '0')}`;
      if (spec.sharp && u <= 0x10ffffn && (runeOf(n) !== '\ufffd' || n === 0xfffdn) && isPrintable(runeOf(n)))
        s += ` '${runeOf(n)}'`;
      return pad(s, spec, false);
    }
    default:
      abs = 0n;
      digits = '';
  }
  if (spec.prec !== undefined) {
    if (spec.prec === 0 && n === 0n) digits = '';
    digits = digits.padStart(spec.prec, '0');
  } else if (spec.zero && !spec.minus && spec.width !== undefined) {
    const signLen = neg || spec.plus || spec.space ? 1 : 0;
    digits = digits.padStart(spec.width - signLen - prefix.length, '0');
  }
  const sign = neg ? '-' : spec.plus ? '+' : spec.space ? ' ' : '';
  return pad(sign + prefix + digits, spec, false);
}

function fmtFloatVerb(v: number, verb: string, spec: Spec): string {
  let fmtChar = verb;
  let prec = spec.prec ?? -1;
  if (verb === 'v') {
    fmtChar = 'g';
    prec = spec.prec ?? -1;
  } else if (verb === 'F') fmtChar = 'f';
  if ((fmtChar === 'e' || fmtChar === 'E' || fmtChar === 'f') && spec.prec === undefined) prec = 6;
  let num: string;
  if (fmtChar === 'x' || fmtChar === 'X') num = formatHexFloat(v, fmtChar, prec);
  else if (fmtChar === 'b') num = formatBinaryFloat(v);
  else num = formatFloat(v, fmtChar, prec);
  if (num[0] !== '-' && num[0] !== '+') num = `+${num}`;
  if (spec.space && num[0] === '+' && !spec.plus) num = ` ${num.slice(1)}`;
  if (num[1] === 'I' || num[1] === 'N') {
    if (num[1] === 'N' && !spec.space && !spec.plus) num = num.slice(1);
    return pad(num, spec, false);
  }
  if (spec.sharp && !num.slice(1).includes('.') && !/[eE]/.test(num)) num += '.';
  if (spec.plus || num[0] !== '+') {
    if (spec.zero && !spec.minus && spec.width !== undefined && spec.width > num.length) {
      return num[0] + '0'.repeat(spec.width - num.length) + num.slice(1);
    }
    return pad(num, spec, false);
  }
  return pad(num.slice(1), spec);
}

function fmtString(s: string, verb: string, spec: Spec): string {
  switch (verb) {
    case 'v':
    case 's': {
      const t = spec.prec !== undefined ? [...s].slice(0, spec.prec).join('') : s;
      return pad(t, spec);
    }
    case 'q':
      if (spec.sharp && !/[`\x00-\x08\x0a-\x1f\x7f\ufeff]/.test(s)) return pad(`\`${s}\``, spec);
      return pad(quoteGo(spec.prec !== undefined ? [...s].slice(0, spec.prec).join('') : s, spec.plus), spec);
    case 'x':
    case 'X': {
      let bytes = Buffer.from(s, 'utf8');
      if (spec.prec !== undefined) bytes = bytes.subarray(0, spec.prec);
      const parts = [...bytes].map((b) => {
        const h = b.toString(16).padStart(2, '0');
        return verb === 'X' ? h.toUpperCase() : h;
      });
      if (parts.length === 0) return pad('', spec);
      const px = spec.sharp ? (verb === 'X' ? '0X' : '0x') : '';
      const out = spec.space ? parts.map((p) => px + p).join(' ') : px + parts.join('');
      return pad(out, spec);
    }
    default:
      return badVerb(s, verb, spec);
  }
}

/** Formats one operand with a verb, following Go's `fmt.(*pp).printArg`/`printValue`. */
function formatValue(v: unknown, verb: string, spec: Spec, depth: number): string {
  const kind = kindOf(v);
  if (kind === 'nil' || kind === 'invalid') {
    if (verb === 'v' || verb === 'T') return pad('<nil>', spec);
    return badVerb(v, verb, spec);
  }
  if (verb === 'T') return pad(typeName(v), spec);
  if (kind === 'struct' || kind === 'slice' || kind === 'map') {
    if ('vsxXq'.includes(verb) && !spec.sharpV) {
      const errorFn = methodOf(v, 'Error');
      const stringFn = errorFn ?? methodOf(v, 'String');
      if (stringFn && stringFn.length === 0) return fmtString(String(stringFn()), verb, spec);
    }
  }
  switch (kind) {
    case 'bool':
      if (verb === 't' || verb === 'v') return pad(v ? 'true' : 'false', spec, false);
      return badVerb(v, verb, spec);
    case 'int': {
      if (!'vdboOxXcqU'.includes(verb)) return badVerb(v, verb, spec);
      return fmtInteger(BigInt(typeof v === 'bigint' ? v : Math.trunc(v as number)), verb, spec);
    }
    case 'float':
      if (!'vbeEfFgGxX'.includes(verb)) return badVerb(v, verb, spec);
      return fmtFloatVerb(toNumber(v), verb, spec);
    case 'string':
      if (v instanceof GoTypedString && verb === 'v' && spec.sharpV)
        return `${v.typeName}(${goQuote(v.value)})`;
      return fmtString(toStr(v), verb, spec);
    case 'slice': {
      const items = (v as unknown[]).map((x) =>
        formatValue(x, verb, { ...spec, width: spec.width }, depth + 1),
      );
      return `[${items.join(' ')}]`;
    }
    case 'map': {
      const parts = sortedEntries(v as object).map(
        ([k, x]) => `${formatValue(k, verb, spec, depth + 1)}:${formatValue(x, verb, spec, depth + 1)}`,
      );
      return `map[${parts.join(' ')}]`;
    }
    case 'func':
      return verb === 'v' ? '0x1' : badVerb(v, verb, spec);
    default: {
      if (v instanceof Date) return formatValue(GoTime.fromDate(v), verb, spec, depth);
      const fields = structFields(v as object);
      const parts = fields.map(
        ([name, x]) => (spec.plusV ? `${name}:` : '') + formatValue(x, verb, spec, depth + 1),
      );
      return `{${parts.join(' ')}}`;
    }
  }
}

/** The fields of a struct-like object in declaration order: its own enumerable properties. */
export function structFields(v: object): [string, unknown][] {
  if (isPlainObject(v)) return Object.entries(v);
  return Object.entries(v).filter(([k]) => !k.startsWith('_'));
}

/**
 * Go's `fmt.Sprintf`: verbs `v +v T t b c d o O q x X U e E f F g G s %`, flags
 * `+ - # 0 space`, width and precision (also `*`) and explicit argument indexes `%[n]d`.
 * Wrong verbs, missing and extra operands print as Go does (`%!d(string=x)`,
 * `%!d(MISSING)`, `%!(EXTRA int=1)`).
 */
export function sprintf(format: string, args: readonly unknown[]): string {
  let out = '';
  let argNum = 0;
  let reordered = false;
  let goodArgNum = true;
  const n = format.length;
  let i = 0;
  /** Go's `argNumber`: reads `[n]` at i; returns the zero-based index when valid. */
  const parseArgNumber = (): number | undefined => {
    if (format[i] !== '[') return undefined;
    reordered = true;
    const close = format.indexOf(']', i + 1);
    if (close < 0) {
      goodArgNum = false;
      i += 1;
      return undefined;
    }
    const digits = format.slice(i + 1, close);
    i = close + 1;
    const num = /^\d+$/.test(digits) ? Number(digits) : NaN;
    if (Number.isInteger(num) && num >= 1 && num - 1 < args.length) return num - 1;
    goodArgNum = false;
    return undefined;
  };
  const intArg = (): number | undefined => {
    if (argNum >= args.length) return undefined;
    const a = args[argNum++];
    return kindOf(a) === 'int' ? toNumber(a) : undefined;
  };
  while (i < n) {
    const pct = format.indexOf('%', i);
    if (pct < 0) {
      out += format.slice(i);
      break;
    }
    out += format.slice(i, pct);
    i = pct + 1;
    const spec = plainSpec();
    goodArgNum = true;
    flags: while (i < n) {
      switch (format[i]) {
        case '#':
          spec.sharp = true;
          break;
        case '0':
          spec.zero = !spec.minus;
          break;
        case '+':
          spec.plus = true;
          break;
        case '-':
          spec.minus = true;
          spec.zero = false;
          break;
        case ' ':
          spec.space = true;
          break;
        default:
          break flags;
      }
      i++;
    }
    let idx = parseArgNumber();
    if (idx !== undefined) argNum = idx;
    if (format[i] === '*') {
      i++;
      const w = intArg();
      if (w === undefined) out += '%!(BADWIDTH)';
      else {
        spec.width = Math.abs(w);
        if (w < 0) {
          spec.minus = true;
          spec.zero = false;
        }
      }
    } else {
      const start = i;
      while (i < n && format[i]! >= '0' && format[i]! <= '9') i++;
      if (i > start) spec.width = Number(format.slice(start, i));
    }
    if (format[i] === '.') {
      i++;
      idx = parseArgNumber();
      if (idx !== undefined) argNum = idx;
      if (format[i] === '*') {
        i++;
        const p = intArg();
        if (p === undefined || p < 0) out += '%!(BADPREC)';
        else spec.prec = p;
      } else {
        const start = i;
        while (i < n && format[i]! >= '0' && format[i]! <= '9') i++;
        spec.prec = Number(format.slice(start, i) || '0');
      }
    }
    idx = parseArgNumber();
    if (idx !== undefined) argNum = idx;
    if (i >= n) {
      out += '%!(NOVERB)';
      break;
    }
    const verb = String.fromCodePoint(format.codePointAt(i)!);
    i += verb.length;
    if (verb === '%') {
      out += '%';
      continue;
    }
    if (!goodArgNum) {
      out += `%!${verb}(BADINDEX)`;
      continue;
    }
    if (argNum >= args.length) {
      out += `%!${verb}(MISSING)`;
      continue;
    }
    if (verb === 'w') {
      out += badVerb(args[argNum++], verb);
      continue;
    }
    if (verb === 'v') {
      if (spec.sharp) {
        spec.sharp = false;
        spec.sharpV = true;
      }
      if (spec.plus) {
        spec.plus = false;
        spec.plusV = true;
      }
    }
    out += formatValue(args[argNum++], verb, spec, 0);
  }
  if (!reordered && argNum < args.length) {
    const extra = args
      .slice(argNum)
      .map((a) =>
        a === null || a === undefined || a === NO_VALUE ? '<nil>' : `${typeName(a)}=${formatV(a)}`,
      );
    out += `%!(EXTRA ${extra.join(', ')})`;
  }
  return out;
}
