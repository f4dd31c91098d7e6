/** Base of every error the relabel lib raises; `code` is stable and meant for programs. */
export class RelabelError extends Error {
  constructor(
    readonly code: string,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

/**
 * A relabel_config entry Prometheus would refuse; the message is upstream's wording
 * (`relabel configuration for hashmod requires non-zero modulus`).
 */
export class InvalidRelabelConfigError extends RelabelError {
  constructor(message: string, options?: ErrorOptions) {
    super('invalid_relabel_config', message, options);
  }
}
