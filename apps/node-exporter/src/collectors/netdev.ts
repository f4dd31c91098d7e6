import type { MetricFamily } from '@argus/exposition';
import type { Collector, CollectorContext } from '../collector.ts';
import { FamilyDesc } from '../family-builder.ts';
import { NameFilter } from '../name-filter.ts';
import { ParseError } from '../errors.ts';
import { fields, lines, pseudoFiles } from '../read-file.ts';

/**
 * `netdev`: per-device counters `node_network_<direction>_<field>_total{device}` with the
 * legacy names of `/proc/net/dev` (`receive_bytes`, `transmit_colls`, …), plus
 * `receive_nohandler` from `/sys/class/net/<device>/statistics/rx_nohandler`, which upstream
 * gets from netlink. Values are the kernel's `/proc/net/dev` sums (drop includes missed,
 * frame includes length/over/crc errors).
 */
export function netdevCollector({ paths, options }: CollectorContext): Collector {
  const file = paths.proc('net/dev');
  const filter = new NameFilter(
    '--collector.netdev.device-exclude',
    options.netdevDeviceExclude,
    options.netdevDeviceInclude,
  );
  const descs = new Map<string, FamilyDesc>();
  const descFor = (key: string): FamilyDesc => {
    let desc = descs.get(key);
    if (!desc) {
      desc = new FamilyDesc(`node_network_${key}_total`, 'counter', `Network device statistic ${key}.`, [
        'device',
      ]);
      descs.set(key, desc);
    }
    return desc;
  };
  let headerLine = '';
  let keys: string[] = [];

  return {
    name: 'netdev',
    async collect(): Promise<MetricFamily[]> {
      const all = lines(pseudoFiles.read(file));
      if (all.length < 2) throw new ParseError(file, 'missing header');
      if (all[1] !== headerLine) {
        keys = parseHeader(file, all[1]!);
        headerLine = all[1]!;
      }
      const devices: { device: string; values: string[] }[] = [];
      for (let i = 2; i < all.length; i++) {
        const line = all[i]!;
        const colon = line.lastIndexOf(':');
        if (colon < 0) continue;
        const device = line.slice(0, colon).trim();
        if (filter.ignored(device)) continue;
        devices.push({ device, values: fields(line.slice(colon + 1)) });
      }
      const nohandler = devices.map(({ device }) =>
        readQuietly(paths.sys('class/net', device, 'statistics/rx_nohandler')),
      );
      const builders = new Map<string, ReturnType<FamilyDesc['builder']>>();
      const add = (key: string, value: number, device: string): void => {
        let b = builders.get(key);
        if (!b) builders.set(key, (b = descFor(key).builder()));
        b.add(value, device);
      };
      devices.forEach(({ device, values }, d) => {
        for (let i = 0; i < keys.length && i < values.length; i++) add(keys[i]!, Number(values[i]), device);
        const nh = nohandler[d];
        if (nh !== undefined && nh.trim() !== '') add('receive_nohandler', Number(nh.trim()), device);
      });
      return [...builders.values()].map((b) => b.build());
    },
  };
}

/** `face |bytes packets …|bytes packets …` → `receive_bytes, …, transmit_bytes, …`. */
function parseHeader(file: string, header: string): string[] {
  const groups = header.split('|');
  if (groups.length !== 3) throw new ParseError(file, `unexpected header ${JSON.stringify(header)}`);
  return [
    ...fields(groups[1]!).map((f) => `receive_${f}`),
    ...fields(groups[2]!).map((f) => `transmit_${f}`),
  ];
}

/** A sysfs attribute, or `undefined` when it is missing or unreadable (virtual devices). */
function readQuietly(path: string): string | undefined {
  try {
    return pseudoFiles.readIfExists(path);
  } catch {
    return undefined;
  }
}
