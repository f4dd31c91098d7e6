import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import yaml from 'js-yaml';
import { ConfigError, ConfigReadError } from './errors.ts';

/** Where a node starts in its file; both count from 1. */
export interface YamlPosition {
  readonly line: number;
  readonly column: number;
}

/** One entry of a mapping, with the positions of its key and its value. */
export interface YamlEntry {
  readonly key: string;
  readonly keyNode: YamlNode;
  readonly valueNode: YamlNode;
}

/**
 * A decoded YAML value with its position. `entries` (mappings) and `items` (sequences)
 * give the children in document order; a value reached through an alias or a merge key
 * may carry the position of the alias or of its mapping instead of its own.
 */
export interface YamlNode extends YamlPosition {
  readonly kind: 'mapping' | 'sequence' | 'scalar';
  readonly value: unknown;
  /** For scalars read from the text: `plain` (unquoted), `quoted` or `block` (`|`, `>`). */
  readonly style?: 'plain' | 'quoted' | 'block';
  readonly entries?: readonly YamlEntry[];
  readonly items?: readonly YamlNode[];
}

/** A parsed YAML file: the plain value and the same value as a tree of positioned nodes. */
export interface YamlDocument {
  readonly file: string;
  readonly value: unknown;
  /** `undefined` for an empty (or null) document, whose `value` is then `null`. */
  readonly root: YamlNode | undefined;
}

interface RawNode {
  readonly open: number;
  kind: string | null;
  result: unknown;
  readonly children: RawNode[];
}

interface ListenerState {
  position: number;
  kind: string | null;
  result: unknown;
}

/**
 * Parses YAML text (one document, YAML 1.2 core schema plus `<<` merge keys, as
 * Prometheus configs use them). Throws `ConfigError` reading `file:line:col: reason`.
 */
export function parseYaml(text: string, file: string): YamlDocument {
  const source = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const top: RawNode = { open: 0, kind: null, result: undefined, children: [] };
  const stack: RawNode[] = [top];
  let value: unknown;
  try {
    value = yaml.load(source, {
      filename: file,
      schema: schema,
      listener(event: 'open' | 'close', state: ListenerState) {
        if (event === 'open') {
          stack.push({ open: state.position, kind: null, result: undefined, children: [] });
        } else {
          const node = stack.pop()!;
          node.kind = state.kind;
          node.result = state.result;
          stack.at(-1)!.children.push(node);
        }
      },
    });
  } catch (error) {
    if (error instanceof yaml.YAMLException) {
      const mark = (error as { mark?: { line: number; column: number } }).mark;
      throw new ConfigError(
        [{ file, line: (mark?.line ?? 0) + 1, column: (mark?.column ?? 0) + 1, message: error.reason }],
        { cause: error },
      );
    }
    throw error;
  }
  const rawRoot = top.children[0];
  const builder = new NodeBuilder(source);
  if (value === undefined || value === null || rawRoot === undefined)
    return { file, value: null, root: undefined };
  return { file, value, root: builder.build(rawRoot, value) };
}

/** js-yaml ships the merge type (`<<`) without declaring it in its type definitions. */
const mergeType = (yaml as unknown as { types: { merge: yaml.Type } }).types.merge;
const schema = yaml.CORE_SCHEMA.extend({ implicit: [mergeType] });

/** Reads and parses a YAML file; unreadable files throw `ConfigReadError`, bad YAML `ConfigError`. */
export async function loadYamlFile(path: string): Promise<YamlDocument> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new ConfigReadError(path, error);
  }
  return parseYaml(text, path);
}

/** `loadYamlFile` for start-up code that must stay synchronous (factories). */
export function loadYamlFileSync(path: string): YamlDocument {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ConfigReadError(path, error);
  }
  return parseYaml(text, path);
}

/** Turns the listener's raw tree into positioned nodes, pairing children with values. */
class NodeBuilder {
  readonly #source: string;
  readonly #lineStarts: number[] = [0];
  readonly #byObject = new Map<object, YamlNode>();

  constructor(source: string) {
    this.#source = source;
    for (let i = 0; i < source.length; i++) if (source.charCodeAt(i) === 10) this.#lineStarts.push(i + 1);
  }

  build(raw: RawNode | undefined, value: unknown, fallback?: YamlPosition): YamlNode {
    // A flow collection or tagged scalar read once as a would-be key appears nested in itself.
    while (raw && raw.children.length === 1 && sameValue(raw.children[0]!.result, raw.result))
      raw = raw.children[0];
    if (value !== null && typeof value === 'object') {
      const known = this.#byObject.get(value);
      if (known) return known;
    }
    const position = raw ? this.#position(raw.open) : fallback!;
    if (Array.isArray(value)) {
      const items: YamlNode[] = [];
      let next = 0;
      for (const item of value) {
        const at = findChild(raw?.children ?? [], next, item);
        if (at === -1) items.push(this.#leaf(item, position));
        else {
          items.push(this.build(raw!.children[at], item));
          next = at + 1;
        }
      }
      return this.#remember(value, { kind: 'sequence', value, ...position, items });
    }
    if (value !== null && typeof value === 'object' && !(value instanceof Date)) {
      const entries: YamlEntry[] = [];
      const children = raw?.children ?? [];
      let next = 0;
      for (const [key, item] of Object.entries(value)) {
        const at = findKey(children, next, key);
        if (at === -1) {
          entries.push({
            key,
            keyNode: this.#leaf(key, position),
            valueNode: this.#leafOrKnown(item, position),
          });
          continue;
        }
        const keyNode = this.build(children[at], children[at]!.result);
        const valueAt = findChild(children, at + 1, item);
        // An empty value (`name:`) has no text of its own: point at its key.
        const valueNode =
          valueAt === at + 1 && item !== null
            ? this.build(children[valueAt], item)
            : this.#leafOrKnown(item, keyNode);
        entries.push({ key, keyNode, valueNode });
        next = valueAt === at + 1 ? valueAt + 1 : at + 1;
      }
      return this.#remember(value, { kind: 'mapping', value, ...position, entries });
    }
    return { kind: 'scalar', value, ...position, style: raw ? this.#style(position) : 'plain' };
  }

  #leafOrKnown(value: unknown, position: YamlPosition): YamlNode {
    if (value !== null && typeof value === 'object') return this.build(undefined, value, position);
    return this.#leaf(value, position);
  }

  #leaf(value: unknown, position: YamlPosition): YamlNode {
    return { kind: 'scalar', value, line: position.line, column: position.column };
  }

  #remember(value: object, node: YamlNode): YamlNode {
    this.#byObject.set(value, node);
    return node;
  }

  #style(position: YamlPosition): 'plain' | 'quoted' | 'block' {
    const c = this.#source[this.#lineStarts[position.line - 1]! + position.column - 1];
    return c === '"' || c === "'" ? 'quoted' : c === '|' || c === '>' ? 'block' : 'plain';
  }

  /** The first significant character at or after `offset`: skips blanks, line breaks and comments. */
  #position(offset: number): YamlPosition {
    const source = this.#source;
    let i = offset;
    while (i < source.length) {
      const c = source.charCodeAt(i);
      if (c === 32 || c === 9 || c === 10 || c === 13) i++;
      else if (c === 35 /* # */ && (i === 0 || /\s/.test(source[i - 1]!))) {
        while (i < source.length && source.charCodeAt(i) !== 10) i++;
      } else break;
    }
    let lo = 0;
    let hi = this.#lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.#lineStarts[mid]! <= i) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: i - this.#lineStarts[lo]! + 1 };
  }
}

function sameValue(a: unknown, b: unknown): boolean {
  if (a instanceof Date && b instanceof Date) return a.getTime() === b.getTime();
  return Object.is(a, b);
}

function findChild(children: readonly RawNode[], from: number, value: unknown): number {
  for (let i = from; i < children.length; i++) if (sameValue(children[i]!.result, value)) return i;
  return -1;
}

function findKey(children: readonly RawNode[], from: number, key: string): number {
  for (let i = from; i < children.length; i++) {
    const result = children[i]!.result;
    if (
      (typeof result === 'string' ||
        typeof result === 'number' ||
        typeof result === 'boolean' ||
        result === null) &&
      String(result) === key
    ) {
      return i;
    }
  }
  return -1;
}
