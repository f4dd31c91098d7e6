import type { MetricFamily } from '@argus/exposition';
import type { Collector, CollectorContext } from '../collector.ts';
import { FamilyDesc } from '../family-builder.ts';
import { NameFilter } from '../name-filter.ts';
import { ParseError } from '../errors.ts';
import { fields, lines, pseudoFiles } from '../read-file.ts';

/** A kept field of a header line: its column and its family. */
interface Pick {
  readonly column: number;
  readonly desc: FamilyDesc;
}

/**
 * `netstat`: protocol counters from `/proc/net/netstat`, `/proc/net/snmp` and
 * `/proc/net/snmp6` (absent when IPv6 is off), as `node_netstat_<Protocol>_<Name>`,
 * untyped, filtered by `--collector.netstat.fields`. The header lines never change while
 * the kernel runs, so which columns to keep is worked out once per header line.
 */
export function netstatCollector({ paths, options }: CollectorContext): Collector {
  const wanted = new NameFilter('--collector.netstat.fields', '', options.netstatFields);
  const descFor = (protocol: string, name: string): FamilyDesc | undefined => {
    const key = `${protocol}_${name}`;
    return wanted.ignored(key)
      ? undefined
      : new FamilyDesc(`node_netstat_${key}`, 'untyped', `Statistic ${protocol}${name}.`);
  };
  const headers = new Map<string, Pick[]>();
  const snmp6 = new Map<string, FamilyDesc | null>();

  /** `Proto: name1 name2` followed by `Proto: value1 value2`, pair after pair. */
  const parsePaired = (file: string, text: string, out: MetricFamily[]): void => {
    const all = lines(text);
    for (let i = 0; i + 1 < all.length; i += 2) {
      const header = all[i]!;
      let picks = headers.get(header);
      if (!picks) {
        const names = fields(header);
        const protocol = names[0]!.slice(0, -1);
        picks = [];
        for (let j = 1; j < names.length; j++) {
          const desc = descFor(protocol, names[j]!);
          if (desc) picks.push({ column: j, desc });
        }
        headers.set(header, picks);
      }
      const values = fields(all[i + 1]!);
      if (values[0] !== header.slice(0, header.indexOf(' ')))
        throw new ParseError(file, `mismatched lines ${i + 1} and ${i + 2}`);
      for (const { column, desc } of picks) {
        const raw = values[column];
        if (raw === undefined) throw new ParseError(file, `line ${i + 2} has fewer values than names`);
        out.push(desc.single(Number(raw)));
      }
    }
  };

  /** `Ip6InOctets 123` lines: the protocol ends at the first `6`. */
  const parseSnmp6 = (text: string, out: MetricFamily[]): void => {
    for (const line of lines(text)) {
      const parts = fields(line);
      if (parts.length < 2) continue;
      let desc = snmp6.get(parts[0]!);
      if (desc === undefined) {
        const six = parts[0]!.indexOf('6');
        desc = six < 0 ? null : (descFor(parts[0]!.slice(0, six + 1), parts[0]!.slice(six + 1)) ?? null);
        snmp6.set(parts[0]!, desc);
      }
      if (desc) out.push(desc.single(Number(parts[1])));
    }
  };

  return {
    name: 'netstat',
    async collect(): Promise<MetricFamily[]> {
      const netstatFile = paths.proc('net/netstat');
      const snmpFile = paths.proc('net/snmp');
      const out: MetricFamily[] = [];
      parsePaired(netstatFile, pseudoFiles.read(netstatFile), out);
      parsePaired(snmpFile, pseudoFiles.read(snmpFile), out);
      const v6 = pseudoFiles.readIfExists(paths.proc('net/snmp6'));
      if (v6 !== undefined) parseSnmp6(v6, out);
      return out;
    },
  };
}
