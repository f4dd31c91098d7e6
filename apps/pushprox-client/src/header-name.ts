/**
 * Go's `CanonicalMIMEHeaderKey`: the first letter and every letter after a hyphen upper
 * case, the rest lower case (`x-prometheus-scrape-timeout-seconds` →
 * `X-Prometheus-Scrape-Timeout-Seconds`). Names with characters outside a token stay as given.
 */
export function canonicalHeaderName(name: string): string {
  if (!/^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/.test(name)) return name;
  let out = '';
  let upper = true;
  for (const ch of name) {
    out += upper ? ch.toUpperCase() : ch.toLowerCase();
    upper = ch === '-';
  }
  return out;
}
