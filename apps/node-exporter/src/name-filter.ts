import RE2 from 're2';
import { ConfigError } from './errors.ts';

/**
 * Decides which names (devices, mount points, fs types, fields) a collector keeps, from an
 * exclude or an include pattern as upstream's `--collector.*-exclude` / `-include` flags.
 * Patterns are RE2 and unanchored, like Go's `regexp.MatchString`. Answers are memoised per
 * name, so a steady host costs one map lookup per name and scrape.
 */
export class NameFilter {
  readonly #exclude: RE2 | undefined;
  readonly #include: RE2 | undefined;
  readonly #memo = new Map<string, boolean>();

  constructor(flag: string, exclude: string, include = '') {
    if (exclude !== '' && include !== '') {
      throw new ConfigError(`${flag}: an exclude and an include pattern are mutually exclusive`);
    }
    this.#exclude = compile(flag, exclude);
    this.#include = compile(flag, include);
  }

  /** Whether `name` is dropped. */
  ignored(name: string): boolean {
    let answer = this.#memo.get(name);
    if (answer === undefined) {
      answer =
        (this.#exclude !== undefined && this.#exclude.test(name)) ||
        (this.#include !== undefined && !this.#include.test(name));
      if (this.#memo.size > 10_000) this.#memo.clear();
      this.#memo.set(name, answer);
    }
    return answer;
  }
}

function compile(flag: string, pattern: string): RE2 | undefined {
  if (pattern === '') return undefined;
  try {
    return new RE2(pattern, 'u');
  } catch (err) {
    throw new ConfigError(
      `${flag}: invalid regular expression ${JSON.stringify(pattern)}: ${(err as Error).message}`,
      { cause: err },
    );
  }
}
