import type { OutputSink } from './exec.ts';
import { formatV } from './fmt.ts';
import { NO_VALUE, kindOf, typeName } from './value.ts';

/** Output of text/template: values printed with `%v`, a missing value as `<no value>`. */
export class TextSink implements OutputSink {
  #out = '';

  text(s: string): void {
    this.#out += s;
  }

  value(v: unknown): string | undefined {
    if (v === NO_VALUE || v === null || v === undefined) {
      this.#out += '<no value>';
      return undefined;
    }
    if (kindOf(v) === 'func') return `can't print value of type ${typeName(v)}`;
    this.#out += formatV(v);
    return undefined;
  }

  result(): string {
    return this.#out;
  }
}
