/** The two text exposition formats Argus reads and writes. */
export type ExpositionFormat = 'text' | 'openmetrics';

/** `Content-Type` of the Prometheus text format 0.0.4. */
export const TEXT_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';
/** `Content-Type` of OpenMetrics 1.0.0. */
export const OPENMETRICS_CONTENT_TYPE = 'application/openmetrics-text; version=1.0.0; charset=utf-8';

/** The `Content-Type` a target sends with a body in `format`. */
export function contentTypeFor(format: ExpositionFormat): string {
  return format === 'openmetrics' ? OPENMETRICS_CONTENT_TYPE : TEXT_CONTENT_TYPE;
}

/** Scrape protocols as named in `scrape_protocols` of prometheus.yml. */
export type ScrapeProtocol =
  | 'PrometheusProto'
  | 'PrometheusText0.0.4'
  | 'PrometheusText1.0.0'
  | 'OpenMetricsText0.0.1'
  | 'OpenMetricsText1.0.0';

/** The media type each scrape protocol asks for, as Prometheus writes it. */
export const SCRAPE_PROTOCOL_MEDIA_TYPES: Readonly<Record<ScrapeProtocol, string>> = {
  PrometheusProto:
    'application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;encoding=delimited',
  'PrometheusText0.0.4': 'text/plain;version=0.0.4',
  'PrometheusText1.0.0': 'text/plain;version=1.0.0',
  'OpenMetricsText0.0.1': 'application/openmetrics-text;version=0.0.1',
  'OpenMetricsText1.0.0': 'application/openmetrics-text;version=1.0.0',
};

/** Prometheus 3.x's default `scrape_protocols`, in order of preference. */
export const DEFAULT_SCRAPE_PROTOCOLS: readonly ScrapeProtocol[] = [
  'OpenMetricsText1.0.0',
  'OpenMetricsText0.0.1',
  'PrometheusText1.0.0',
  'PrometheusText0.0.4',
];

/** How a target should escape names outside the legacy charset (`escaping=` of the Accept header). */
export type EscapingScheme = 'allow-utf-8' | 'underscores' | 'dots' | 'values';

/** True for every name `scrape_protocols` accepts. */
export function isScrapeProtocol(name: string): name is ScrapeProtocol {
  return Object.hasOwn(SCRAPE_PROTOCOL_MEDIA_TYPES, name);
}

/**
 * The `Accept` header a scraper sends for `protocols` (most preferred first), built as
 * Prometheus builds it: q-values counting down from 0.6, `escaping=` on the 1.0.0
 * protocols, and a final `*∕*` at the lowest weight.
 * E.g. for the defaults: `application/openmetrics-text;version=1.0.0;escaping=allow-utf-8;q=0.6,…,*∕*;q=0.2`.
 */
export function scrapeAcceptHeader(
  protocols: readonly ScrapeProtocol[] = DEFAULT_SCRAPE_PROTOCOLS,
  escaping: EscapingScheme = 'allow-utf-8',
): string {
  const parts: string[] = [];
  let weight = Object.keys(SCRAPE_PROTOCOL_MEDIA_TYPES).length + 1;
  for (const protocol of protocols) {
    let value = SCRAPE_PROTOCOL_MEDIA_TYPES[protocol];
    if (protocol === 'PrometheusText1.0.0' || protocol === 'OpenMetricsText1.0.0')
      value += `;escaping=${escaping}`;
    parts.push(`${value};q=0.${weight}`);
    weight--;
  }
  parts.push(`*/*;q=0.${weight}`);
  return parts.join(',');
}

interface MediaRange {
  type: string;
  params: Map<string, string>;
  q: number;
  order: number;
}

function parseMediaRanges(header: string): MediaRange[] {
  const out: MediaRange[] = [];
  header.split(',').forEach((part, order) => {
    const [typePart, ...paramParts] = part.split(';');
    const type = (typePart ?? '').trim().toLowerCase();
    if (type === '') return;
    const params = new Map<string, string>();
    let q = 1;
    for (const p of paramParts) {
      const eq = p.indexOf('=');
      if (eq < 0) continue;
      const key = p.slice(0, eq).trim().toLowerCase();
      const value = p
        .slice(eq + 1)
        .trim()
        .replace(/^"(.*)"$/, '$1');
      if (key === 'q') {
        const parsed = Number(value);
        q = Number.isFinite(parsed) ? parsed : 0;
      } else params.set(key, value);
    }
    out.push({ type, params, q, order });
  });
  return out;
}

/**
 * The format a target answers a request with, from its `Accept` header, as client_golang's
 * `expfmt.Negotiate` with OpenMetrics enabled: the highest-q acceptable range wins (ties by
 * order), `application/openmetrics-text` with version 0.0.1, 1.0.0 or none gives OpenMetrics;
 * anything else, a missing header included, gives the text format.
 */
export function negotiateFormat(acceptHeader: string | undefined): ExpositionFormat {
  if (!acceptHeader) return 'text';
  const ranges = parseMediaRanges(acceptHeader)
    .filter((r) => r.q > 0)
    .sort((a, b) => b.q - a.q || a.order - b.order);
  for (const r of ranges) {
    if (r.type === 'application/openmetrics-text') {
      const version = r.params.get('version');
      if (version === undefined || version === '' || version === '1.0.0' || version === '0.0.1')
        return 'openmetrics';
      continue;
    }
    if (r.type === 'text/plain') {
      const version = r.params.get('version');
      if (version === undefined || version === '' || version === '0.0.4' || version === '1.0.0')
        return 'text';
      continue;
    }
    if (r.type === 'application/vnd.google.protobuf') continue; // Argus serves no protobuf
    if (r.type === '*/*' || r.type === 'text/*' || r.type === 'application/*') return 'text';
  }
  return 'text';
}

/**
 * The format of a scraped body from its `Content-Type`: `application/openmetrics-text` is
 * OpenMetrics, `text/plain` the text format; anything else (missing, unknown, protobuf) is
 * read as `fallback`, by default the text format, as Prometheus 2.x does (3.x calls this
 * `fallback_scrape_protocol`).
 */
export function detectFormat(
  contentType: string | undefined,
  fallback: ExpositionFormat = 'text',
): ExpositionFormat {
  if (!contentType) return fallback;
  const semi = contentType.indexOf(';');
  const mediaType = (semi < 0 ? contentType : contentType.slice(0, semi)).trim().toLowerCase();
  if (mediaType === 'application/openmetrics-text') return 'openmetrics';
  if (mediaType === 'text/plain') return 'text';
  return fallback;
}
