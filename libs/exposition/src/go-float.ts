/**
 * Formats a float64 as Go's `strconv.FormatFloat(v, 'g', -1, 64)`: the shortest digits
 * that round-trip, in `%e` form (`1.5e+09`, two-digit exponent at least) when the decimal
 * exponent is below -4 or at least 6, else in `%f` form. `NaN`, `+Inf` and `-Inf` as
 * Prometheus writes them.
 */
export function formatGoFloat(v: number): string {
  if (Number.isInteger(v) && v > -1e6 && v < 1e6) return String(v); // -0 prints as 0, as client libraries do
  if (v !== v) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  const abs = v < 0 ? -v : v;
  if (abs >= 1e-4 && abs < 1e6) return String(v); // JS prints shortest digits in plain form here
  // Shortest round-trip digits and decimal exponent from the exponential form.
  const e = v.toExponential();
  const at = e.indexOf('e');
  const mantissa = e.slice(0, at);
  const exp = Number(e.slice(at + 1));
  const expAbs = exp < 0 ? -exp : exp;
  return `${mantissa}e${exp < 0 ? '-' : '+'}${expAbs < 10 ? '0' : ''}${expAbs}`;
}

/**
 * Formats a sample value as client_golang's OpenMetrics writer does: like
 * {@link formatGoFloat}, but an integral value keeps a `.0` (`1.0`, `42.0`) so it reads as a float.
 */
export function formatOpenMetricsFloat(v: number): string {
  const s = formatGoFloat(v);
  if (v !== v || v === Infinity || v === -Infinity) return s;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x2e /* . */ || c === 0x65 /* e */) return s;
  }
  return s + '.0';
}

/** Formats a millisecond timestamp as OpenMetrics seconds, exactly: `1520879607.789`, `1520879607`. */
export function formatSecondsFromMs(timestampMs: number): string {
  if (!Number.isInteger(timestampMs)) return formatGoFloat(timestampMs / 1000);
  const negative = timestampMs < 0;
  const abs = negative ? -timestampMs : timestampMs;
  const seconds = Math.floor(abs / 1000);
  const ms = abs - seconds * 1000;
  let out = (negative ? '-' : '') + String(seconds);
  if (ms !== 0) out += '.' + String(ms).padStart(3, '0').replace(/0+$/, '');
  return out;
}
