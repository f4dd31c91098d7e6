/** Base of every error the model raises; `code` is stable and meant for programs. */
export class ModelError extends Error {
  constructor(
    readonly code: string,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** A duration string that is not a Prometheus duration (`1h30m`, `5m`, `250ms`). */
export class InvalidDurationError extends ModelError {
  constructor(
    readonly text: string,
    reason = 'not a valid duration string',
  ) {
    super('invalid_duration', `${reason}: ${JSON.stringify(text)}`);
  }
}

/** A timestamp that is neither RFC 3339 nor a number of Unix seconds. */
export class InvalidTimestampError extends ModelError {
  constructor(readonly text: string) {
    super('invalid_timestamp', `cannot parse ${JSON.stringify(text)} to a valid timestamp`);
  }
}

/** A regular expression that RE2 refuses; `cause` holds RE2's own message. */
export class InvalidRegexError extends ModelError {
  constructor(
    readonly pattern: string,
    cause: unknown,
  ) {
    const detail = cause instanceof Error ? cause.message : String(cause);
    super('invalid_regex', `invalid regular expression ${JSON.stringify(pattern)}: ${detail}`, { cause });
  }
}

/** A label name or value that breaks the validity rules of the chosen scheme. */
export class InvalidLabelError extends ModelError {
  constructor(message: string) {
    super('invalid_label', message);
  }
}
