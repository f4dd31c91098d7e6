/** Base of the remote codec's errors; `code` is stable and meant for programs. */
export class RemoteError extends Error {
  constructor(
    readonly code: string,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** A body that is not valid snappy or not a valid protobuf message of the expected type. */
export class MalformedRequestError extends RemoteError {
  constructor(message: string, options?: ErrorOptions) {
    super('malformed_request', message, options);
  }
}

/** A body whose decoded size exceeds the configured limit. */
export class RequestTooLargeError extends RemoteError {
  constructor(
    readonly sizeBytes: number,
    readonly limitBytes: number,
  ) {
    super('request_too_large', `decoded body of ${sizeBytes} bytes exceeds the limit of ${limitBytes} bytes`);
  }
}
