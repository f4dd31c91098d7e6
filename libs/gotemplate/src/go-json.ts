import { GoFloat, GoTypedString, NO_VALUE, isPlainObject, sortedEntries } from './value.ts';

/**
 * Go's `json.Marshal` of a template value: map keys sorted, `<`, `>`, `&`, U+2028
 * and U+2029 escaped as `\u003c`…, objects with `toJSON()` (times, Alertmanager data)
 * marshalled through it. Throws on functions, as Go refuses `func` values.
 */
export function goJsonMarshal(v: unknown): string {
  if (v === null || v === undefined || v === NO_VALUE) return 'null';
  if (v instanceof GoFloat) return goJsonMarshal(v.value);
  if (v instanceof GoTypedString) return quote(v.value);
  switch (typeof v) {
    case 'string':
      return quote(v);
    case 'boolean':
      return v ? 'true' : 'false';
    case 'bigint':
      return v.toString();
    case 'number':
      if (!Number.isFinite(v)) throw new Error(`json: unsupported value: ${v}`);
      return formatJsonNumber(v);
    case 'function':
      throw new Error('json: unsupported type: func()');
  }
  const o = v as object;
  if (typeof (o as { toJSON?: unknown }).toJSON === 'function') {
    const inner: unknown = (o as { toJSON: () => unknown }).toJSON();
    // A struct's JSON form keeps its field order; only maps are sorted.
    const isStruct = !(o instanceof Map) && !isPlainObject(o);
    if (isStruct && inner !== null && typeof inner === 'object' && isPlainObject(inner))
      return structJson(inner);
    if (inner !== o) return goJsonMarshal(inner);
  }
  if (Array.isArray(o)) return `[${o.map(goJsonMarshal).join(',')}]`;
  if (o instanceof Map || isPlainObject(o)) {
    return `{${sortedEntries(o)
      .map(([k, x]) => `${quote(String(k))}:${goJsonMarshal(x)}`)
      .join(',')}}`;
  }
  return structJson(o);
}

function structJson(o: object): string {
  return `{${Object.entries(o)
    .map(([k, x]) => `${quote(k)}:${goJsonMarshal(x)}`)
    .join(',')}}`;
}

function quote(s: string): string {
  return JSON.stringify(s).replace(
    /[<>&\u2028\u2029]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

/** Go's float encoding in JSON: shortest form, exponent only below 1e-6 or from 1e21. */
function formatJsonNumber(v: number): string {
  const abs = Math.abs(v);
  if (abs !== 0 && (abs < 1e-6 || abs >= 1e21)) {
    return v.toExponential().replace(/e([+-])(\d)$/, 'e$10$2');
  }
  return String(v);
}
