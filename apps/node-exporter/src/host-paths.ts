import { join } from 'node:path';

/**
 * Where the host's pseudo file systems are mounted (`--path.procfs`, `--path.sysfs`,
 * `--path.rootfs`, `--path.udev.data`). In a DaemonSet they are the host's trees under `/host`.
 */
export class HostPaths {
  constructor(
    readonly procfs = '/proc',
    readonly sysfs = '/sys',
    readonly rootfs = '/',
    readonly udevData = '/run/udev/data',
  ) {}

  proc(...parts: string[]): string {
    return join(this.procfs, ...parts);
  }

  sys(...parts: string[]): string {
    return join(this.sysfs, ...parts);
  }

  root(...parts: string[]): string {
    return join(this.rootfs, ...parts);
  }

  udev(...parts: string[]): string {
    return join(this.udevData, ...parts);
  }

  /** A mount point as seen from the host: `--path.rootfs` stripped (`/host/var` → `/var`). */
  stripRootfs(mountPoint: string): string {
    if (this.rootfs === '/' || this.rootfs === '') return mountPoint;
    const root = this.rootfs.endsWith('/') ? this.rootfs.slice(0, -1) : this.rootfs;
    if (mountPoint === root) return '/';
    return mountPoint.startsWith(root + '/') ? mountPoint.slice(root.length) : mountPoint;
  }
}
