/**
 * Go's `strconv.FormatFloat` for the `e`, `f` and `g` formats: shortest digits for
 * precision -1, otherwise exact decimal expansion rounded half to even, as Go does.
 */

interface Decimal {
  /** Significant digits, no leading zeros ("" for zero). */
  digits: string;
  /** Position of the decimal point relative to the first digit. */
  dp: number;
}

function shortest(v: number): Decimal {
  if (v === 0) return { digits: '', dp: 0 };
  const [mant, exp] = v.toExponential().split('e') as [string, string];
  const digits = mant.replace('.', '').replace(/0+$/, '');
  return { digits, dp: Number(exp) + 1 };
}

function exact(v: number): Decimal {
  if (v === 0) return { digits: '', dp: 0 };
  const buf = new DataView(new ArrayBuffer(8));
  buf.setFloat64(0, v);
  const hi = buf.getUint32(0);
  const lo = buf.getUint32(4);
  const biased = (hi >>> 20) & 0x7ff;
  let mant = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  let e: number;
  if (biased === 0) e = -1074;
  else {
    mant |= 1n << 52n;
    e = biased - 1075;
  }
  let s: string;
  let dp: number;
  if (e >= 0) {
    s = (mant << BigInt(e)).toString();
    dp = s.length;
  } else {
    s = (mant * 5n ** BigInt(-e)).toString();
    dp = s.length + e;
  }
  const trimmed = s.replace(/0+$/, '');
  const lead = trimmed.length - trimmed.replace(/^0+/, '').length;
  return { digits: trimmed.slice(lead), dp: dp - lead };
}

/** Rounds to `nd` significant digits, half to even on exact ties (exact input). */
function round(d: Decimal, nd: number): Decimal {
  if (nd < 0) return { digits: '', dp: d.dp };
  if (nd >= d.digits.length) return d;
  const next = d.digits.charCodeAt(nd) - 48;
  let up: boolean;
  if (next > 5) up = true;
  else if (next < 5) up = false;
  else if (nd + 1 < d.digits.length) up = true;
  else up = nd > 0 && (d.digits.charCodeAt(nd - 1) - 48) % 2 === 1;
  let digits = d.digits.slice(0, nd);
  let dp = d.dp;
  if (up) {
    let i = digits.length - 1;
    const arr = digits.split('');
    while (i >= 0 && arr[i] === '9') {
      arr[i] = '0';
      i--;
    }
    if (i < 0) {
      arr.unshift('1');
      dp++;
    } else arr[i] = String.fromCharCode(arr[i]!.charCodeAt(0) + 1);
    digits = arr.join('');
  }
  digits = digits.replace(/0+$/, '');
  return { digits, dp };
}

const digitAt = (d: Decimal, i: number): string => (i >= 0 && i < d.digits.length ? d.digits[i]! : '0');

function fmtE(d: Decimal, prec: number, upper: boolean): string {
  let out = d.digits.length === 0 ? '0' : d.digits[0]!;
  if (prec > 0) {
    out += '.';
    for (let i = 1; i <= prec; i++) out += digitAt(d, i);
  }
  const exp = d.digits.length === 0 ? 0 : d.dp - 1;
  const sign = exp < 0 ? '-' : '+';
  const abs = Math.abs(exp);
  return `${out}${upper ? 'E' : 'e'}${sign}${abs < 10 ? `0${abs}` : abs}`;
}

function fmtF(d: Decimal, prec: number): string {
  let out = '';
  if (d.dp > 0) for (let i = 0; i < d.dp; i++) out += digitAt(d, i);
  else out = '0';
  if (prec > 0) {
    out += '.';
    for (let i = 0; i < prec; i++) out += digitAt(d, d.dp + i);
  }
  return out;
}

/**
 * Formats a finite or special float like `strconv.FormatFloat(v, fmt, prec, 64)`
 * for fmt in `e E f F g G`; the sign is included.
 */
export function formatFloat(v: number, fmt: string, prec: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  const neg = v < 0 || Object.is(v, -0);
  const abs = Math.abs(v);
  const isShortest = prec < 0;
  let d: Decimal;
  const lower = fmt.toLowerCase();
  if (isShortest) {
    d = shortest(abs);
    if (lower === 'e') prec = Math.max(d.digits.length - 1, 0);
    else if (lower === 'f') prec = Math.max(d.digits.length - d.dp, 0);
    else prec = d.digits.length;
  } else {
    d = exact(abs);
    if (lower === 'e') d = round(d, prec + 1);
    else if (lower === 'f') d = round(d, d.dp + prec);
    else {
      if (prec === 0) prec = 1;
      d = round(d, prec);
    }
  }
  let body: string;
  if (lower === 'e') body = fmtE(d, prec, fmt === 'E');
  else if (lower === 'f') body = fmtF(d, prec);
  else {
    let eprec = prec;
    if (eprec > d.digits.length && d.digits.length >= d.dp) eprec = d.digits.length;
    if (isShortest) eprec = 6;
    const exp = d.dp - 1;
    if (d.digits.length !== 0 && (exp < -4 || exp >= eprec)) {
      body = fmtE(d, Math.max(Math.min(prec, d.digits.length) - 1, 0), fmt === 'G');
    } else {
      body = fmtF(d, Math.max(d.digits.length - d.dp, 0));
    }
  }
  return (neg ? '-' : '') + body;
}

function floatBits(v: number): { neg: boolean; mant: bigint; exp: number } {
  const buf = new DataView(new ArrayBuffer(8));
  buf.setFloat64(0, v);
  const hi = buf.getUint32(0);
  const lo = buf.getUint32(4);
  const neg = hi >>> 31 === 1;
  let exp = (hi >>> 20) & 0x7ff;
  let mant = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  if (exp === 0) exp++;
  else mant |= 1n << 52n;
  return { neg, mant, exp: exp - 1023 };
}

/** `strconv.FormatFloat(v, 'x'|'X', prec, 64)`: `-0x1.yyyyp±dd`. */
export function formatHexFloat(v: number, fmt: 'x' | 'X', prec: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (!Number.isFinite(v)) return v > 0 ? '+Inf' : '-Inf';
  const bits = floatBits(v);
  let { mant, exp } = bits;
  const one60 = 1n << 60n;
  if (mant === 0n) exp = 0;
  mant <<= 60n - 52n;
  while (mant !== 0n && (mant & one60) === 0n) {
    mant <<= 1n;
    exp--;
  }
  if (prec >= 0 && prec < 15) {
    const shift = BigInt(prec * 4);
    const extra = (mant << shift) & (one60 - 1n);
    mant >>= 60n - shift;
    if ((extra | (mant & 1n)) > 1n << 59n) mant++;
    mant <<= 60n - shift;
    if ((mant & (1n << 61n)) !== 0n) {
      mant >>= 1n;
      exp++;
    }
  }
  const hex = fmt === 'X' ? '0123456789ABCDEF' : '0123456789abcdef';
  let out = `${bits.neg ? '-' : ''}0${fmt}${(mant >> 60n) & 1n}`;
  mant = (mant << 4n) & ((1n << 64n) - 1n);
  const digit = (): string => {
    const d = hex[Number((mant >> 60n) & 15n)]!;
    mant = (mant << 4n) & ((1n << 64n) - 1n);
    return d;
  };
  if (prec < 0 && mant !== 0n) {
    out += '.';
    while (mant !== 0n) out += digit();
  } else if (prec > 0) {
    out += '.';
    for (let i = 0; i < prec; i++) out += digit();
  }
  const e = Math.abs(exp);
  return `${out}${fmt === 'X' ? 'P' : 'p'}${exp < 0 ? '-' : '+'}${e < 10 ? `0${e}` : e}`;
}

/** `strconv.FormatFloat(v, 'b', -1, 64)`: decimal mantissa, binary exponent (`4503599627370496p-52`). */
export function formatBinaryFloat(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (!Number.isFinite(v)) return v > 0 ? '+Inf' : '-Inf';
  const { neg, mant, exp } = floatBits(v);
  const e = exp - 52;
  return `${neg ? '-' : ''}${mant}p${e < 0 ? '-' : '+'}${Math.abs(e)}`;
}
