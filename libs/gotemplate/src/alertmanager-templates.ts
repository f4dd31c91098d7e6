import { ALERTMANAGER_DEFAULT_TEMPLATES } from './alertmanager-default-templates.ts';
import { alertmanagerFuncs } from './alertmanager-funcs.ts';
import { Template } from './template.ts';

const MAX_CACHED_TEXTS = 512;

/** Options of {@link AlertmanagerTemplates.create}. */
export interface AlertmanagerTemplatesOptions {
  /** Template files (`templates:` globs already read), in load order, as `[name, text]`. */
  readonly files?: readonly (readonly [string, string])[];
  /** Clock for `since`. */
  readonly now?: () => Date;
  /** Load Argus's equivalent of Alertmanager's `default.tmpl` first (default true). */
  readonly defaults?: boolean;
}

/**
 * Alertmanager's template machinery (`template.Template`): one text and one HTML
 * template set holding the default templates and the user's files, with
 * Alertmanager's functions and `missingkey=zero`. Strings from the config
 * (`title: '{{ template "slack.default.title" . }}'`) are rendered with
 * {@link executeText} / {@link executeHtml}, as `ExecuteTextString`/`ExecuteHTMLString`.
 */
export class AlertmanagerTemplates {
  readonly #text: Template;
  readonly #html: Template;
  /** Parsed config strings, so a notifier's fixed templates are parsed once. */
  readonly #cache = new Map<string, Template>();

  private constructor(text: Template, html: Template) {
    this.#text = text;
    this.#html = html;
  }

  /** Parses the defaults and the files; throws {@link TemplateParseError} naming the file. */
  static create(options: AlertmanagerTemplatesOptions = {}): AlertmanagerTemplates {
    const funcs = alertmanagerFuncs(options.now);
    const text = new Template('', { funcs, missingKey: 'zero' });
    const html = new Template('', { funcs, missingKey: 'zero', mode: 'html' });
    const files: (readonly [string, string])[] = [];
    if (options.defaults ?? true) files.push(['default.tmpl', ALERTMANAGER_DEFAULT_TEMPLATES]);
    files.push(...(options.files ?? []));
    for (const [name, body] of files) {
      text.parse(body, name);
      html.parse(body, name);
    }
    return new AlertmanagerTemplates(text, html);
  }

  /** Renders a text template string against the set ("" renders as ""). */
  executeText(text: string, data: unknown): string {
    if (text === '') return '';
    return this.#parsed(this.#text, 't', text).execute(data, '');
  }

  /** Renders an HTML template string with html/template's escaping ("" renders as ""). */
  executeHtml(text: string, data: unknown): string {
    if (text === '') return '';
    return this.#parsed(this.#html, 'h', text).execute(data, '');
  }

  #parsed(base: Template, kind: string, text: string): Template {
    const key = kind + text;
    let t = this.#cache.get(key);
    if (!t) {
      t = base.clone().parse(text, '');
      if (this.#cache.size >= MAX_CACHED_TEXTS) this.#cache.delete(this.#cache.keys().next().value!);
      this.#cache.set(key, t);
    }
    return t;
  }

  /** Whether a template of that name is defined. */
  has(name: string): boolean {
    return this.#text.has(name);
  }
}
