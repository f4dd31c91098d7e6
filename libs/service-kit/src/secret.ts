import { inspect } from 'node:util';
import { REDACTED } from './redact.ts';

/**
 * A configured secret (password, token, webhook URL). It prints, logs and serializes as
 * `<secret>` (as Prometheus marshals `Secret`), so a config can be logged or served on a
 * status page whole; `reveal()` is the one way to read it.
 */
export class Secret {
  readonly #value: string;

  constructor(value: string) {
    this.#value = value;
  }

  reveal(): string {
    return this.#value;
  }

  /** Whether the secret is empty (an unset optional password). */
  get isEmpty(): boolean {
    return this.#value === '';
  }

  toString(): string {
    return REDACTED;
  }

  toJSON(): string {
    return REDACTED;
  }

  [inspect.custom](): string {
    return REDACTED;
  }
}
