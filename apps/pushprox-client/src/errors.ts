/** Base of every error the client raises; `code` is stable and meant for programs. */
export class PushproxClientError extends Error {
  constructor(
    readonly code: string,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** A /poll answer that is not an HTTP request in wire format (a 408 text, a proxy error page). */
export class ScrapeRequestParseError extends PushproxClientError {
  constructor(message: string) {
    super('bad_scrape_request', message);
  }
}

/** A combination of flags the client refuses to start with. */
export class ClientConfigError extends PushproxClientError {
  constructor(message: string) {
    super('invalid_client_config', message);
  }
}
