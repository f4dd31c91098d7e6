/**
 * How JavaScript values stand for Go values inside templates (Go's "kinds").
 *
 * | JavaScript | Go kind | Go type shown by `%T` and errors |
 * |---|---|---|
 * | `NO_VALUE` (a missing map key, a field of nothing) | invalid `reflect.Value` | — (prints `<no value>`) |
 * | `null`, `undefined` | nil interface | `<nil>` |
 * | `boolean` | bool | `bool` |
 * | integral `number`, `bigint` | int | `int` |
 * | non-integral `number`, {@link GoFloat} | float64 | `float64` |
 * | `string` | string | `string` |
 * | {@link GoTypedString} (`safeHtml`…) | string | its Go type (`template.HTML`) |
 * | `Array` (and subclasses) | slice | `[]interface {}` or the `GO_TYPE` property |
 * | plain object, `Map` (and subclasses) | map | `map[string]interface {}` or `GO_TYPE` |
 * | `function` | func | `func` |
 * | any other object (class instance) | struct | `GO_TYPE` or the class name |
 *
 * A `number` that happens to be integral is an int: data that Go would hold as a
 * float64 (Prometheus sample values) must be wrapped with {@link float64}.
 * Methods are the functions on an object's prototype chain below the built-in
 * prototypes whose names start with an upper-case letter (Go's exported methods).
 * A `String()` method makes a value a Go `fmt.Stringer`, `Error()` an `error`.
 */

/** Go's invalid `reflect.Value`: what a missing map key evaluates to. Prints as `<no value>`. */
export const NO_VALUE: unique symbol = Symbol('gotemplate.noValue');
export type NoValue = typeof NO_VALUE;

/** Property naming an object's or array's Go type for `%T` and error messages. */
export const GO_TYPE: unique symbol = Symbol.for('argus.gotemplate.goType');

/** A float64 whose value happens to be integral (non-integral numbers are float64 already). */
export class GoFloat {
  constructor(readonly value: number) {}
}

/** A float64: keeps `%f`, `%v` and comparisons behaving as for Go float64 values. */
export function float64(value: number): number | GoFloat {
  return Number.isInteger(value) ? new GoFloat(value) : value;
}

/** A value of a named Go string type, e.g. `template.HTML` returned by `safeHtml`. */
export class GoTypedString {
  constructor(
    readonly typeName: string,
    readonly value: string,
  ) {}

  toString(): string {
    return this.value;
  }
}

export type Kind =
  'invalid' | 'nil' | 'bool' | 'int' | 'float' | 'complex' | 'string' | 'slice' | 'map' | 'func' | 'struct';

const builtinProtos = new Set<object>([Object.prototype, Array.prototype, Map.prototype, Function.prototype]);

/** Whether `v` is a plain object (a Go map with string keys). */
export function isPlainObject(v: object): boolean {
  const proto = Object.getPrototypeOf(v) as object | null;
  return proto === null || proto === Object.prototype;
}

/** The Go kind a JavaScript value stands for. */
export function kindOf(v: unknown): Kind {
  if (v === NO_VALUE) return 'invalid';
  switch (typeof v) {
    case 'undefined':
      return 'nil';
    case 'boolean':
      return 'bool';
    case 'number':
      return Number.isInteger(v) ? 'int' : 'float';
    case 'bigint':
      return 'int';
    case 'string':
      return 'string';
    case 'function':
      return 'func';
    case 'object':
      if (v === null) return 'nil';
      if (v instanceof GoFloat) return 'float';
      if (v instanceof GoTypedString) return 'string';
      if (Array.isArray(v)) return 'slice';
      if (v instanceof Map || isPlainObject(v)) return 'map';
      return 'struct';
    default:
      return 'struct';
  }
}

/** The numeric value of an int or float kind. */
export function toNumber(v: unknown): number {
  if (v instanceof GoFloat) return v.value;
  if (typeof v === 'bigint') return Number(v);
  return v as number;
}

/** The string value of a string kind. */
export function toStr(v: unknown): string {
  return v instanceof GoTypedString ? v.value : (v as string);
}

/** Go's type name of a value, as `%T` and error messages print it. */
export function typeName(v: unknown): string {
  switch (kindOf(v)) {
    case 'invalid':
    case 'nil':
      return '<nil>';
    case 'bool':
      return 'bool';
    case 'int':
      return 'int';
    case 'float':
      return 'float64';
    case 'complex':
      return 'complex128';
    case 'string':
      return v instanceof GoTypedString ? v.typeName : 'string';
    case 'func':
      return 'func(...interface {}) (interface {}, error)';
    default: {
      const declared = (v as { [GO_TYPE]?: string })[GO_TYPE];
      if (declared) return declared;
      if (Array.isArray(v)) return '[]interface {}';
      if (v instanceof Map || isPlainObject(v as object)) return 'map[string]interface {}';
      return (v as object).constructor?.name ?? 'struct {}';
    }
  }
}

/** Go's truth of a value for `if`, `with`, `and`, `or`, `not`: false for zero values. */
export function isTrue(v: unknown): boolean {
  switch (kindOf(v)) {
    case 'invalid':
    case 'nil':
      return false;
    case 'bool':
      return v as boolean;
    case 'int':
    case 'float':
      return toNumber(v) !== 0;
    case 'string':
      return toStr(v).length > 0;
    case 'slice':
      return (v as unknown[]).length > 0;
    case 'map':
      return v instanceof Map ? v.size > 0 : Object.keys(v as object).length > 0;
    default:
      return true;
  }
}

/** The exported method `name` of a value, bound to it, if it has one. */
export function methodOf(v: unknown, name: string): ((...args: unknown[]) => unknown) | undefined {
  if (v === null || typeof v !== 'object' || !/^\p{Lu}/u.test(name)) return undefined;
  if (v instanceof GoTypedString || v instanceof GoFloat) return undefined;
  let proto = Object.getPrototypeOf(v) as object | null;
  while (proto && !builtinProtos.has(proto)) {
    const desc = Object.getOwnPropertyDescriptor(proto, name);
    if (desc && typeof desc.value === 'function') return (desc.value as (...a: unknown[]) => unknown).bind(v);
    proto = Object.getPrototypeOf(proto) as object | null;
  }
  return undefined;
}

/** The entries of a map kind, keys sorted as Go's `fmt` and `range` sort them. */
export function sortedEntries(m: object): [unknown, unknown][] {
  const entries: [unknown, unknown][] = m instanceof Map ? [...m.entries()] : Object.entries(m);
  return entries.sort((a, b) => compareKeys(a[0], b[0]));
}

function compareKeys(a: unknown, b: unknown): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return compareStrings(String(a), String(b));
}

/** Byte-wise (UTF-8) comparison of two strings, as Go compares strings. */
export function compareStrings(a: string, b: string): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    // Surrogates (astral code points) sort after every BMP code point in UTF-8 order.
    const xs = x >= 0xd800 && x <= 0xdfff;
    const ys = y >= 0xd800 && y <= 0xdfff;
    if (xs !== ys) return xs ? 1 : -1;
    return x - y;
  }
  return a.length - b.length;
}

/** Length of a string in UTF-8 bytes, as Go's `len` counts. */
export function utf8Length(s: string): number {
  return Buffer.byteLength(s, 'utf8');
}
