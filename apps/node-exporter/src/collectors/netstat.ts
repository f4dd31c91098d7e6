import type { MetricFamily } from '@argus/exposition';
import type { Collector, CollectorContext } from '../collector.ts';
import { FamilyDesc } from '../family-builder.ts';
import { NameFilter } from '../name-filter.ts';
import { ParseError } from '../errors.ts';
import { fields, lines, pseudoFiles } from '../read-file.ts';

/**
 * `netstat`: protocol counters from `/proc/net/netstat`, `/proc/net/snmp` and
 * `/proc/net/snmp6` (absent when IPv6 is off), as `node_netstat_<Protocol>_<Name>`,
 * untyped, filtered by `--collector.netstat.fields`.
 */
export function netstatCollector({ paths, options }: CollectorContext): Collector {
  const wanted = new NameFilter('--collector.netstat.fields', '', options.netstatFields);
  const descs = new Map<string, FamilyDesc>();
  return {
    name: 'netstat',
    async collect(): Promise<MetricFamily[]> {
      const netstatFile = paths.proc('net/netstat');
      const snmpFile = paths.proc('net/snmp');
      const netstat = pseudoFiles.read(netstatFile);
      const snmp = pseudoFiles.read(snmpFile);
      const snmp6 = pseudoFiles.readIfExists(paths.proc('net/snmp6'));
      const stats = new Map<string, { protocol: string; name: string; value: string }>();
      parsePaired(netstatFile, netstat, stats);
      parsePaired(snmpFile, snmp, stats);
      if (snmp6 !== undefined) parseSnmp6(snmp6, stats);
      const out: MetricFamily[] = [];
      for (const [key, { protocol, name, value }] of stats) {
        if (wanted.ignored(key)) continue;
        let desc = descs.get(key);
        if (!desc) descs.set(key, (desc = new FamilyDesc(`node_netstat_${key}`, 'untyped', `Statistic ${protocol}${name}.`)));
        out.push(desc.single(Number(value)));
      }
      return out;
    },
  };
}

type Stats = Map<string, { protocol: string; name: string; value: string }>;

/** `Proto: name1 name2` followed by `Proto: value1 value2`. */
function parsePaired(file: string, text: string, into: Stats): void {
  const all = lines(text);
  for (let i = 0; i + 1 < all.length; i += 2) {
    const names = fields(all[i]!);
    const values = fields(all[i + 1]!);
    if (names.length !== values.length || names[0] !== values[0]) throw new ParseError(file, `mismatched lines ${i + 1} and ${i + 2}`);
    const protocol = names[0]!.slice(0, -1);
    for (let j = 1; j < names.length; j++) into.set(`${protocol}_${names[j]}`, { protocol, name: names[j]!, value: values[j]! });
  }
}

/** `Ip6InOctets 123` lines: the protocol ends at the first `6`. */
function parseSnmp6(text: string, into: Stats): void {
  for (const line of lines(text)) {
    const parts = fields(line);
    if (parts.length < 2) continue;
    const six = parts[0]!.indexOf('6');
    if (six < 0) continue;
    const protocol = parts[0]!.slice(0, six + 1);
    const name = parts[0]!.slice(six + 1);
    into.set(`${protocol}_${name}`, { protocol, name, value: parts[1]! });
  }
}
