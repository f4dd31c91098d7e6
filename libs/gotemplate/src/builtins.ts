import { elemZero, mapGet } from './exec.ts';
import { htmlEscapeString, jsEscapeString, urlQueryEscape } from './escape-funcs.ts';
import { sprint, sprintf, sprintln } from './fmt.ts';
import type { FuncSpec } from './func-spec.ts';
import { NO_VALUE, compareStrings, isTrue, kindOf, toNumber, toStr, typeName, utf8Length } from './value.ts';

type BasicKind = 'bool' | 'int' | 'float' | 'string' | 'complex' | 'invalid';

function basicKind(v: unknown): BasicKind {
  const k = kindOf(v);
  return k === 'bool' || k === 'int' || k === 'float' || k === 'string' || k === 'complex' ? k : 'invalid';
}

const isValid = (v: unknown): boolean => v !== NO_VALUE && v !== null && v !== undefined;

function eq(arg1: unknown, ...rest: unknown[]): boolean {
  if (rest.length === 0) throw new Error('missing argument for comparison');
  const k1 = basicKind(arg1);
  for (const arg of rest) {
    const k2 = basicKind(arg);
    let truth = false;
    if (k1 !== k2) {
      if (isValid(arg1) && isValid(arg)) throw new Error('incompatible types for comparison');
    } else {
      switch (k1) {
        case 'bool':
          truth = arg1 === arg;
          break;
        case 'int':
        case 'float':
          truth = toNumber(arg1) === toNumber(arg);
          break;
        case 'string':
          truth = toStr(arg1) === toStr(arg);
          break;
        default: {
          const n1 = !isValid(arg1);
          const n2 = !isValid(arg);
          if (n1 || n2) truth = n1 === n2;
          else {
            const k = kindOf(arg1);
            if (k === 'slice' || k === 'map' || k === 'func') {
              throw new Error(`non-comparable type ${sprint([arg1])}: ${typeName(arg1)}`);
            }
            truth = arg1 === arg;
          }
        }
      }
    }
    if (truth) return true;
  }
  return false;
}

function lt(arg1: unknown, arg2: unknown): boolean {
  const k1 = basicKind(arg1);
  if (k1 === 'invalid') throw new Error('invalid type for comparison');
  const k2 = basicKind(arg2);
  if (k2 === 'invalid') throw new Error('invalid type for comparison');
  if (k1 !== k2) throw new Error('incompatible types for comparison');
  switch (k1) {
    case 'int':
    case 'float':
      return toNumber(arg1) < toNumber(arg2);
    case 'string':
      return compareStrings(toStr(arg1), toStr(arg2)) < 0;
    default:
      throw new Error('invalid type for comparison');
  }
}

const le = (a: unknown, b: unknown): boolean => lt(a, b) || eq(a, b);

function length(item: unknown): number {
  switch (kindOf(item)) {
    case 'invalid':
    case 'nil':
      throw new Error('reflect: call of reflect.Value.Type on zero Value');
    case 'string':
      return utf8Length(toStr(item));
    case 'slice':
      return (item as unknown[]).length;
    case 'map':
      return item instanceof Map ? item.size : Object.keys(item as object).length;
    default:
      throw new Error(`len of type ${typeName(item)}`);
  }
}

function indexArg(index: unknown, cap: number): number {
  const k = kindOf(index);
  if (k === 'invalid' || k === 'nil') throw new Error('cannot index slice/array with nil');
  if (k !== 'int') throw new Error(`cannot index slice/array with type ${typeName(index)}`);
  const x = toNumber(index);
  if (x < 0 || x > cap) throw new Error(`index out of range: ${x}`);
  return x;
}

function index(item: unknown, ...indexes: unknown[]): unknown {
  if (!isValid(item)) throw new Error('index of untyped nil');
  for (const idx of indexes) {
    if (item === null || item === undefined) throw new Error('index of nil pointer');
    const k = kindOf(item);
    if (k === 'slice') {
      const arr = item as unknown[];
      const x = indexArg(idx, arr.length);
      if (x === arr.length) throw new Error('reflect: slice index out of range');
      item = arr[x] ?? null;
    } else if (k === 'string') {
      const bytes = Buffer.from(toStr(item), 'utf8');
      const x = indexArg(idx, bytes.length);
      if (x === bytes.length) throw new Error('reflect: string index out of range');
      item = bytes[x]!;
    } else if (k === 'map') {
      const key = idx === NO_VALUE ? null : idx;
      const stringKeyed = !(item instanceof Map) || [...item.keys()].every((k) => typeof k === 'string');
      if (stringKeyed && kindOf(key) !== 'string') {
        throw new Error(`value has type ${typeName(key)}; should be string`);
      }
      const found = mapGet(item as object, item instanceof Map ? key : toStr(key));
      item = found === NO_VALUE ? elemZero(item as object) : found;
    } else {
      throw new Error(`can't index item of type ${typeName(item)}`);
    }
  }
  return item;
}

function slice(item: unknown, ...indexes: unknown[]): unknown {
  if (!isValid(item)) throw new Error('slice of untyped nil');
  if (indexes.length > 3) throw new Error(`too many slice indexes: ${indexes.length}`);
  const k = kindOf(item);
  let len: number;
  if (k === 'string') {
    if (indexes.length === 3) throw new Error('cannot 3-index slice a string');
    len = utf8Length(toStr(item));
  } else if (k === 'slice') len = (item as unknown[]).length;
  else throw new Error(`can't slice item of type ${typeName(item)}`);
  const idx = [0, len, len];
  indexes.forEach((x, i) => (idx[i] = indexArg(x, len)));
  if (idx[0]! > idx[1]!) throw new Error(`invalid slice index: ${idx[0]} > ${idx[1]}`);
  if (indexes.length === 3 && idx[1]! > idx[2]!)
    throw new Error(`invalid slice index: ${idx[1]} > ${idx[2]}`);
  if (k === 'string') return Buffer.from(toStr(item), 'utf8').subarray(idx[0], idx[1]).toString('utf8');
  return (item as unknown[]).slice(idx[0], idx[1]);
}

/** Go's `evalArgs` for html/js/urlquery: one string as is, else `fmt.Sprint` with `<no value>` for nil. */
function evalArgs(args: unknown[]): string {
  if (args.length === 1 && typeof args[0] === 'string') return args[0];
  return sprint(args.map((a) => (a === null || a === undefined || a === NO_VALUE ? '<no value>' : a)));
}

function call(name: string, fn: unknown, ...args: unknown[]): unknown {
  if (!isValid(fn)) throw new Error('call of nil');
  if (typeof fn !== 'function') throw new Error(`non-function ${name} of type ${typeName(fn)}`);
  try {
    return (fn as (...a: unknown[]) => unknown)(...args.map((a) => (a === NO_VALUE ? null : a)));
  } catch (e) {
    throw new Error(`error calling ${name}: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  }
}

/** Go's predefined template functions (text/template `builtins()`). */
export const BUILTINS: ReadonlyMap<string, FuncSpec> = new Map<string, FuncSpec>([
  ['and', { fn: () => undefined, params: ['value'], variadic: 'value', lazy: true }],
  ['or', { fn: () => undefined, params: ['value'], variadic: 'value', lazy: true }],
  ['not', { fn: (a: unknown) => !isTrue(a), params: ['value'] }],
  ['call', { fn: call as (...a: never[]) => unknown, params: ['value'], variadic: 'value' }],
  ['eq', { fn: eq as (...a: never[]) => unknown, params: ['value'], variadic: 'value' }],
  ['ne', { fn: (a: unknown, b: unknown) => !eq(a, b), params: ['value', 'value'] }],
  ['lt', { fn: lt, params: ['value', 'value'] }],
  ['le', { fn: le, params: ['value', 'value'] }],
  ['gt', { fn: (a: unknown, b: unknown) => !le(a, b), params: ['value', 'value'] }],
  ['ge', { fn: (a: unknown, b: unknown) => !lt(a, b), params: ['value', 'value'] }],
  ['len', { fn: length, params: ['value'] }],
  ['index', { fn: index as (...a: never[]) => unknown, params: ['value'], variadic: 'value' }],
  ['slice', { fn: slice as (...a: never[]) => unknown, params: ['value'], variadic: 'value' }],
  ['print', { fn: (...a: unknown[]) => sprint(a), params: [], variadic: 'any' }],
  ['println', { fn: (...a: unknown[]) => sprintln(a), params: [], variadic: 'any' }],
  ['printf', { fn: (f: string, ...a: unknown[]) => sprintf(f, a), params: ['string'], variadic: 'any' }],
  ['html', { fn: (...a: unknown[]) => htmlEscapeString(evalArgs(a)), params: [], variadic: 'any' }],
  ['js', { fn: (...a: unknown[]) => jsEscapeString(evalArgs(a)), params: [], variadic: 'any' }],
  ['urlquery', { fn: (...a: unknown[]) => urlQueryEscape(evalArgs(a)), params: [], variadic: 'any' }],
]);
