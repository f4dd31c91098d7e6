export type { Exemplar, ExposedSample, MetricFamily, MetricType } from './metric-family.ts';
export {
  DEFAULT_SCRAPE_PROTOCOLS,
  OPENMETRICS_CONTENT_TYPE,
  SCRAPE_PROTOCOL_MEDIA_TYPES,
  TEXT_CONTENT_TYPE,
  contentTypeFor,
  detectFormat,
  isScrapeProtocol,
  negotiateFormat,
  scrapeAcceptHeader,
} from './exposition-format.ts';
export type { EscapingScheme, ExpositionFormat, ScrapeProtocol } from './exposition-format.ts';
export { formatText } from './format-text.ts';
export { formatGoFloat, formatOpenMetricsFloat } from './go-float.ts';
export { Entry } from './entry.ts';
export { ExpositionParser } from './exposition-parser.ts';
export type { ExpositionParserOptions } from './exposition-parser.ts';
export { ByteInterner } from './byte-interner.ts';
export { BytesMap, hashBytes } from './bytes-map.ts';
export { ExpositionParseError } from './parse-error.ts';
export { isSampleOfFamily, parseFamilies } from './parse-families.ts';
