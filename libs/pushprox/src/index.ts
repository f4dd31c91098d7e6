export { WireFormatError } from './errors.ts';
export {
  PUSH_TIMEOUT_HEADER,
  SCRAPE_ID_HEADER,
  SCRAPE_TIMEOUT_HEADER,
  canonicalHeaderName,
  firstHeader,
} from './header-name.ts';
export type { HeaderPairs } from './header-name.ts';
export { parseScrapeRequest, requestHeader, writeScrapeRequest } from './scrape-request.ts';
export type { ScrapeRequest } from './scrape-request.ts';
export { parseScrapeResponse, responseHeader, writeScrapeResponse } from './scrape-response.ts';
export type { ScrapeResponse } from './scrape-response.ts';
export { statusText } from './status-text.ts';
export {
  formatRemainingSeconds,
  parseFloatErrorText,
  parseTimeoutSeconds,
  scrapeTimeoutMs,
} from './scrape-timeout.ts';
export { authorityOf, targetHostname } from './target-url.ts';
