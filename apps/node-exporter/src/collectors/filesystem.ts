import { statfs, statfsSync } from 'node:fs';
import type { MetricFamily } from '@argus/exposition';
import type { Collector, CollectorContext } from '../collector.ts';
import { FamilyDesc, nonEmpty } from '../family-builder.ts';
import { NameFilter } from '../name-filter.ts';
import { isNotFound, pseudoFiles } from '../read-file.ts';
import { hasOption, parseMountInfo } from './mountinfo.ts';
import type { MountInfo } from './mountinfo.ts';

const labelNames = ['device', 'mountpoint', 'fstype'];
const sizeDesc = new FamilyDesc(
  'node_filesystem_size_bytes',
  'gauge',
  'Filesystem size in bytes.',
  labelNames,
);
const freeDesc = new FamilyDesc(
  'node_filesystem_free_bytes',
  'gauge',
  'Filesystem free space in bytes.',
  labelNames,
);
const availDesc = new FamilyDesc(
  'node_filesystem_avail_bytes',
  'gauge',
  'Filesystem space available to non-root users in bytes.',
  labelNames,
);
const filesDesc = new FamilyDesc(
  'node_filesystem_files',
  'gauge',
  'Filesystem total file nodes.',
  labelNames,
);
const filesFreeDesc = new FamilyDesc(
  'node_filesystem_files_free',
  'gauge',
  'Filesystem total free file nodes.',
  labelNames,
);
const readonlyDesc = new FamilyDesc(
  'node_filesystem_readonly',
  'gauge',
  'Filesystem read-only status.',
  labelNames,
);
const deviceErrorDesc = new FamilyDesc(
  'node_filesystem_device_error',
  'gauge',
  'Whether an error occurred while getting statistics for the given device.',
  labelNames,
);

interface FsStats {
  readonly blocks: number;
  readonly bfree: number;
  readonly bavail: number;
  readonly files: number;
  readonly ffree: number;
  readonly bsize: number;
}

/**
 * Injected `statfs(2)`, so tests can fake file systems: `sync` for local file systems whose
 * statfs answers from memory, `async` (with the stuck-mount timeout) for everything else.
 */
export interface StatFs {
  sync(path: string): FsStats;
  async(path: string): Promise<FsStats>;
}

const nodeStatFs: StatFs = {
  sync: (path) => statfsSync(path),
  async: (path) =>
    new Promise((resolve, reject) => statfs(path, (err, s) => (err ? reject(err) : resolve(s)))),
};

/**
 * Local disk and memory file systems, whose statfs is answered from the in-memory superblock
 * and cannot hang: stat'ed synchronously, which costs a fifth of a thread-pool round trip.
 * Network, FUSE and other file systems go through the pool with the stuck-mount timeout.
 */
const LOCAL_FS_TYPES = new Set([
  'ext2',
  'ext3',
  'ext4',
  'xfs',
  'btrfs',
  'tmpfs',
  'ramfs',
  'vfat',
  'exfat',
  'f2fs',
]);

/**
 * `filesystem`: size, free and available bytes and inodes of every mount in
 * `/proc/1/mountinfo` (else `/proc/self/mountinfo`), minus excluded mount points and fs
 * types, by `statfs` on `<rootfs>/<mountpoint>`. A failed statfs yields only
 * `device_error 1` and `readonly` (1 when the mount or its superblock is `ro`); a statfs slower than the mount timeout marks the mount
 * stuck, and it is not stat'ed again until that call returns. Mount points are reported with
 * `--path.rootfs` stripped; a (device, mountpoint, fstype) is reported once.
 */
export function filesystemCollector(
  { paths, options }: CollectorContext,
  statFs: StatFs = nodeStatFs,
): Collector {
  const mountPoints = new NameFilter(
    '--collector.filesystem.mount-points-exclude',
    options.filesystemMountPointsExclude,
  );
  const fsTypes = new NameFilter('--collector.filesystem.fs-types-exclude', options.filesystemFsTypesExclude);
  const timeoutMs = options.filesystemMountTimeoutSeconds * 1000;
  const stuck = new Set<string>();

  const statWithTimeout = (mountPoint: string): Promise<FsStats | Error> => {
    const call = statFs.async(paths.root(mountPoint)).then(
      (s) => s,
      (err: unknown) => (err instanceof Error ? err : new Error(String(err))),
    );
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<Error>((resolve) => {
      timer = setTimeout(() => {
        stuck.add(mountPoint);
        void call.finally(() => stuck.delete(mountPoint));
        resolve(new Error('mountpoint timeout'));
      }, timeoutMs);
      timer.unref();
    });
    return Promise.race([call, timeout]).finally(() => clearTimeout(timer));
  };

  const statLocal = (mountPoint: string): FsStats | Error => {
    try {
      return statFs.sync(paths.root(mountPoint));
    } catch (err) {
      return err instanceof Error ? err : new Error(String(err));
    }
  };

  return {
    name: 'filesystem',
    async collect(): Promise<MetricFamily[]> {
      const mounts = readMounts(paths.proc('1/mountinfo'), paths.proc('self/mountinfo'));
      const seen = new Set<string>();
      const kept: { mount: MountInfo; mountPoint: string }[] = [];
      for (const mount of mounts) {
        const mountPoint = paths.stripRootfs(mount.mountPoint);
        if (mountPoints.ignored(mountPoint) || fsTypes.ignored(mount.fsType)) continue;
        const key = `${mount.source}\0${mountPoint}\0${mount.fsType}`;
        if (seen.has(key)) continue;
        seen.add(key);
        kept.push({ mount, mountPoint });
      }
      const results = await Promise.all(
        kept.map(({ mount, mountPoint }) => {
          if (stuck.has(mountPoint)) return new Error('mountpoint timeout');
          if (LOCAL_FS_TYPES.has(mount.fsType)) return statLocal(mountPoint);
          return statWithTimeout(mountPoint);
        }),
      );
      const size = sizeDesc.builder();
      const free = freeDesc.builder();
      const avail = availDesc.builder();
      const files = filesDesc.builder();
      const filesFree = filesFreeDesc.builder();
      const readonly = readonlyDesc.builder();
      const deviceError = deviceErrorDesc.builder();
      kept.forEach(({ mount, mountPoint }, i) => {
        const labels = [mount.source, mountPoint, mount.fsType];
        const ro = hasOption(mount.options, 'ro') || hasOption(mount.superOptions, 'ro') ? 1 : 0;
        const s = results[i]!;
        readonly.add(ro, ...labels);
        if (s instanceof Error) {
          deviceError.add(1, ...labels);
          return;
        }
        deviceError.add(0, ...labels);
        size.add(s.blocks * s.bsize, ...labels);
        free.add(s.bfree * s.bsize, ...labels);
        avail.add(s.bavail * s.bsize, ...labels);
        files.add(s.files, ...labels);
        filesFree.add(s.ffree, ...labels);
      });
      return nonEmpty([avail, deviceError, files, filesFree, free, readonly, size]);
    },
  };
}

function readMounts(primary: string, fallback: string): MountInfo[] {
  try {
    return parseMountInfo(pseudoFiles.read(primary, 'utf8'));
  } catch (err) {
    if (!isNotFound(err)) throw err;
    return parseMountInfo(pseudoFiles.read(fallback, 'utf8'));
  }
}
