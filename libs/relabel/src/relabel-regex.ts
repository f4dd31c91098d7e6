import RE2 from 're2';
import { InvalidRelabelConfigError } from './errors.ts';

/**
 * A relabel regular expression: RE2 semantics, anchored at both ends as Prometheus does
 * (`^(?:<pattern>)$`). `source` is the pattern as written in the config.
 */
export class RelabelRegex {
  readonly #re: RE2;
  /** True for the default `(.*)`, which matches everything and captures it whole. */
  readonly matchesAll: boolean;

  constructor(readonly source: string) {
    try {
      this.#re = new RE2(`^(?:${source})$`);
    } catch (cause) {
      const detail = cause instanceof Error ? cause.message : String(cause);
      throw new InvalidRelabelConfigError(`error parsing regexp: ${detail}: ${JSON.stringify(source)}`, {
        cause,
      });
    }
    this.matchesAll = source === '(.*)' || source === '.*';
  }

  /** Whether the whole of `value` matches. */
  test(value: string): boolean {
    if (this.matchesAll) return true;
    return this.#re.test(value);
  }

  /** The capture groups (index 0: the whole match) and named groups, or undefined if no match. */
  exec(value: string): RegExpExecArray | null {
    return this.#re.exec(value);
  }
}
