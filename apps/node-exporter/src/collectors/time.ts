import { readdirSync } from 'node:fs';
import type { MetricFamily } from '@argus/exposition';
import type { Collector, CollectorContext } from '../collector.ts';
import { FamilyDesc, nonEmpty } from '../family-builder.ts';
import { fields, pseudoFiles } from '../read-file.ts';

const secondsDesc = new FamilyDesc(
  'node_time_seconds',
  'gauge',
  'System time in seconds since epoch (1970).',
);
const zoneDesc = new FamilyDesc(
  'node_time_zone_offset_seconds',
  'gauge',
  'System time zone offset in seconds.',
  ['time_zone'],
);
const availableDesc = new FamilyDesc(
  'node_time_clocksource_available_info',
  'gauge',
  "Available clocksources read from '/sys/devices/system/clocksource'.",
  ['device', 'clocksource'],
);
const currentDesc = new FamilyDesc(
  'node_time_clocksource_current_info',
  'gauge',
  "Current clocksource read from '/sys/devices/system/clocksource'.",
  ['device', 'clocksource'],
);

const zoneName = new Intl.DateTimeFormat('en-US', { timeZoneName: 'short' });

/**
 * `time`: the system clock (Unix seconds, fractional), the local zone's abbreviation and
 * offset, and the clock sources of `/sys/devices/system/clocksource/clocksource<N>`.
 */
export function timeCollector({ paths }: CollectorContext, now: () => Date = () => new Date()): Collector {
  const dir = paths.sys('devices/system/clocksource');
  let entries: string[] | undefined;
  return {
    name: 'time',
    async collect(): Promise<MetricFamily[]> {
      const date = now();
      const seconds = secondsDesc.single(date.getTime() / 1000);
      const zone = zoneDesc.single(-date.getTimezoneOffset() * 60, timeZoneAbbreviation(date));
      const available = availableDesc.builder();
      const current = currentDesc.builder();
      entries ??= listClocksources(dir);
      for (const e of entries) {
        const device = e.slice('clocksource'.length);
        const avail = pseudoFiles.readIfExists(`${dir}/${e}/available_clocksource`);
        const cur = pseudoFiles.readIfExists(`${dir}/${e}/current_clocksource`);
        for (const source of fields(avail?.trim() ?? '')) available.add(1, device, source);
        if (cur !== undefined && cur.trim() !== '') current.add(1, device, cur.trim());
      }
      return [seconds, zone, ...nonEmpty([available, current])];
    },
  };
}

/** The clock source devices (`clocksource0`, …); fixed while the system runs, so listed once. */
function listClocksources(dir: string): string[] {
  try {
    return readdirSync(dir)
      .filter((e) => /^clocksource\d+$/.test(e))
      .sort();
  } catch {
    return [];
  }
}

const zoneNames = new Map<number, string>();

/** The short zone name of the process's time zone at `date` (`UTC`, `CET`; `GMT+1` where ICU has no abbreviation). */
function timeZoneAbbreviation(date: Date): string {
  const offset = date.getTimezoneOffset();
  let name = zoneNames.get(offset);
  if (name === undefined) {
    name = zoneName.formatToParts(date).find((p) => p.type === 'timeZoneName')?.value ?? 'UTC';
    zoneNames.set(offset, name);
  }
  return name;
}
