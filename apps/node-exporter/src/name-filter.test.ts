import { describe, expect, it } from 'vitest';
import { DEFAULT_COLLECTOR_OPTIONS } from './collector-options.ts';
import { ConfigError } from './errors.ts';
import { NameFilter } from './name-filter.ts';

describe('NameFilter', () => {
  it.each([
    // Upstream's default diskstats exclusion: partitions go, whole disks stay.
    { exclude: DEFAULT_COLLECTOR_OPTIONS.diskstatsDeviceExclude, name: 'sda1', ignored: true },
    { exclude: DEFAULT_COLLECTOR_OPTIONS.diskstatsDeviceExclude, name: 'sda', ignored: false },
    { exclude: DEFAULT_COLLECTOR_OPTIONS.diskstatsDeviceExclude, name: 'nvme0n1p2', ignored: true },
    { exclude: DEFAULT_COLLECTOR_OPTIONS.diskstatsDeviceExclude, name: 'nvme0n1', ignored: false },
    { exclude: DEFAULT_COLLECTOR_OPTIONS.diskstatsDeviceExclude, name: 'zram0', ignored: true },
    { exclude: DEFAULT_COLLECTOR_OPTIONS.diskstatsDeviceExclude, name: 'dm-0', ignored: false },
    { exclude: DEFAULT_COLLECTOR_OPTIONS.diskstatsDeviceExclude, name: 'mmcblk0p1', ignored: false },
    // Mount points and fs types.
    { exclude: DEFAULT_COLLECTOR_OPTIONS.filesystemMountPointsExclude, name: '/dev/shm', ignored: true },
    { exclude: DEFAULT_COLLECTOR_OPTIONS.filesystemMountPointsExclude, name: '/device', ignored: false },
    {
      exclude: DEFAULT_COLLECTOR_OPTIONS.filesystemMountPointsExclude,
      name: '/run/credentials/x.service',
      ignored: true,
    },
    {
      exclude: DEFAULT_COLLECTOR_OPTIONS.filesystemMountPointsExclude,
      name: '/run/user/1000',
      ignored: false,
    },
    {
      exclude: DEFAULT_COLLECTOR_OPTIONS.filesystemMountPointsExclude,
      name: '/var/lib/docker/overlay2/x/merged',
      ignored: true,
    },
    { exclude: DEFAULT_COLLECTOR_OPTIONS.filesystemFsTypesExclude, name: 'cgroup2', ignored: true },
    { exclude: DEFAULT_COLLECTOR_OPTIONS.filesystemFsTypesExclude, name: 'ext4', ignored: false },
    // Unanchored, as Go's MatchString.
    { exclude: 'docker', name: 'mydocker0', ignored: true },
    { include: '^eth', name: 'eth0', ignored: false },
    { include: '^eth', name: 'lo', ignored: true },
  ])(
    '$name with exclude=$exclude include=$include → ignored $ignored',
    ({ exclude = '', include = '', name, ignored }) => {
      const filter = new NameFilter('--flag', exclude, include);
      expect(filter.ignored(name)).toBe(ignored);
      expect(filter.ignored(name)).toBe(ignored);
    },
  );

  it('refuses an exclude and an include together', () => {
    expect(() => new NameFilter('--collector.netdev.device-exclude', 'a', 'b')).toThrow(ConfigError);
  });

  it('refuses a pattern RE2 cannot compile, naming the flag', () => {
    expect(() => new NameFilter('--collector.netdev.device-exclude', '(')).toThrow(
      /--collector.netdev.device-exclude/,
    );
  });
});
