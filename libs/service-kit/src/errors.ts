/** Base of every error service-kit raises; `code` is stable and meant for programs. */
export class ServiceKitError extends Error {
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
 * A command line that does not match the flag spec (unknown flag, bad value, missing
 * value). `runMain` prints `<program>: error: <message>, try --help` and exits with 2.
 */
export class FlagError extends ServiceKitError {
  constructor(message: string, options?: ErrorOptions) {
    super('invalid_flag', message, options);
  }
}

/** One problem at one place of a config file; lines and columns count from 1. */
export interface ConfigProblem {
  readonly file: string;
  readonly line: number;
  readonly column: number;
  readonly message: string;
}

/** Formats a problem as `file:line:col: message`, the way every config error is shown. */
export function formatProblem(problem: ConfigProblem): string {
  return `${problem.file}:${problem.line}:${problem.column}: ${problem.message}`;
}

/**
 * A config file that cannot be read, parsed or decoded. `message` lists every problem
 * as `file:line:col: what is wrong`, one per line, and never includes a stack trace.
 */
export class ConfigError extends ServiceKitError {
  constructor(
    readonly problems: readonly ConfigProblem[],
    options?: ErrorOptions,
  ) {
    super('invalid_config', problems.map(formatProblem).join('\n'), options);
  }
}

/** A config file that cannot be read at all (missing, unreadable); message names the file. */
export class ConfigReadError extends ServiceKitError {
  constructor(
    readonly file: string,
    cause: unknown,
  ) {
    const detail = cause instanceof Error ? cause.message : String(cause);
    super('config_unreadable', `${file}: cannot read config file: ${detail}`, { cause });
  }
}

/** A `--web.config.file` that is valid YAML but cannot be used (missing cert, bad TLS version, …). */
export class WebConfigError extends ServiceKitError {
  constructor(message: string, options?: ErrorOptions) {
    super('invalid_web_config', message, options);
  }
}

/** A reload hook that failed; the previous configuration stays in effect. */
export class ReloadError extends ServiceKitError {
  constructor(message: string, options?: ErrorOptions) {
    super('reload_failed', message, options);
  }
}
