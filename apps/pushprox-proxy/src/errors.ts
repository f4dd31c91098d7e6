/** Base of every error the proxy raises; `code` is stable and meant for programs. */
export class PushproxProxyError extends Error {
  constructor(
    readonly code: string,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** A waiting poll replaced by a newer poll from the same FQDN (upstream answers 408). */
export class PollExpiredError extends PushproxProxyError {
  constructor() {
    super('poll_expired', 'request is expired');
  }
}

/**
 * A scrape that got no answer in time. `phase` says whether no client picked it up
 * (`poll`) or a client took it and never pushed (`push`); messages are upstream's.
 */
export class ScrapeTimeoutError extends PushproxProxyError {
  constructor(
    readonly phase: 'poll' | 'push',
    url: string,
  ) {
    super(
      phase === 'poll' ? 'scrape_not_polled' : 'scrape_not_pushed',
      phase === 'poll'
        ? `timeout reached for ${JSON.stringify(url)}: context deadline exceeded`
        : 'context deadline exceeded',
    );
  }
}

/** A scrape abandoned because the scraper went away before an answer came. */
export class ScrapeCancelledError extends PushproxProxyError {
  constructor() {
    super('scrape_cancelled', 'context canceled');
  }
}

/** A message body larger than the configured limit. */
export class BodyTooLargeError extends PushproxProxyError {
  constructor(limitBytes: number) {
    super('body_too_large', `body larger than ${limitBytes} bytes`);
  }
}

/** A scrape whose client went away (its connections closed, no new poll) before pushing. */
export class ClientGoneError extends PushproxProxyError {
  constructor(fqdn: string) {
    super('client_gone', `client ${JSON.stringify(fqdn)} disconnected before answering`);
  }
}
