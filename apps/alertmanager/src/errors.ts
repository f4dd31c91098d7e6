/** Base of every error the Alertmanager app raises; `code` is stable and meant for programs. */
export class AlertmanagerError extends Error {
  constructor(
    readonly code: string,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** A matcher string (config `matchers`, API `filter`) that cannot be parsed. */
export class MatcherParseError extends AlertmanagerError {
  constructor(message: string, options?: ErrorOptions) {
    super('bad_matcher', message, options);
  }
}

/** A config that decodes but breaks a rule upstream enforces (undefined receiver, …). */
export class ConfigValidationError extends AlertmanagerError {
  constructor(message: string) {
    super('invalid_config', message);
  }
}

/** An alert, silence or query the API refuses with 400. */
export class ValidationError extends AlertmanagerError {
  constructor(message: string) {
    super('invalid_input', message);
  }
}

/** A silence id that is not in the store. */
export class SilenceNotFoundError extends AlertmanagerError {
  constructor(id: string) {
    super('silence_not_found', `silence ${id} not found`);
  }
}

/** A `templates:` file that cannot be read or parsed; the message names the file and line. */
export class TemplateLoadError extends AlertmanagerError {
  constructor(message: string, options?: ErrorOptions) {
    super('invalid_template', message, options);
  }
}
