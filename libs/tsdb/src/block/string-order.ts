/**
 * Go string order (UTF-8 byte order, i.e. code-point order), which the block format
 * sorts symbols, label values and series by. It differs from JavaScript's UTF-16
 * order only when a surrogate pair meets a character in U+E000–U+FFFF.
 */
export function compareBytes(a: string, b: string): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    if (x >= 0xd800 && y >= 0xd800) {
      const cx = a.codePointAt(i)!;
      const cy = b.codePointAt(i)!;
      if (cx !== cy) return cx < cy ? -1 : 1;
      continue;
    }
    return x < y ? -1 : 1;
  }
  return a.length - b.length;
}

/** Compares two flat `[name, value, …]` label arrays in Go byte order, as the index sorts series. */
export function compareLabelFlats(x: readonly string[], y: readonly string[]): number {
  const n = Math.min(x.length, y.length);
  for (let i = 0; i < n; i++) {
    if (x[i] !== y[i]) return compareBytes(x[i]!, y[i]!);
  }
  return x.length - y.length;
}
