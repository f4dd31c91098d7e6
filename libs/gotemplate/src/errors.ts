/** Base of every error this lib raises; `code` is stable and meant for programs. */
export class TemplateError extends Error {
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
 * A template that does not parse. `message` is Go's text, e.g.
 * `template: name:1: unexpected "}" in operand`.
 */
export class TemplateParseError extends TemplateError {
  constructor(message: string) {
    super('template_parse', message);
  }
}

/**
 * A failure while executing, with Go's text, e.g.
 * `template: name:1:10: executing "name" at <.Foo.Bar>: nil pointer evaluating interface {}.Bar`.
 * `cause` holds the error a called function threw, if any.
 */
export class TemplateExecError extends TemplateError {
  constructor(message: string, options?: ErrorOptions) {
    super('template_exec', message, options);
  }
}
