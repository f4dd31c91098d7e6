import type { MetricFamily } from '@argus/exposition';
import type { Collector, CollectorContext } from '../collector.ts';
import { FamilyDesc } from '../family-builder.ts';
import { fields, lines, pseudoFiles } from '../read-file.ts';
import { pageSize } from './page-size.ts';

const socketsUsed = new FamilyDesc('node_sockstat_sockets_used', 'gauge', 'Number of IPv4 sockets in use.');

/**
 * `sockstat`: `/proc/net/sockstat` and `/proc/net/sockstat6` (absent when IPv6 is off) as
 * `node_sockstat_<PROTOCOL>_<field>` gauges; a `mem` field (pages) also yields `mem_bytes`.
 */
export function sockstatCollector({ paths }: CollectorContext): Collector {
  const descs = new Map<string, FamilyDesc>();
  const gauge = (protocol: string, field: string, value: number): MetricFamily => {
    const key = `${protocol}_${field}`;
    let desc = descs.get(key);
    if (!desc)
      descs.set(
        key,
        (desc = new FamilyDesc(
          `node_sockstat_${key}`,
          'gauge',
          `Number of ${protocol} sockets in state ${field}.`,
        )),
      );
    return desc.single(value);
  };
  return {
    name: 'sockstat',
    async collect(): Promise<MetricFamily[]> {
      const page = await pageSize();
      const v4 = pseudoFiles.read(paths.proc('net/sockstat'));
      const v6 = pseudoFiles.readIfExists(paths.proc('net/sockstat6'));
      const out: MetricFamily[] = [];
      for (const text of v6 === undefined ? [v4] : [v4, v6]) {
        for (const line of lines(text)) {
          const parts = fields(line);
          if (parts.length < 3) continue;
          const protocol = parts[0]!.slice(0, -1);
          if (protocol === 'sockets') {
            if (parts[1] === 'used') out.push(socketsUsed.single(Number(parts[2])));
            continue;
          }
          for (let i = 1; i + 1 < parts.length; i += 2) {
            const field = parts[i]!;
            const value = Number(parts[i + 1]);
            out.push(gauge(protocol, field, value));
            if (field === 'mem') out.push(gauge(protocol, 'mem_bytes', value * page));
          }
        }
      }
      return out;
    },
  };
}
