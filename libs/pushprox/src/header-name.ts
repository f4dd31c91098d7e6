/** Header the scraper sends with its scrape timeout in seconds; the proxy and client read it. */
export const SCRAPE_TIMEOUT_HEADER = 'X-Prometheus-Scrape-Timeout-Seconds';
/** Header the client adds to a push: the seconds left of the scrape deadline (Go `%f`). */
export const PUSH_TIMEOUT_HEADER = 'X-Prometheus-Scrape-Timeout';
/** Header the proxy adds to each scrape request and the client echoes on its push. */
export const SCRAPE_ID_HEADER = 'Id';

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/**
 * Go's `CanonicalMIMEHeaderKey`: the first letter and every letter after a hyphen upper
 * case, the rest lower case (`x-prometheus-scrape-timeout-seconds` →
 * `X-Prometheus-Scrape-Timeout-Seconds`). Names with characters outside a token stay as given.
 */
export function canonicalHeaderName(name: string): string {
  if (!TOKEN.test(name)) return name;
  let out = '';
  let upper = true;
  for (const ch of name) {
    out += upper ? ch.toUpperCase() : ch.toLowerCase();
    upper = ch === '-';
  }
  return out;
}

/** Header pairs by canonical name, in message order. */
export type HeaderPairs = readonly (readonly [string, string])[];

/** First value of a header among pairs already in canonical form. */
export function firstHeader(headers: HeaderPairs, canonicalName: string): string | undefined {
  return headers.find(([n]) => n === canonicalName)?.[1];
}

/**
 * Groups pairs by canonical name, values of one name in arrival order, names sorted as
 * Go's `Header.Write` emits them; names in `skip` (canonical) are left out.
 */
export function sortedHeaderLines(headers: HeaderPairs, skip: ReadonlySet<string>): string {
  const byName = new Map<string, string[]>();
  for (const [rawName, value] of headers) {
    const name = canonicalHeaderName(rawName);
    if (skip.has(name)) continue;
    const values = byName.get(name);
    if (values) values.push(value);
    else byName.set(name, [value]);
  }
  let out = '';
  for (const name of [...byName.keys()].sort()) {
    // Go's header writer replaces newlines in values by spaces and trims them.
    for (const value of byName.get(name)!) out += `${name}: ${value.replace(/[\r\n]+/g, ' ').trim()}\r\n`;
  }
  return out;
}
