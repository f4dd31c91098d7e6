/** What every redacted secret is replaced with, as Prometheus prints secrets in configs. */
export const REDACTED = '<secret>';

const secretKey =
  /pass(word|wd)?$|secret|token|authorization|api[-_]?key|credential|cookie|private[-_]?key|^auth$/i;
const pathKey = /(_file|file|_path|path)$/i;

/**
 * Whether a field of that name holds a secret (`password`, `bearer_token`,
 * `Authorization`, `api_key`, `client_secret`, …). Fields naming a file that holds the
 * secret (`password_file`, `bearer_token_file`) are not secrets themselves.
 */
export function isSecretKey(key: string): boolean {
  return secretKey.test(key) && !pathKey.test(key);
}

const urlUserinfo = /\b([a-z][a-z0-9+.-]*:\/\/)([^/\s:@]*):([^/\s@]*)@/gi;
const authScheme = /\b(Bearer|Basic)(\s+)[A-Za-z0-9\-._~+/]+=*/g;
const queryParam = /([?&])([^=&\s#]+)=([^&\s#]*)/g;

/**
 * Hides secrets inside free text: the password of `scheme://user:pass@host` URLs, the
 * credentials after `Bearer` and `Basic`, and query parameters with secret names
 * (`?access_token=…`). Everything else is returned unchanged.
 */
export function redactText(text: string): string {
  let out = text;
  if (out.includes('://'))
    out = out.replace(urlUserinfo, (_m, scheme: string, user: string) => `${scheme}${user}:${REDACTED}@`);
  if (out.includes('Bearer') || out.includes('Basic')) {
    out = out.replace(authScheme, (match, scheme: string, space: string) =>
      looksLikeCredential(match.slice(scheme.length + space.length)) ? `${scheme}${space}${REDACTED}` : match,
    );
  }
  if (out.includes('=')) {
    out = out.replace(queryParam, (m, sep: string, key: string) =>
      isSecretKey(key) ? `${sep}${key}=${REDACTED}` : m,
    );
  }
  return out;
}

/**
 * Tells a token after `Bearer`/`Basic` from an English word (`Basic authentication`):
 * credentials carry a digit, a symbol of the token alphabet or a capital after the first
 * letter. An all-lowercase token slips through; that trade keeps prose readable.
 */
function looksLikeCredential(token: string): boolean {
  return /[0-9\-._~+/=]/.test(token) || /[A-Z]/.test(token.slice(1));
}

/**
 * Returns a copy of `value` with secrets hidden: the values of secret-named fields at
 * any depth, and secrets inside strings (see `redactText`). Errors become plain
 * `{ type, message, stack, code, cause }` objects with redacted text. Cycles are cut.
 */
export function redactSecrets(value: unknown): unknown {
  return redactValue(value, new WeakSet());
}

function redactValue(value: unknown, seen: WeakSet<object>): unknown {
  if (typeof value === 'string') return redactText(value);
  if (value === null || typeof value !== 'object') return value;
  if (seen.has(value)) return '[Circular]';
  seen.add(value);
  if (value instanceof Error) {
    const out: Record<string, unknown> = { type: value.name, message: redactText(value.message) };
    if (value.stack !== undefined) out['stack'] = redactText(value.stack);
    const code = (value as { code?: unknown }).code;
    if (code !== undefined) out['code'] = code;
    if (value.cause !== undefined) out['cause'] = redactValue(value.cause, seen);
    return out;
  }
  if (Array.isArray(value)) return value.map((item) => redactValue(item, seen));
  if (value instanceof Map) {
    return Object.fromEntries(
      [...value].map(([k, v]) => [String(k), isSecretKey(String(k)) ? REDACTED : redactValue(v, seen)]),
    );
  }
  if (value instanceof URL) return redactText(value.href);
  if (typeof (value as { reveal?: unknown }).reveal === 'function') return REDACTED;
  if (value instanceof Date || Buffer.isBuffer(value) || ArrayBuffer.isView(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    out[key] =
      isSecretKey(key) && item !== undefined && item !== null && item !== ''
        ? REDACTED
        : redactValue(item, seen);
  }
  return out;
}
