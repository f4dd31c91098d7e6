import { formatText } from '@argus/exposition';
import type { MetricFamily } from '@argus/exposition';

/** The sample lines (no `#` comments) of families in the text format, for assertions in tests. */
export function sampleLines(families: readonly MetricFamily[]): string[] {
  return formatText(families, 'text')
    .split('\n')
    .filter((l) => l !== '' && !l.startsWith('#'));
}

/** `name{labels}` → value of every sample line of a text exposition (empty label values dropped). */
export function parseSampleLines(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const space = line.lastIndexOf(' ');
    out.set(normaliseSeries(line.slice(0, space)), Number(line.slice(space + 1)));
  }
  return out;
}

/** Drops `name=""` pairs so that series compare as Prometheus would ingest them. */
export function normaliseSeries(series: string): string {
  return series
    .replace(/,?[a-zA-Z_][a-zA-Z0-9_]*=""/g, '')
    .replace('{,', '{')
    .replace('{}', '');
}
