/** What Go's `strconv.ParseFloat` accepts in decimal form (no `Inf`, `NaN` or hex). */
const GO_FLOAT = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/**
 * Seconds from a timeout header, as Go's `strconv.ParseFloat` reads them; undefined when
 * Go would refuse the text (surrounding spaces included).
 */
export function parseTimeoutSeconds(text: string | undefined): number | undefined {
  return text !== undefined && GO_FLOAT.test(text) ? Number(text) : undefined;
}

/** The error text Go's `strconv.ParseFloat` gives for `text`, which the upstream client pushes back. */
export function parseFloatErrorText(text: string): string {
  return `strconv.ParseFloat: parsing ${JSON.stringify(text)}: invalid syntax`;
}

/**
 * The proxy's timeout for one scrape: `X-Prometheus-Scrape-Timeout-Seconds` as seconds,
 * the default when missing or unparsable, capped at the maximum.
 */
export function scrapeTimeoutMs(header: string | undefined, defaultMs: number, maxMs: number): number {
  const seconds = parseTimeoutSeconds(header);
  return Math.min(seconds === undefined ? defaultMs : seconds * 1000, maxMs);
}

/** Remaining time as the client writes `X-Prometheus-Scrape-Timeout`: seconds with Go `%f` (6 decimals), never negative. */
export function formatRemainingSeconds(remainingMs: number): string {
  return (Math.max(0, remainingMs) / 1000).toFixed(6);
}
