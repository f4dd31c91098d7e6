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

/** A combination of flags the client refuses to start with. */
export class ClientConfigError extends PushproxClientError {
  constructor(message: string) {
    super('invalid_client_config', message);
  }
}
