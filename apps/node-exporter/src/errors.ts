/** Base of the node exporter's coded errors; `code` is stable, `cause` keeps the underlying error. */
export class NodeExporterError extends Error {
  constructor(
    readonly code: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** A source file had content the collector cannot parse; the message names the file. */
export class ParseError extends NodeExporterError {
  constructor(file: string, what: string) {
    super('NODE_PARSE', `${file}: ${what}`);
  }
}

/** Flags or options that cannot work (an unknown collector, a regex RE2 refuses). */
export class ConfigError extends NodeExporterError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('NODE_CONFIG', message, options);
  }
}
