import { parseDuration } from '@argus/model';
import { ConfigError } from './errors.ts';
import type { ConfigProblem } from './errors.ts';
import { Secret } from './secret.ts';
import type { YamlDocument, YamlNode, YamlPosition } from './yaml-document.ts';

/** Collects problems while a document is decoded; decoders report and go on. */
export class DecodeContext {
  readonly problems: ConfigProblem[] = [];

  constructor(readonly file: string) {}

  /** Records a problem at `at`; returns `undefined` so decoders can `return ctx.fail(…)`. */
  fail(at: YamlPosition, message: string): undefined {
    this.problems.push({ file: this.file, line: at.line, column: at.column, message });
    return undefined;
  }
}

/**
 * Turns a positioned YAML node into a typed value. `node` is undefined for a missing field;
 * `at` is where to report it. On a problem a decoder calls `ctx.fail` and returns anything:
 * the value is thrown away once a problem is recorded.
 */
export interface Decoder<T> {
  readonly expected: string;
  decode(node: YamlNode | undefined, at: YamlPosition, ctx: DecodeContext): T;
  /** Set by `optional`: a missing or null field is fine. */
  readonly optional?: boolean;
}

/** The type a decoder produces. */
export type Decoded<D> = D extends Decoder<infer T> ? T : never;

function describe(node: YamlNode): string {
  if (node.kind !== 'scalar') return node.kind;
  const v = node.value;
  if (v === null) return 'null';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v === 'string' ? `string ${JSON.stringify(v)}` : typeof v;
}

function scalar<T>(expected: string, accept: (value: unknown) => T | undefined): Decoder<T> {
  return {
    expected,
    decode(node, at, ctx) {
      if (node === undefined || node.value === null)
        return ctx.fail(node ?? at, `expected ${expected}, got null`) as T;
      const out = node.kind === 'scalar' ? accept(node.value) : undefined;
      return out === undefined ? (ctx.fail(node, `expected ${expected}, got ${describe(node)}`) as T) : out;
    },
  };
}

/** A text value; numbers and booleans are taken as their text, as Go's YAML decoder does. */
export function string(): Decoder<string> {
  return scalar('string', (v) =>
    typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : undefined,
  );
}

/** A text value kept as a `Secret`, so the decoded config can be logged or shown safely. */
export function secret(): Decoder<Secret> {
  const text = string();
  return {
    expected: 'string',
    decode(node, at, ctx) {
      const value = text.decode(node, at, ctx);
      return new Secret(typeof value === 'string' ? value : '');
    },
  };
}

/** A whole number. */
export function int(): Decoder<number> {
  return scalar('integer', (v) => (typeof v === 'number' && Number.isSafeInteger(v) ? v : undefined));
}

/** Any number, including `.inf` and `.nan`. */
export function number(): Decoder<number> {
  return scalar('number', (v) => (typeof v === 'number' ? v : undefined));
}

const YAML11_BOOLEANS: Readonly<Record<string, boolean>> = Object.fromEntries(
  [
    ...['y', 'yes', 'on'].map((w) => [w, true] as const),
    ...['n', 'no', 'off'].map((w) => [w, false] as const),
  ].flatMap(([w, b]) => [w, w.toUpperCase(), w[0]!.toUpperCase() + w.slice(1)].map((form) => [form, b])),
);

/**
 * `true` or `false`; also the YAML 1.1 words Go's yaml.v2 (and so Prometheus and
 * Alertmanager configs) take as booleans when unquoted: `yes`/`no`, `on`/`off`, `y`/`n`.
 */
export function bool(): Decoder<boolean> {
  const strict = scalar('boolean', (v) => (typeof v === 'boolean' ? v : undefined));
  return {
    expected: 'boolean',
    decode(node, at, ctx) {
      if (
        node !== undefined &&
        node.kind === 'scalar' &&
        node.style === 'plain' &&
        typeof node.value === 'string'
      ) {
        const word = YAML11_BOOLEANS[node.value];
        if (word !== undefined) return word;
      }
      return strict.decode(node, at, ctx);
    },
  };
}

/** A Prometheus duration string (`30s`, `1h30m`), decoded to milliseconds. */
export function duration(): Decoder<number> {
  const string_ = string();
  return {
    expected: 'duration',
    decode(node, at, ctx) {
      const text = string_.decode(node, at, ctx);
      if (typeof text !== 'string') return 0;
      try {
        return parseDuration(text);
      } catch {
        ctx.fail(node!, `not a valid duration string: ${JSON.stringify(text)}`);
        return 0;
      }
    },
  };
}

/** One of a fixed set of strings. */
export function oneOf<const C extends string>(...choices: C[]): Decoder<C> {
  const expected = `one of ${choices.map((c) => JSON.stringify(c)).join(', ')}`;
  const string_ = string();
  return {
    expected,
    decode(node, at, ctx) {
      const text = string_.decode(node, at, ctx);
      if (typeof text === 'string' && (choices as string[]).includes(text)) return text as C;
      if (typeof text === 'string')
        ctx.fail(node!, `invalid value ${JSON.stringify(text)}, expected ${expected}`);
      return choices[0]!;
    },
  };
}

/** A sequence; null or a missing field is an empty list. */
export function list<T>(item: Decoder<T>): Decoder<T[]> {
  return {
    expected: `list of ${item.expected}`,
    decode(node, at, ctx) {
      if (node === undefined || node.value === null) return [];
      if (node.kind !== 'sequence') return ctx.fail(node, `expected list, got ${describe(node)}`) ?? [];
      return node.items!.map((child) => item.decode(child, child, ctx));
    },
  };
}

/** A mapping with free keys (labels, headers); null or a missing field is empty. */
export function record<T>(value: Decoder<T>): Decoder<Record<string, T>> {
  return {
    expected: `map of ${value.expected}`,
    decode(node, at, ctx) {
      const out: Record<string, T> = {};
      if (node === undefined || node.value === null) return out;
      if (node.kind !== 'mapping') return ctx.fail(node, `expected mapping, got ${describe(node)}`) ?? out;
      for (const entry of node.entries!) out[entry.key] = value.decode(entry.valueNode, entry.valueNode, ctx);
      return out;
    },
  };
}

/** Marks a field as optional: missing or null gives `fallback` (or `undefined`). */
export function optional<T>(inner: Decoder<T>): Decoder<T | undefined>;
export function optional<T>(inner: Decoder<T>, fallback: T): Decoder<T>;
export function optional<T>(inner: Decoder<T>, fallback?: T): Decoder<T | undefined> {
  return {
    expected: inner.expected,
    optional: true,
    decode(node, at, ctx) {
      if (node === undefined || (node.value === null && node.kind === 'scalar')) return fallback;
      return inner.decode(node, at, ctx);
    },
  };
}

type Fields = Readonly<Record<string, Decoder<unknown>>>;
type OptionalKeys<F extends Fields> = {
  [K in keyof F]: F[K] extends { optional: true } ? K : never;
}[keyof F];
type Simplify<T> = { [K in keyof T]: T[K] };

/** The decoded type of an object schema: required fields required, optional ones optional. */
export type DecodedObject<F extends Fields> = Simplify<
  { -readonly [K in Exclude<keyof F, OptionalKeys<F>>]: Decoded<F[K]> } & {
    -readonly [K in OptionalKeys<F>]?: Decoded<F[K]>;
  }
>;

/**
 * A mapping with known fields, decoded strictly as Prometheus does: an unknown field is
 * `unknown field "name"` at the key, a missing required field is reported at the mapping.
 * Optional fields with a fallback are always present in the result.
 */
export function object<const F extends Fields>(
  fields: F,
  options: { readonly allowUnknown?: boolean } = {},
): Decoder<DecodedObject<F>> {
  const expected = 'mapping';
  return {
    expected,
    decode(node, at, ctx) {
      const out: Record<string, unknown> = {};
      const where = node ?? at;
      if (node !== undefined && node.value !== null && node.kind !== 'mapping') {
        return ctx.fail(node, `expected mapping, got ${describe(node)}`) as unknown as DecodedObject<F>;
      }
      const entries = node?.entries ?? [];
      const byKey = new Map(entries.map((e) => [e.key, e]));
      for (const entry of entries) {
        if (!Object.hasOwn(fields, entry.key) && !options.allowUnknown) {
          ctx.fail(entry.keyNode, `unknown field ${JSON.stringify(entry.key)}`);
        }
      }
      for (const [name, decoder] of Object.entries(fields)) {
        const entry = byKey.get(name);
        if (entry === undefined && !decoder.optional) {
          ctx.fail(where, `missing required field ${JSON.stringify(name)}`);
          continue;
        }
        const value = decoder.decode(entry?.valueNode, entry?.keyNode ?? where, ctx);
        if (value !== undefined) out[name] = value;
      }
      return out as DecodedObject<F>;
    },
  };
}

/**
 * Validates or converts a decoded value; `check` returns the new value or a message
 * string via `fail`, reported at the node (`"min_version": unknown TLS version "TLS14"`).
 */
export function refine<T, U>(
  inner: Decoder<T>,
  check: (value: T, fail: (message: string) => never) => U,
): Decoder<U> {
  return {
    expected: inner.expected,
    ...(inner.optional ? { optional: true } : {}),
    decode(node, at, ctx) {
      const before = ctx.problems.length;
      const value = inner.decode(node, at, ctx);
      if (ctx.problems.length > before) return value as unknown as U;
      try {
        return check(value, (message) => {
          throw new RefineFailure(message);
        });
      } catch (error) {
        if (!(error instanceof RefineFailure)) throw error;
        return ctx.fail(node ?? at, error.message) as U;
      }
    },
  };
}

class RefineFailure extends Error {}

/**
 * Decodes a whole document against a schema. Throws `ConfigError` listing every problem
 * as `file:line:col: message` in document order.
 */
export function decodeYaml<T>(document: YamlDocument, decoder: Decoder<T>): T {
  const ctx = new DecodeContext(document.file);
  const value = decoder.decode(document.root, { line: 1, column: 1 }, ctx);
  if (ctx.problems.length > 0) {
    const sorted = [...ctx.problems].sort((a, b) => a.line - b.line || a.column - b.column);
    throw new ConfigError(sorted);
  }
  return value;
}

/** The decoders, grouped for use as `schema.object({ expr: schema.string() })`. */
export const schema = {
  string,
  secret,
  int,
  number,
  bool,
  duration,
  oneOf,
  list,
  record,
  optional,
  object,
  refine,
} as const;
