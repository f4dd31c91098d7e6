import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_COLLECTOR_OPTIONS } from '../collector-options.ts';
import { HostPaths } from '../host-paths.ts';
import { sampleLines } from '../testing/sample-lines.ts';
import { filesystemCollector } from './filesystem.ts';
import type { StatFs } from './filesystem.ts';
import { parseMountInfo } from './mountinfo.ts';

const host = resolve(import.meta.dirname, '../../testdata/host');
const stats = { bsize: 4096, blocks: 1000, bfree: 500, bavail: 400, files: 100, ffree: 50 };

/** Records `sync:<path>` / `async:<path>` calls; `/broken` fails, paths in `hang` never answer. */
function fakeStatFs(calls: string[], hang = new Set<string>()): StatFs {
  return {
    sync(path) {
      calls.push(`sync:${path}`);
      if (path.endsWith('/broken')) throw new Error('EIO: i/o error');
      return stats;
    },
    async(path) {
      calls.push(`async:${path}`);
      if (hang.has(path)) return new Promise(() => {});
      if (path.endsWith('/broken')) return Promise.reject(new Error('EIO: i/o error'));
      return Promise.resolve(stats);
    },
  };
}

describe('filesystem collector', () => {
  it('reports statfs figures per mount, without excluded, duplicate or failing mounts', async () => {
    const calls: string[] = [];
    const paths = new HostPaths(`${host}/proc`, `${host}/sys`, '/');
    const collector = filesystemCollector({ paths, options: DEFAULT_COLLECTOR_OPTIONS }, fakeStatFs(calls));
    const lines = sampleLines(await collector.collect());
    // Local file systems synchronously, the NFS mount through the pool with a timeout.
    expect(calls.sort()).toEqual([
      'async:/broken',
      'sync:/',
      'sync:/data',
      'sync:/mnt/with space',
      'sync:/srv',
    ]);
    const labels = (device: string, fstype: string, mountpoint: string) =>
      `{device="${device}",fstype="${fstype}",mountpoint="${mountpoint}"}`;
    const root = labels('/dev/vda', 'ext4', '/');
    const data = labels('/dev/vdb', 'xfs', '/data');
    const space = labels('tmpfs', 'tmpfs', '/mnt/with space');
    // Mounted rw, but the superblock is read-only (remounted ro after errors).
    const srv = labels('/dev/vdd', 'ext4', '/srv');
    const broken = labels('server:/export', 'nfs', '/broken');
    const want: string[] = [];
    for (const l of [root, data, space, srv]) {
      want.push(
        `node_filesystem_size_bytes${l} 4.096e+06`,
        `node_filesystem_free_bytes${l} 2.048e+06`,
        `node_filesystem_avail_bytes${l} 1.6384e+06`,
        `node_filesystem_files${l} 100`,
        `node_filesystem_files_free${l} 50`,
        `node_filesystem_device_error${l} 0`,
        `node_filesystem_readonly${l} ${l === data || l === srv ? 1 : 0}`,
      );
    }
    want.push(`node_filesystem_device_error${broken} 1`, `node_filesystem_readonly${broken} 0`);
    expect([...lines].sort()).toEqual(want.sort());
  });

  it('stats mount points under --path.rootfs', async () => {
    const calls: string[] = [];
    const paths = new HostPaths(`${host}/proc`, `${host}/sys`, '/host');
    await filesystemCollector({ paths, options: DEFAULT_COLLECTOR_OPTIONS }, fakeStatFs(calls)).collect();
    expect(calls.sort()).toEqual([
      'async:/host/broken',
      'sync:/host/',
      'sync:/host/data',
      'sync:/host/mnt/with space',
      'sync:/host/srv',
    ]);
  });

  it('marks a mount whose statfs hangs as stuck and does not stat it again until it returns', async () => {
    const calls: string[] = [];
    const paths = new HostPaths(`${host}/proc`, `${host}/sys`, '/');
    const options = { ...DEFAULT_COLLECTOR_OPTIONS, filesystemMountTimeoutSeconds: 0.02 };
    const collector = filesystemCollector({ paths, options }, fakeStatFs(calls, new Set(['/broken'])));
    for (let scrape = 0; scrape < 2; scrape++) {
      const lines = sampleLines(await collector.collect());
      expect(lines).toContain(
        'node_filesystem_device_error{device="server:/export",fstype="nfs",mountpoint="/broken"} 1',
      );
      expect(lines.filter((l) => l.includes('mountpoint="/broken"'))).toHaveLength(2);
      expect(lines).toContain(
        'node_filesystem_device_error{device="/dev/vdb",fstype="xfs",mountpoint="/data"} 0',
      );
    }
    expect(calls.filter((c) => c === 'async:/broken')).toHaveLength(1);
  });
});

describe('parseMountInfo', () => {
  it.each([
    {
      name: 'optional fields and a super option list',
      line: '36 35 98:0 /mnt1 /mnt2 rw,noatime master:1 shared:2 - ext3 /dev/root rw,errors=continue',
      want: {
        majorMinor: '98:0',
        mountPoint: '/mnt2',
        options: 'rw,noatime',
        fsType: 'ext3',
        source: '/dev/root',
        superOptions: 'rw,errors=continue',
      },
    },
    {
      name: 'octal escapes',
      line: '3148 3003 260:0 / /var/lib/a\\040b\\011c rw - ext4 /dev/sda rw',
      want: {
        majorMinor: '260:0',
        mountPoint: '/var/lib/a b\tc',
        options: 'rw',
        fsType: 'ext4',
        source: '/dev/sda',
        superOptions: 'rw',
      },
    },
  ])('$name', ({ line, want }) => {
    expect(parseMountInfo(line + '\n')).toEqual([want]);
  });

  it('skips malformed lines', () => {
    expect(parseMountInfo('garbage\n1 2 3\n')).toEqual([]);
  });
});
