/** One family of a scraped text exposition, reduced to what the upstream comparison checks. */
export interface FamilySummary {
  readonly name: string;
  type: string;
  help: string;
  readonly labelNames: Set<string>;
}

/**
 * Reads a text-format (0.0.4) exposition into family name → type, help and the union of
 * label names over its samples. Sample lines are attributed to the family of the last
 * `# TYPE` (node_exporter's families have no suffixed samples).
 */
export function summariseExposition(text: string): Map<string, FamilySummary> {
  const families = new Map<string, FamilySummary>();
  const family = (name: string): FamilySummary => {
    let f = families.get(name);
    if (!f) families.set(name, (f = { name, type: 'untyped', help: '', labelNames: new Set() }));
    return f;
  };
  for (const line of text.split('\n')) {
    if (line === '') continue;
    if (line.startsWith('# HELP ')) {
      const rest = line.slice(7);
      const sp = rest.indexOf(' ');
      family(rest.slice(0, sp)).help = rest.slice(sp + 1);
      continue;
    }
    if (line.startsWith('# TYPE ')) {
      const [name, type] = line.slice(7).split(' ');
      family(name!).type = type!;
      continue;
    }
    if (line.startsWith('#')) continue;
    const brace = line.indexOf('{');
    const space = line.indexOf(' ');
    const name = brace >= 0 && brace < space ? line.slice(0, brace) : line.slice(0, space);
    const f = family(name);
    if (brace >= 0 && brace < space) for (const label of labelNames(line, brace + 1)) f.labelNames.add(label);
  }
  return families;
}

/** The label names of a series line starting after `{`, skipping quoted values with escapes. */
function labelNames(line: string, start: number): string[] {
  const names: string[] = [];
  let i = start;
  while (i < line.length && line[i] !== '}') {
    const eq = line.indexOf('=', i);
    names.push(line.slice(i, eq));
    i = eq + 2; // past ="
    while (i < line.length && line[i] !== '"') i += line[i] === '\\' ? 2 : 1;
    i++; // past closing quote
    if (line[i] === ',') i++;
  }
  return names;
}

/** `name type [labels] help` lines, one per family, for a readable set difference. */
export function describeFamilies(
  families: Map<string, FamilySummary>,
  keep: (name: string) => boolean,
): Set<string> {
  const out = new Set<string>();
  for (const f of families.values()) {
    if (!keep(f.name)) continue;
    out.add(`${f.name} ${f.type} [${[...f.labelNames].sort().join(',')}] ${f.help}`);
  }
  return out;
}
