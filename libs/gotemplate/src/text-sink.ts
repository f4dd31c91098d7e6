import type { OutputSink } from './exec.ts';
import { formatV } from './fmt.ts';
import { NO_VALUE, kindOf, typeName } from './value.ts';

/** Output of text/template: values printed with `%v`, a missing value as `<no value>`. */
export class TextSink implements OutputSink {
  readonly #parts: string[] = [];

  text(s: string): void {
    this.#parts.push(s);
  }

  value(v: unknown): string | undefined {
    if (v === NO_VALUE || v === null || v === undefined) {
      this.#parts.push('<no value>');
      return undefined;
    }
    if (kindOf(v) === 'func') return `can't print value of type ${typeName(v)}`;
    this.#parts.push(formatV(v));
    return undefined;
  }

  result(): string {
    return this.#parts.join('');
  }
}
