import type { MetricFamily } from '@argus/exposition';
import type { Collector, CollectorContext } from '../collector.ts';
import { FamilyDesc } from '../family-builder.ts';
import { ParseError } from '../errors.ts';
import { fields, lines, pseudoFiles } from '../read-file.ts';

/**
 * `meminfo`: every field of `/proc/meminfo` as a gauge, as node_exporter 1.x up to 1.8
 * does: `Active(anon)` becomes `Active_anon`, fields given in kB are multiplied by 1024
 * and get a `_bytes` suffix, unit-less fields (`HugePages_Total`) keep their name. A name
 * ending in lowercase `_total` would be a counter.
 */
export function meminfoCollector({ paths }: CollectorContext): Collector {
  const file = paths.proc('meminfo');
  const descs = new Map<string, FamilyDesc>();
  const descFor = (key: string): FamilyDesc => {
    let desc = descs.get(key);
    if (!desc) {
      desc = new FamilyDesc(
        `node_memory_${key}`,
        key.endsWith('_total') ? 'counter' : 'gauge',
        `Memory information field ${key}.`,
      );
      descs.set(key, desc);
    }
    return desc;
  };
  return {
    name: 'meminfo',
    async collect(): Promise<MetricFamily[]> {
      const out: MetricFamily[] = [];
      for (const line of lines(pseudoFiles.read(file))) {
        const parts = fields(line);
        if (parts.length === 0) continue;
        let value = Number(parts[1]);
        if (parts[1] === undefined || Number.isNaN(value))
          throw new ParseError(file, `invalid value in line ${JSON.stringify(line)}`);
        let key = parts[0]!.endsWith(':') ? parts[0]!.slice(0, -1) : parts[0]!;
        key = key.replace(/\((.*)\)/, '_$1');
        if (parts.length === 3) {
          value *= 1024;
          key += '_bytes';
        } else if (parts.length !== 2) {
          throw new ParseError(file, `invalid line ${JSON.stringify(line)}`);
        }
        out.push(descFor(key).single(value));
      }
      return out;
    },
  };
}
