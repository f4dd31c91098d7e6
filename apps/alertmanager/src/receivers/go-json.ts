import { createHash } from 'node:crypto';

/** Go's `regexp.QuoteMeta`. */
export function quoteMeta(s: string): string {
  return s.replace(/[\\.+*?()|[\]{}^$]/g, '\\$&');
}

/** JSON as Go's `json.Encoder` writes it: `<`, `>`, `&`, U+2028/9 escaped, a trailing newline. */
export function goJson(value: unknown): string {
  return `${JSON.stringify(value).replace(
    /[<>&\u2028\u2029]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  )}\n`;
}

/** An object with its keys sorted, as Go encodes a `map[string]string`. */
export function sortedMap(m: Readonly<Record<string, string>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of Object.keys(m).sort()) out[k] = m[k]!;
  return out;
}

/** Upstream's `notify.Key.Hash()`: SHA-256 of the group key, lower-case hex (PagerDuty dedup_key, OpsGenie alias). */
export function groupKeyHash(groupKey: string): string {
  return createHash('sha256').update(groupKey).digest('hex');
}
