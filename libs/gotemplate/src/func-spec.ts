/**
 * Go parameter types a template function may declare, for Go's arity and type checks:
 * `any` is `interface{}` (a missing value arrives as `null`), `value` is
 * `reflect.Value` as the builtins take it (a missing value arrives as `NO_VALUE`,
 * an explicit `nil` is refused), the others are the Go types of the same name.
 */
export type ParamType = 'any' | 'value' | 'string' | 'int' | 'float64' | 'bool' | '[]string' | 'time.Time';

/** A function callable from templates, with an optional Go signature. */
export interface FuncSpec {
  /** Receives the evaluated arguments; throwing makes Go's `error calling <name>: <message>`. */
  readonly fn: (...args: never[]) => unknown;
  /** Fixed parameters; when given, arity and types are checked as Go checks them. */
  readonly params?: readonly ParamType[];
  /** Type of a trailing variadic parameter (`...T`). */
  readonly variadic?: ParamType;
  /** Builtin `and`/`or`: arguments arrive as thunks evaluated on demand. */
  readonly lazy?: boolean;
}

/** A template function: a bare function (called with `any` arguments, no arity check) or a {@link FuncSpec}. */
export type TemplateFunc = ((...args: never[]) => unknown) | FuncSpec;

/** A name → function map, as Go's `template.FuncMap`. */
export type FuncMap = Readonly<Record<string, TemplateFunc>>;

/** Normalises a {@link TemplateFunc} to a {@link FuncSpec}. */
export function toSpec(f: TemplateFunc): FuncSpec {
  return typeof f === 'function' ? { fn: f } : f;
}
