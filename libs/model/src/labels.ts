import { InvalidLabelError } from './errors.ts';
import { Hasher } from './hash.ts';

/** The label that carries a series' metric name. */
export const METRIC_NAME_LABEL = '__name__';

/**
 * An immutable set of labels, sorted by name, names unique. Labels with an empty value
 * are absent, as in Prometheus. The hash is computed once, on first use.
 *
 * Internally one flat array `[name0, value0, name1, value1, …]`; build with the static
 * constructors or {@link LabelsBuilder}, never mutate what {@link Labels.flat} returns.
 */
export class Labels implements Iterable<[name: string, value: string]> {
  static readonly EMPTY = new Labels([]);

  readonly #flat: readonly string[];
  #hash = -1;

  private constructor(flat: readonly string[]) {
    this.#flat = flat;
  }

  /** From name/value pairs in any order; empty values are dropped, a repeated name keeps its last value. */
  static fromPairs(pairs: Iterable<readonly [string, string]>): Labels {
    const map = new Map<string, string>();
    for (const [name, value] of pairs) map.set(name, value);
    return Labels.#fromMap(map);
  }

  /** From a plain object such as `{ __name__: 'up', job: 'node' }`. */
  static fromRecord(record: Readonly<Record<string, string>>): Labels {
    return Labels.#fromMap(new Map(Object.entries(record)));
  }

  /** From alternating names and values: `Labels.of('__name__', 'up', 'job', 'node')`. */
  static of(...nameValues: string[]): Labels {
    if (nameValues.length % 2 !== 0) throw new InvalidLabelError('Labels.of needs an even number of strings');
    const map = new Map<string, string>();
    for (let i = 0; i < nameValues.length; i += 2) map.set(nameValues[i]!, nameValues[i + 1]!);
    return Labels.#fromMap(map);
  }

  /**
   * Adopts an already sorted, duplicate-free flat array without copying or checking.
   * For hot paths (parsers, storage) that build labels in order themselves.
   */
  static fromSortedFlat(flat: readonly string[]): Labels {
    return flat.length === 0 ? Labels.EMPTY : new Labels(flat);
  }

  static #fromMap(map: Map<string, string>): Labels {
    const names = [...map.keys()].filter((n) => map.get(n) !== '').sort(compareStrings);
    if (names.length === 0) return Labels.EMPTY;
    const flat: string[] = new Array(names.length * 2);
    names.forEach((name, i) => {
      flat[2 * i] = name;
      flat[2 * i + 1] = map.get(name)!;
    });
    return new Labels(flat);
  }

  /** Number of labels. */
  get size(): number {
    return this.#flat.length >> 1;
  }

  /** The flat `[name, value, …]` array, sorted by name. Read-only. */
  get flat(): readonly string[] {
    return this.#flat;
  }

  nameAt(i: number): string {
    return this.#flat[2 * i]!;
  }

  valueAt(i: number): string {
    return this.#flat[2 * i + 1]!;
  }

  /** The value of `name`, or `''` when absent (Prometheus treats both alike). */
  get(name: string): string {
    const i = this.#indexOf(name);
    return i < 0 ? '' : this.#flat[i + 1]!;
  }

  has(name: string): boolean {
    return this.#indexOf(name) >= 0;
  }

  /** The metric name, or `''`. */
  get metricName(): string {
    return this.get(METRIC_NAME_LABEL);
  }

  #indexOf(name: string): number {
    const flat = this.#flat;
    if (flat.length <= 16) {
      for (let i = 0; i < flat.length; i += 2) if (flat[i] === name) return i;
      return -1;
    }
    let lo = 0;
    let hi = (flat.length >> 1) - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const n = flat[2 * mid]!;
      if (n === name) return 2 * mid;
      if (n < name) lo = mid + 1;
      else hi = mid - 1;
    }
    return -1;
  }

  /** A 53-bit hash over all names and values; equal label sets hash equally. */
  hash(): number {
    if (this.#hash < 0) {
      const h = new Hasher();
      for (const s of this.#flat) h.add(s);
      this.#hash = h.digest();
    }
    return this.#hash;
  }

  /** Hash over only the given names (absent ones count as empty); `names` must be sorted. */
  hashForNames(names: readonly string[]): number {
    const h = new Hasher();
    for (const name of names) {
      const v = this.get(name);
      if (v !== '') h.add(name).add(v);
    }
    return h.digest();
  }

  /** Hash over all labels except the given names and `__name__`. */
  hashWithoutNames(names: readonly string[]): number {
    const h = new Hasher();
    const flat = this.#flat;
    for (let i = 0; i < flat.length; i += 2) {
      const name = flat[i]!;
      if (name === METRIC_NAME_LABEL || names.includes(name)) continue;
      h.add(name).add(flat[i + 1]!);
    }
    return h.digest();
  }

  equals(other: Labels): boolean {
    if (this === other) return true;
    const a = this.#flat;
    const b = other.#flat;
    if (a.length !== b.length) return false;
    if (this.#hash >= 0 && other.#hash >= 0 && this.#hash !== other.#hash) return false;
    for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
    return true;
  }

  /** Orders label sets as Prometheus does: name by name, then value, then by length. */
  static compare(a: Labels, b: Labels): number {
    const x = a.#flat;
    const y = b.#flat;
    const n = Math.min(x.length, y.length);
    for (let i = 0; i < n; i += 2) {
      if (x[i] !== y[i]) return x[i]! < y[i]! ? -1 : 1;
      if (x[i + 1] !== y[i + 1]) return x[i + 1]! < y[i + 1]! ? -1 : 1;
    }
    return x.length - y.length;
  }

  *[Symbol.iterator](): Iterator<[string, string]> {
    const flat = this.#flat;
    for (let i = 0; i < flat.length; i += 2) yield [flat[i]!, flat[i + 1]!];
  }

  forEach(fn: (name: string, value: string) => void): void {
    const flat = this.#flat;
    for (let i = 0; i < flat.length; i += 2) fn(flat[i]!, flat[i + 1]!);
  }

  toRecord(): Record<string, string> {
    const out: Record<string, string> = {};
    this.forEach((n, v) => (out[n] = v));
    return out;
  }

  /** Only the given names. */
  keep(names: readonly string[]): Labels {
    return this.#filter((n) => names.includes(n));
  }

  /** All but the given names. */
  drop(names: readonly string[]): Labels {
    return this.#filter((n) => !names.includes(n));
  }

  /** Without `__name__`. */
  withoutMetricName(): Labels {
    return this.has(METRIC_NAME_LABEL) ? this.drop([METRIC_NAME_LABEL]) : this;
  }

  #filter(keepName: (name: string) => boolean): Labels {
    const out: string[] = [];
    const flat = this.#flat;
    for (let i = 0; i < flat.length; i += 2) if (keepName(flat[i]!)) out.push(flat[i]!, flat[i + 1]!);
    return out.length === flat.length ? this : Labels.fromSortedFlat(out);
  }

  builder(): LabelsBuilder {
    return new LabelsBuilder(this);
  }

  /** `{a="1", b="2"}` as Prometheus prints label sets; names outside the legacy charset are quoted. */
  toString(): string {
    const parts: string[] = [];
    this.forEach((n, v) => parts.push(`${isValidLegacyLabelName(n) ? n : quoteString(n)}=${quoteString(v)}`));
    return `{${parts.join(', ')}}`;
  }
}

/** Collects changes to a base label set and produces a new {@link Labels}. */
export class LabelsBuilder {
  readonly #base: Labels;
  readonly #set = new Map<string, string>();

  constructor(base: Labels = Labels.EMPTY) {
    this.#base = base;
  }

  /** Sets `name`; an empty value deletes it. */
  set(name: string, value: string): this {
    this.#set.set(name, value);
    return this;
  }

  delete(...names: string[]): this {
    for (const name of names) this.#set.set(name, '');
    return this;
  }

  /** Deletes every label except the given names. */
  keep(...names: string[]): this {
    for (const [name] of this.#base) if (!names.includes(name)) this.#set.set(name, '');
    for (const name of this.#set.keys()) if (!names.includes(name)) this.#set.set(name, '');
    return this;
  }

  get(name: string): string {
    return this.#set.get(name) ?? this.#base.get(name);
  }

  /** Visits the current labels in name order. */
  forEach(fn: (name: string, value: string) => void): void {
    this.labels().forEach(fn);
  }

  labels(): Labels {
    if (this.#set.size === 0) return this.#base;
    const map = new Map<string, string>(this.#base);
    for (const [n, v] of this.#set) map.set(n, v);
    return Labels.fromPairs(map);
  }
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Go-style double-quoted string (as Prometheus prints label values). */
export function quoteString(s: string): string {
  return JSON.stringify(s);
}

/** How names are validated: `utf8` (Prometheus 3.x default) or `legacy` (2.x charset). */
export type NameValidationScheme = 'utf8' | 'legacy';

const legacyLabelName = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const legacyMetricName = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;

export function isValidLegacyLabelName(name: string): boolean {
  return legacyLabelName.test(name);
}

export function isValidLegacyMetricName(name: string): boolean {
  return legacyMetricName.test(name);
}

/** A label name is any non-empty valid UTF-8 string (utf8) or matches `[a-zA-Z_][a-zA-Z0-9_]*` (legacy). */
export function isValidLabelName(name: string, scheme: NameValidationScheme = 'utf8'): boolean {
  return scheme === 'legacy' ? isValidLegacyLabelName(name) : name.length > 0 && name.isWellFormed();
}

/** A metric name is any non-empty valid UTF-8 string (utf8) or matches `[a-zA-Z_:][a-zA-Z0-9_:]*` (legacy). */
export function isValidMetricName(name: string, scheme: NameValidationScheme = 'utf8'): boolean {
  return scheme === 'legacy' ? isValidLegacyMetricName(name) : name.length > 0 && name.isWellFormed();
}

/** A label value is any valid UTF-8 string. */
export function isValidLabelValue(value: string): boolean {
  return value.isWellFormed();
}

/** Throws {@link InvalidLabelError} naming the first invalid name or value in `labels`. */
export function validateLabels(labels: Labels, scheme: NameValidationScheme = 'utf8'): void {
  labels.forEach((name, value) => {
    const valid =
      name === METRIC_NAME_LABEL ? isValidMetricName(value, scheme) : isValidLabelName(name, scheme);
    if (!valid) {
      throw new InvalidLabelError(
        name === METRIC_NAME_LABEL
          ? `invalid metric name ${quoteString(value)}`
          : `invalid label name ${quoteString(name)}`,
      );
    }
    if (!isValidLabelValue(value))
      throw new InvalidLabelError(`invalid label value for ${quoteString(name)}`);
  });
}
