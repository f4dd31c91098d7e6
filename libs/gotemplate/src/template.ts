import { BUILTINS } from './builtins.ts';
import { TemplateError, TemplateExecError } from './errors.ts';
import { execute } from './exec.ts';
import type { MissingKey, OutputSink } from './exec.ts';
import type { FuncMap, FuncSpec } from './func-spec.ts';
import { toSpec } from './func-spec.ts';
import { HtmlSink } from './html-sink.ts';
import { isEmptyTree, parse } from './parser.ts';
import type { Tree } from './parser.ts';
import { TextSink } from './text-sink.ts';

/** Options of a template set. */
export interface TemplateOptions {
  /** Functions added to Go's builtins (a later name replaces an earlier one, as `Funcs`). */
  readonly funcs?: FuncMap;
  /** Go's `missingkey=` option: `invalid` (Go's `default`), `zero` or `error`. */
  readonly missingKey?: MissingKey | 'default';
  readonly leftDelim?: string;
  readonly rightDelim?: string;
  /** `text` is Go's text/template; `html` adds html/template's contextual escaping. */
  readonly mode?: 'text' | 'html';
}

/**
 * A set of associated Go templates, as Go's `*template.Template`: one name for the
 * set, any number of `{{define}}`d templates. Parse once, execute many times;
 * execution does not modify the set.
 */
export class Template {
  readonly name: string;
  readonly #trees: Map<string, Tree>;
  readonly #funcs: Map<string, FuncSpec>;
  readonly #missingKey: MissingKey;
  readonly #leftDelim: string;
  readonly #rightDelim: string;
  readonly mode: 'text' | 'html';

  constructor(name: string, options: TemplateOptions = {}) {
    this.name = name;
    this.#trees = new Map();
    this.#funcs = new Map(BUILTINS);
    for (const [k, f] of Object.entries(options.funcs ?? {})) this.#funcs.set(k, toSpec(f));
    this.#missingKey =
      options.missingKey === 'default' || !options.missingKey ? 'invalid' : options.missingKey;
    this.#leftDelim = options.leftDelim ?? '{{';
    this.#rightDelim = options.rightDelim ?? '}}';
    this.mode = options.mode ?? 'text';
  }

  /** Adds functions (Go's `Funcs`); they must be added before parsing templates that use them. */
  funcs(funcs: FuncMap): this {
    for (const [k, f] of Object.entries(funcs)) this.#funcs.set(k, toSpec(f));
    return this;
  }

  /**
   * Parses `text` as the body of the template `name` (default: this set's name) and
   * adds its `{{define}}`s to the set (Go's `New(name).Parse(text)`). A body made only of
   * whitespace and comments does not replace an existing one. Throws {@link TemplateParseError}.
   */
  parse(text: string, name: string = this.name): this {
    const trees = parse(name, text, {
      leftDelim: this.#leftDelim,
      rightDelim: this.#rightDelim,
      hasFunction: (f) => this.#funcs.has(f),
    });
    for (const [n, tree] of trees) {
      const existing = this.#trees.get(n);
      if (existing && isEmptyTree(tree.root) && n !== name) continue;
      if (existing && isEmptyTree(tree.root) && !isEmptyTree(existing.root)) continue;
      this.#trees.set(n, tree);
    }
    return this;
  }

  /** Whether a template of that name is defined in the set. */
  has(name: string): boolean {
    return this.#trees.has(name);
  }

  /** Names of the templates in the set, sorted. */
  templateNames(): string[] {
    return [...this.#trees.keys()].sort();
  }

  /** A copy of the set that can be extended without changing this one (Go's `Clone`). */
  clone(): Template {
    const t = new Template(this.name, {
      missingKey: this.#missingKey,
      leftDelim: this.#leftDelim,
      rightDelim: this.#rightDelim,
      mode: this.mode,
    });
    for (const [k, f] of this.#funcs) t.#funcs.set(k, f);
    for (const [k, tree] of this.#trees) t.#trees.set(k, tree);
    return t;
  }

  /**
   * Executes the template `name` (default: this set's name) with `data` as dot and
   * returns the output. Throws {@link TemplateExecError} with Go's message.
   */
  execute(data: unknown, name: string = this.name): string {
    const tree = this.#trees.get(name);
    if (!tree) {
      if (name === this.name) {
        throw new TemplateExecError(
          `template: ${name}: ${JSON.stringify(name)} is an incomplete or empty template`,
        );
      }
      throw new TemplateExecError(
        `template: no template ${JSON.stringify(name)} associated with template ${JSON.stringify(this.name)}`,
      );
    }
    const sink: OutputSink = this.mode === 'html' ? new HtmlSink() : new TextSink();
    try {
      return execute(
        { trees: this.#trees, funcs: this.#funcs, builtins: BUILTINS, missingKey: this.#missingKey, sink },
        tree,
        data,
      );
    } catch (e) {
      if (e instanceof TemplateError) throw e;
      // Data that defeats the executor (a cyclic value, a throwing getter) is reported, not crashed on.
      const detail =
        e instanceof RangeError
          ? 'template or value nested too deeply'
          : e instanceof Error
            ? e.message
            : String(e);
      throw new TemplateExecError(`template: ${name}: ${detail}`, { cause: e });
    }
  }
}
