const POW10 = [
  1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19,
  1e20, 1e21, 1e22,
];

const decimal = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const infinity = /^([+-]?)(?:inf|infinity)$/i;

/**
 * Parses `buf[start, end)` as Prometheus parses a sample value: Go's `strconv.ParseFloat`
 * restricted to decimal notation (no hex, no `_`), plus `NaN`, `Inf`, `+Inf`, `-Inf`,
 * `Infinity` in any case. Returns `undefined` when the bytes are not such a number or a
 * finite literal overflows float64 (Go's range error). Correctly rounded: short decimals
 * take an exact fast path, the rest go through `Number`.
 */
export function parseFloatBytes(buf: Uint8Array, start: number, end: number): number | undefined {
  let i = start;
  let negative = false;
  let c = buf[i];
  if (c === 0x2d /* - */) {
    negative = true;
    c = buf[++i];
  } else if (c === 0x2b /* + */) {
    c = buf[++i];
  }
  let mantissa = 0;
  let digits = 0;
  let exp10 = 0;
  while (i < end && c! >= 0x30 && c! <= 0x39) {
    mantissa = mantissa * 10 + (c! - 0x30);
    digits++;
    c = buf[++i];
  }
  if (i < end && c === 0x2e /* . */) {
    c = buf[++i];
    while (i < end && c! >= 0x30 && c! <= 0x39) {
      mantissa = mantissa * 10 + (c! - 0x30);
      digits++;
      exp10--;
      c = buf[++i];
    }
  }
  if (digits > 0 && i < end && (c === 0x65 || c === 0x45) /* e E */) {
    c = buf[++i];
    let expNegative = false;
    if (c === 0x2d) {
      expNegative = true;
      c = buf[++i];
    } else if (c === 0x2b) {
      c = buf[++i];
    }
    let e = 0;
    let expDigits = 0;
    while (i < end && c! >= 0x30 && c! <= 0x39) {
      if (e < 100000) e = e * 10 + (c! - 0x30);
      expDigits++;
      c = buf[++i];
    }
    if (expDigits === 0) return undefined;
    exp10 += expNegative ? -e : e;
  }
  if (i === end && digits > 0 && digits <= 15 && exp10 >= -22 && exp10 <= 22) {
    const v = exp10 < 0 ? mantissa / POW10[-exp10]! : exp10 > 0 ? mantissa * POW10[exp10]! : mantissa;
    return negative ? -v : v;
  }
  return parseSlow(buf, start, end);
}

function parseSlow(buf: Uint8Array, start: number, end: number): number | undefined {
  if (end - start > 4096) return undefined;
  let s = '';
  for (let i = start; i < end; i++) s += String.fromCharCode(buf[i]!);
  return parseFloatString(s);
}

/** {@link parseFloatBytes} over a string. */
export function parseFloatString(s: string): number | undefined {
  if (decimal.test(s)) {
    const v = Number(s);
    return v === Infinity || v === -Infinity ? undefined : v;
  }
  if (s.length === 3 && s.toLowerCase() === 'nan') return NaN;
  const inf = infinity.exec(s);
  if (inf) return inf[1] === '-' ? -Infinity : Infinity;
  return undefined;
}
