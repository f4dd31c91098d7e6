/**
 * The timeout of one proxied scrape: `X-Prometheus-Scrape-Timeout-Seconds` as a float of
 * seconds, the default when missing or unparsable (as Go's `strconv.ParseFloat` would
 * refuse it), capped at the maximum.
 */
export function scrapeTimeoutMs(
  header: string | string[] | undefined,
  defaultMs: number,
  maxMs: number,
): number {
  const text = Array.isArray(header) ? header[0] : header;
  let ms = defaultMs;
  if (
    text !== undefined &&
    /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(text.trim()) &&
    text.trim() === text
  ) {
    ms = Number(text) * 1000;
  }
  return Math.min(ms, maxMs);
}
