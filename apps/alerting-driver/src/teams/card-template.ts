// Renders a card from a Jinja2 template with nunjucks, set up as prom2teams sets up Jinja2
// (no autoescape, trim_blocks, the file's final newline dropped) and given Python-like dicts.
import nunjucks from 'nunjucks';
import type { TeamsAlert } from './teams-alert.ts';

/** A template that does not compile, or a render that fails; `where` names the template. */
export class CardTemplateError extends Error {
  readonly code = 'card_template';
  constructor(where: string, reason: string, options?: ErrorOptions) {
    super(`template ${where}: ${reason}`, options);
    this.name = 'CardTemplateError';
  }
}

export class CardTemplate {
  readonly #template: nunjucks.Template;
  readonly #name: string;

  /** Compiles `source` now, so a broken template fails at start; `name` labels errors. */
  constructor(source: string, name: string) {
    this.#name = name;
    const env = new nunjucks.Environment(null, { autoescape: false, trimBlocks: true });
    // Jinja2's keep_trailing_newline is off: one final newline of the file is not output.
    const body = source.endsWith('\r\n') ? source.slice(0, -2) : source.replace(/\n$/, '');
    try {
      this.#template = new nunjucks.Template(body, env, name, true);
    } catch (error) {
      throw new CardTemplateError(name, firstLine(error), { cause: error });
    }
  }

  /**
   * The card body for one alert. Every string reaching the template is JSON-escaped first, so a
   * value holding `"`, `\` or a newline still yields valid JSON inside a `"{{ … }}"` literal.
   */
  render(alert: TeamsAlert): string {
    const msgText = pyDict({
      ...alert,
      extra_labels: pyDict(escapeAll(alert.extra_labels)),
      extra_annotations: pyDict(escapeAll(alert.extra_annotations)),
      ...escapeAll({
        name: alert.name,
        status: alert.status,
        severity: alert.severity,
        summary: alert.summary,
        instance: alert.instance,
        description: alert.description,
        fingerprint: alert.fingerprint,
        runbook_url: alert.runbook_url,
      }),
    });
    try {
      return this.#template.render({ status: escapeJson(alert.status), msg_text: msgText });
    } catch (error) {
      throw new CardTemplateError(this.#name, firstLine(error), { cause: error });
    }
  }
}

/** The inside of a JSON string literal for `value` (no surrounding quotes). */
export function escapeJson(value: string): string {
  return JSON.stringify(value).slice(1, -1);
}

function escapeAll(values: Readonly<Record<string, string>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(values)) out[escapeJson(k)] = escapeJson(v);
  return out;
}

/**
 * A plain object that also behaves like a Python dict in a Jinja2 template: `for key in d`
 * yields its keys, and `d.items()`, `d.keys()`, `d.values()`, `d.get(k, default)` work.
 * The helpers are not enumerable, so they never show up as keys.
 */
function pyDict<T extends object>(values: T): T {
  const dict = { ...values };
  const hidden = (name: PropertyKey, value: unknown) =>
    Object.defineProperty(dict, name, { value, enumerable: false });
  hidden('items', () => Object.entries(dict));
  hidden('keys', () => Object.keys(dict));
  hidden('values', () => Object.values(dict));
  hidden('get', (key: string, fallback: unknown = null) =>
    Object.hasOwn(dict, key) ? (dict as Record<string, unknown>)[key] : fallback,
  );
  hidden(Symbol.iterator, function* () {
    yield* Object.keys(dict);
  });
  return dict;
}

// nunjucks prefixes errors with a multi-line "(unknown path) [Line x, Column y]" header.
function firstLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '')
    .join(' ');
}
