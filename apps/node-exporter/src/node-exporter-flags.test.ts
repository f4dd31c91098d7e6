import { describe, expect, it } from 'vitest';
import { parseFlags } from '@argus/service-kit';
import { DEFAULT_COLLECTOR_OPTIONS } from './collector-options.ts';
import {
  collectorOptionsFrom,
  enabledCollectors,
  hostPathsFrom,
  nodeExporterFlags,
} from './node-exporter-flags.ts';

function parse(argv: string[]) {
  const result = parseFlags(nodeExporterFlags, argv);
  if (result.kind !== 'run') throw new Error(`unexpected ${result.kind}`);
  return result.flags;
}

describe('node exporter flags', () => {
  it('defaults to upstream values', () => {
    const flags = parse([]);
    expect(flags['web.listen-address']).toBe(':9100');
    expect(flags['web.telemetry-path']).toBe('/metrics');
    expect(flags['web.max-requests']).toBe(40);
    expect(hostPathsFrom(flags)).toMatchObject({
      procfs: '/proc',
      sysfs: '/sys',
      rootfs: '/',
      udevData: '/run/udev/data',
    });
    expect(collectorOptionsFrom(flags)).toEqual(DEFAULT_COLLECTOR_OPTIONS);
  });

  it.each([
    {
      argv: [],
      want: [
        'cpu',
        'diskstats',
        'filefd',
        'filesystem',
        'loadavg',
        'meminfo',
        'netdev',
        'netstat',
        'os',
        'pressure',
        'sockstat',
        'stat',
        'time',
        'uname',
        'vmstat',
      ],
    },
    {
      argv: ['--no-collector.cpu', '--no-collector.netstat'],
      want: [
        'diskstats',
        'filefd',
        'filesystem',
        'loadavg',
        'meminfo',
        'netdev',
        'os',
        'pressure',
        'sockstat',
        'stat',
        'time',
        'uname',
        'vmstat',
      ],
    },
    {
      argv: ['--collector.disable-defaults', '--collector.loadavg', '--collector.cpu=true'],
      want: ['cpu', 'loadavg'],
    },
    { argv: ['--collector.disable-defaults', '--collector.loadavg', '--no-collector.loadavg'], want: [] },
    { argv: ['--collector.disable-defaults'], want: [] },
  ])('$argv enables $want', ({ argv, want }) => {
    expect(enabledCollectors(parse(argv), argv).sort()).toEqual(want);
  });

  it('passes collector options through', () => {
    const flags = parse([
      '--collector.netdev.device-exclude=^lo$',
      '--collector.filesystem.mount-timeout=2s',
      '--no-collector.cpu.guest',
      '--collector.stat.softirq',
    ]);
    expect(collectorOptionsFrom(flags)).toMatchObject({
      netdevDeviceExclude: '^lo$',
      filesystemMountTimeoutSeconds: 2,
      cpuGuest: false,
      statSoftirq: true,
    });
  });
});
