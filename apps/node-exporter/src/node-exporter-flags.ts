import { defineFlags, logFlags, webFlags } from '@argus/service-kit';
import type { ParsedFlags } from '@argus/service-kit';
import { DEFAULT_COLLECTOR_OPTIONS } from './collector-options.ts';
import type { CollectorOptions } from './collector-options.ts';
import { COLLECTORS } from './collectors/registry.ts';
import { HostPaths } from './host-paths.ts';

const d = DEFAULT_COLLECTOR_OPTIONS;

const collectorToggles = Object.fromEntries(
  [...COLLECTORS.keys()].map((name) => [
    `collector.${name}`,
    { type: 'bool', default: true, help: `Enable the ${name} collector (default: enabled).` },
  ]),
) as Record<`collector.${string}`, { type: 'bool'; default: true; help: string }>;

/** The node exporter's command line, with upstream's flag names, defaults and help. */
export const nodeExporterFlags = defineFlags({
  ...webFlags(':9100'),
  ...logFlags,
  'web.telemetry-path': { type: 'string', default: '/metrics', help: 'Path under which to expose metrics.' },
  'web.max-requests': {
    type: 'int',
    default: 40,
    help: 'Maximum number of parallel scrape requests. Use 0 to disable.',
  },
  'web.disable-exporter-metrics': {
    type: 'bool',
    default: false,
    help: 'Exclude metrics about the exporter itself (process_*, nodejs_*, promhttp_*).',
  },
  'path.procfs': { type: 'string', default: '/proc', help: 'procfs mountpoint.' },
  'path.sysfs': { type: 'string', default: '/sys', help: 'sysfs mountpoint.' },
  'path.rootfs': { type: 'string', default: '/', help: 'rootfs mountpoint.' },
  'path.udev.data': { type: 'string', default: '/run/udev/data', help: 'udev data path.' },
  'collector.disable-defaults': {
    type: 'bool',
    default: false,
    help: 'Set all collectors to disabled by default.',
  },
  'collector.filesystem.mount-points-exclude': {
    type: 'string',
    default: d.filesystemMountPointsExclude,
    help: 'Regexp of mount points to exclude for filesystem collector.',
  },
  'collector.filesystem.fs-types-exclude': {
    type: 'string',
    default: d.filesystemFsTypesExclude,
    help: 'Regexp of filesystem types to exclude for filesystem collector.',
  },
  'collector.filesystem.mount-timeout': {
    type: 'duration',
    default: '5s',
    help: 'how long to wait for a mount to respond before marking it as stale',
  },
  'collector.netdev.device-exclude': {
    type: 'string',
    default: d.netdevDeviceExclude,
    help: 'Regexp of net devices to exclude (mutually exclusive to device-include).',
  },
  'collector.netdev.device-include': {
    type: 'string',
    default: d.netdevDeviceInclude,
    help: 'Regexp of net devices to include (mutually exclusive to device-exclude).',
  },
  'collector.diskstats.device-exclude': {
    type: 'string',
    default: d.diskstatsDeviceExclude,
    help: 'Regexp of diskstats devices to exclude.',
  },
  'collector.diskstats.device-include': {
    type: 'string',
    default: d.diskstatsDeviceInclude,
    help: 'Regexp of diskstats devices to include.',
  },
  'collector.cpu.guest': {
    type: 'bool',
    default: d.cpuGuest,
    help: 'Enables metric node_cpu_guest_seconds_total',
  },
  'collector.stat.softirq': { type: 'bool', default: d.statSoftirq, help: 'Export softirq calls per vector' },
  'collector.netstat.fields': {
    type: 'string',
    default: d.netstatFields,
    help: 'Regexp of fields to return for netstat collector.',
  },
  'collector.vmstat.fields': {
    type: 'string',
    default: d.vmstatFields,
    help: 'Regexp of fields to return for vmstat collector.',
  },
  ...collectorToggles,
});

export type NodeExporterFlags = ParsedFlags<typeof nodeExporterFlags>;

/** Host paths from `--path.*`. */
export function hostPathsFrom(flags: NodeExporterFlags): HostPaths {
  return new HostPaths(
    flags['path.procfs'],
    flags['path.sysfs'],
    flags['path.rootfs'],
    flags['path.udev.data'],
  );
}

/** Collector options from the `--collector.<name>.*` flags. */
export function collectorOptionsFrom(flags: NodeExporterFlags): CollectorOptions {
  return {
    filesystemMountPointsExclude: flags['collector.filesystem.mount-points-exclude'],
    filesystemFsTypesExclude: flags['collector.filesystem.fs-types-exclude'],
    filesystemMountTimeoutSeconds: flags['collector.filesystem.mount-timeout'] / 1000,
    netdevDeviceExclude: flags['collector.netdev.device-exclude'],
    netdevDeviceInclude: flags['collector.netdev.device-include'],
    diskstatsDeviceExclude: flags['collector.diskstats.device-exclude'],
    diskstatsDeviceInclude: flags['collector.diskstats.device-include'],
    cpuGuest: flags['collector.cpu.guest'],
    statSoftirq: flags['collector.stat.softirq'],
    netstatFields: flags['collector.netstat.fields'],
    vmstatFields: flags['collector.vmstat.fields'],
  };
}

/**
 * The enabled collectors: each `--collector.<name>` flag, or with `--collector.disable-defaults`
 * only those enabled explicitly on the command line (`argv`), as upstream.
 */
export function enabledCollectors(flags: NodeExporterFlags, argv: readonly string[]): string[] {
  const names = [...COLLECTORS.keys()];
  const toggles = flags as unknown as Readonly<Record<string, unknown>>;
  if (!flags['collector.disable-defaults']) return names.filter((n) => toggles[`collector.${n}`] === true);
  const explicit = new Set<string>();
  for (const arg of argv) {
    const m = /^--(no-)?collector\.([a-z_]+)(?:=(true|false))?$/.exec(arg);
    if (!m || !COLLECTORS.has(m[2]!)) continue;
    const on = m[1] === undefined && m[3] !== 'false';
    if (on) explicit.add(m[2]!);
    else explicit.delete(m[2]!);
  }
  return names.filter((n) => explicit.has(n));
}
