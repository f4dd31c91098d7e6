import type { MetricFamily } from '@argus/exposition';
import type { Collector, CollectorContext } from '../collector.ts';
import { FamilyDesc } from '../family-builder.ts';
import { ParseError } from '../errors.ts';
import { fields, pseudoFiles } from '../read-file.ts';

const descs = [
  new FamilyDesc('node_load1', 'gauge', '1m load average.'),
  new FamilyDesc('node_load5', 'gauge', '5m load average.'),
  new FamilyDesc('node_load15', 'gauge', '15m load average.'),
];

/** `loadavg`: the 1, 5 and 15 minute load averages from `/proc/loadavg`. */
export function loadavgCollector({ paths }: CollectorContext): Collector {
  const file = paths.proc('loadavg');
  return {
    name: 'loadavg',
    async collect(): Promise<MetricFamily[]> {
      const parts = fields(pseudoFiles.read(file));
      const out: MetricFamily[] = [];
      for (let i = 0; i < descs.length; i++) {
        const value = Number(parts[i]);
        if (parts[i] === undefined || Number.isNaN(value))
          throw new ParseError(file, `unexpected content ${JSON.stringify(parts.join(' '))}`);
        out.push(descs[i]!.single(value));
      }
      return out;
    },
  };
}
