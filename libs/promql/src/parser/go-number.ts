/**
 * Number literals with Go's `strconv.ParseInt(s, 0, 64)` then `strconv.ParseFloat(s, 64)`
 * rules, as upstream's parser applies them: `0x1F`, `0755` (octal), `1_000`, `1e3`, `.5`,
 * `Inf`, `NaN`. Returns the value, or the Go error text when neither accepts the literal.
 */
export function parseGoNumber(text: string): { value: number; error?: undefined } | { value?: undefined; error: string } {
  const int = parseGoInt(text);
  if (int !== undefined) return { value: int };
  return parseGoFloat(text);
}

const MAX_INT64 = (1n << 63n) - 1n;

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

const decimalFloat = /^(?:[0-9]+(?:_[0-9]+)*(?:\.(?:[0-9]+(?:_[0-9]+)*)?)?|\.[0-9]+(?:_[0-9]+)*)(?:[eE][+-]?[0-9]+(?:_[0-9]+)*)?$/;
const special = /^[+-]?(?:inf|infinity|nan)$/i;

function parseGoFloat(text: string): { value: number } | { error: string } {
  if (special.test(text)) {
    const lower = text.toLowerCase();
    if (lower.endsWith('nan')) return { value: NaN };
    return { value: lower.startsWith('-') ? -Infinity : Infinity };
  }
  if (!decimalFloat.test(text)) return { error: `strconv.ParseFloat: parsing ${goQuoteAscii(text)}: invalid syntax` };
  const value = Number(text.replaceAll('_', ''));
  if (!Number.isFinite(value)) return { error: `strconv.ParseFloat: parsing ${goQuoteAscii(text)}: value out of range` };
  return { value };
}

function goQuoteAscii(s: string): string {
  return JSON.stringify(s);
}
