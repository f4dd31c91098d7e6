/**
 * Decodes a label name from a URL path segment. Prometheus 3.x lets clients send names
 * outside the legacy charset as `U__` + the name with `_` doubled and other characters
 * as `_<hex code point>_` (`U__a_2e_b` is `a.b`).
 */
export function decodeLabelNamePath(segment: string): string {
  if (!segment.startsWith('U__')) return segment;
  const body = segment.slice(3);
  let out = '';
  for (let i = 0; i < body.length; i++) {
    const c = body[i]!;
    if (c !== '_') {
      out += c;
      continue;
    }
    if (body[i + 1] === '_') {
      out += '_';
      i++;
      continue;
    }
    const end = body.indexOf('_', i + 1);
    const code = end > i ? Number.parseInt(body.slice(i + 1, end), 16) : NaN;
    if (Number.isNaN(code)) return segment;
    out += String.fromCodePoint(code);
    i = end;
  }
  return out;
}
