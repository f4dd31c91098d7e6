/**
 * Number literals with Go's `strconv.ParseInt(s, 0, 64)` then `strconv.ParseFloat(s, 64)`
 * rules, as upstream's parser applies them: `0x1F`, `0755` (octal), `1_000`, `1e3`, `.5`,
 * `Inf`, `NaN`. Returns the value, or the Go error text when neither accepts the literal.
 */
export function parseGoNumber(
  text: string,
): { value: number; error?: undefined } | { value?: undefined; error: string } {
  // Fast path: plain decimal integers and fractions without a leading zero (no octal, no `_`).
  if (plainDecimal.test(text)) return { value: Number(text) };
  const int = parseGoInt(text);
  if (int !== undefined) return { value: int };
  return parseGoFloat(text);
}

const MAX_INT64 = (1n << 63n) - 1n;
const plainDecimal = /^(?:0|[1-9][0-9]{0,14})(?:\.[0-9]+)?$|^0?\.[0-9]+$/;

const intForms: ReadonlyArray<readonly [RegExp, number, number]> = [
  [/^0[xX]_?[0-9a-fA-F]+(?:_[0-9a-fA-F]+)*$/, 2, 16],
  [/^0[oO]_?[0-7]+(?:_[0-7]+)*$/, 2, 8],
  [/^0[bB]_?[01]+(?:_[01]+)*$/, 2, 2],
  [/^0_?[0-7]+(?:_[0-7]+)*$/, 1, 8],
  [/^(?:0|[1-9][0-9]*(?:_[0-9]+)*)$/, 0, 10],
];

function parseGoInt(text: string): number | undefined {
  for (const [re, prefix, base] of intForms) {
    if (!re.test(text)) continue;
    const digits = text.slice(prefix).replaceAll('_', '');
    let v = 0n;
    const b = BigInt(base);
    for (const ch of digits) v = v * b + BigInt(parseInt(ch, 16));
    if (v > MAX_INT64) return undefined;
    return Number(v);
  }
  return undefined;
}

const decimalFloat =
  /^(?:[0-9]+(?:_[0-9]+)*(?:\.(?:[0-9]+(?:_[0-9]+)*)?)?|\.[0-9]+(?:_[0-9]+)*)(?:[eE][+-]?[0-9]+(?:_[0-9]+)*)?$/;
const special = /^[+-]?(?:inf|infinity|nan)$/i;

function parseGoFloat(text: string): { value: number } | { error: string } {
  if (special.test(text)) {
    const lower = text.toLowerCase();
    if (lower.endsWith('nan')) return { value: NaN };
    return { value: lower.startsWith('-') ? -Infinity : Infinity };
  }
  if (!decimalFloat.test(text))
    return { error: `strconv.ParseFloat: parsing ${goQuoteAscii(text)}: invalid syntax` };
  const value = Number(text.replaceAll('_', ''));
  if (!Number.isFinite(value))
    return { error: `strconv.ParseFloat: parsing ${goQuoteAscii(text)}: value out of range` };
  return { value };
}

function goQuoteAscii(s: string): string {
  return JSON.stringify(s);
}

const DURATION_UNITS: ReadonlyMap<string, readonly [order: number, ms: number]> = new Map([
  ['y', [1, 365 * 24 * 3_600_000]],
  ['w', [2, 7 * 24 * 3_600_000]],
  ['d', [3, 24 * 3_600_000]],
  ['h', [4, 3_600_000]],
  ['m', [5, 60_000]],
  ['s', [6, 1000]],
  ['ms', [7, 1]],
]);

/** Upstream's limit: the duration in nanoseconds must fit an int64. */
const MAX_DURATION_MS = Math.floor((2 ** 63 - 1) / 1e6);

function isDigitCode(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

/**
 * A Prometheus duration (`1h30m`, `5m`, `250ms`, `0`) in milliseconds, with the error text of
 * `model.ParseDuration` (`not a valid duration string: "5m1h"`, `unknown unit "hs" in duration "5y1hs"`).
 */
export function parsePromDuration(
  text: string,
): { ms: number; error?: undefined } | { ms?: undefined; error: string } {
  if (text === '0') return { ms: 0 };
  if (text === '') return { error: 'empty duration string' };
  const invalid = { error: `not a valid duration string: ${JSON.stringify(text)}` };
  let total = 0;
  let lastOrder = 0;
  let i = 0;
  while (i < text.length) {
    const digitsStart = i;
    while (i < text.length && isDigitCode(text.charCodeAt(i))) i++;
    if (i === digitsStart) return invalid;
    const count = Number(text.slice(digitsStart, i));
    const unitStart = i;
    while (i < text.length && !isDigitCode(text.charCodeAt(i))) i++;
    if (i === unitStart) return invalid;
    const unit = text.slice(unitStart, i);
    const spec = DURATION_UNITS.get(unit);
    if (!spec) return { error: `unknown unit ${JSON.stringify(unit)} in duration ${JSON.stringify(text)}` };
    if (spec[0] <= lastOrder) return invalid;
    lastOrder = spec[0];
    total += count * spec[1];
    if (!(total <= MAX_DURATION_MS)) return { error: 'duration out of range' };
  }
  return { ms: total };
}
