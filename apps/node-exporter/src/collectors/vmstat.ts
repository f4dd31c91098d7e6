import type { MetricFamily } from '@argus/exposition';
import type { Collector, CollectorContext } from '../collector.ts';
import { FamilyDesc } from '../family-builder.ts';
import { NameFilter } from '../name-filter.ts';
import { lines, pseudoFiles } from '../read-file.ts';

/** `vmstat`: the fields of `/proc/vmstat` matching `--collector.vmstat.fields`, untyped as upstream. */
export function vmstatCollector({ paths, options }: CollectorContext): Collector {
  const file = paths.proc('vmstat');
  const wanted = new NameFilter('--collector.vmstat.fields', '', options.vmstatFields);
  // One lookup per line: the family of a kept field, null for a dropped one.
  const descs = new Map<string, FamilyDesc | null>();
  return {
    name: 'vmstat',
    async collect(): Promise<MetricFamily[]> {
      const out: MetricFamily[] = [];
      for (const line of lines(pseudoFiles.read(file))) {
        const space = line.indexOf(' ');
        if (space < 0) continue;
        const key = line.slice(0, space);
        let desc = descs.get(key);
        if (desc === undefined) {
          desc = wanted.ignored(key)
            ? null
            : new FamilyDesc(`node_vmstat_${key}`, 'untyped', `/proc/vmstat information field ${key}.`);
          descs.set(key, desc);
        }
        if (desc) out.push(desc.single(Number(line.slice(space + 1))));
      }
      return out;
    },
  };
}
