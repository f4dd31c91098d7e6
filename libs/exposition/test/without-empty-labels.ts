/** A sample line without its empty-valued labels, which `Labels` never holds. */
export function withoutEmptyLabels(line: string): string {
  if (line.startsWith('#')) return line;
  return line
    .replace(/\b[a-zA-Z_][a-zA-Z0-9_]*="",?/g, '')
    .replace(/,\}/g, '}')
    .replace(/\{\}/g, '');
}
