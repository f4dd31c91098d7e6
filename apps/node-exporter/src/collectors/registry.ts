import type { CollectorFactory } from '../collector.ts';
import { cpuCollector } from './cpu.ts';
import { diskstatsCollector } from './diskstats.ts';
import { filefdCollector } from './filefd.ts';
import { filesystemCollector } from './filesystem.ts';
import { loadavgCollector } from './loadavg.ts';
import { meminfoCollector } from './meminfo.ts';
import { netdevCollector } from './netdev.ts';
import { netstatCollector } from './netstat.ts';
import { osCollector } from './os-release.ts';
import { pressureCollector } from './pressure.ts';
import { sockstatCollector } from './sockstat.ts';
import { statCollector } from './stat.ts';
import { timeCollector } from './time.ts';
import { unameCollector } from './uname.ts';
import { vmstatCollector } from './vmstat.ts';

/** Every collector this exporter has, by upstream name; all are enabled by default, as upstream on Linux. */
export const COLLECTORS: ReadonlyMap<string, CollectorFactory> = new Map<string, CollectorFactory>([
  ['cpu', cpuCollector],
  ['diskstats', diskstatsCollector],
  ['filefd', filefdCollector],
  ['filesystem', (ctx) => filesystemCollector(ctx)],
  ['loadavg', loadavgCollector],
  ['meminfo', meminfoCollector],
  ['netdev', netdevCollector],
  ['netstat', netstatCollector],
  ['os', osCollector],
  ['pressure', pressureCollector],
  ['sockstat', sockstatCollector],
  ['stat', statCollector],
  ['time', (ctx) => timeCollector(ctx)],
  ['uname', unameCollector],
  ['vmstat', vmstatCollector],
]);
