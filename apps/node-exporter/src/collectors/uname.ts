import { hostname, machine, release, type, version } from 'node:os';
import type { MetricFamily } from '@argus/exposition';
import type { Collector } from '../collector.ts';
import { FamilyDesc } from '../family-builder.ts';
import { pseudoFiles } from '../read-file.ts';

const infoDesc = new FamilyDesc(
  'node_uname_info',
  'gauge',
  'Labeled system information as provided by the uname system call.',
  ['sysname', 'release', 'version', 'machine', 'nodename', 'domainname'],
);

/**
 * `uname`: `uname(2)` of this process's UTS namespace (like upstream it is a system call,
 * not a file under `--path.procfs`). The NIS domain name comes from this process's
 * `/proc/sys/kernel/domainname`, `(none)` when unset.
 */
export function unameCollector(): Collector {
  return {
    name: 'uname',
    async collect(): Promise<MetricFamily[]> {
      const domain = pseudoFiles.readIfExists('/proc/sys/kernel/domainname')?.trim() || '(none)';
      return [infoDesc.single(1, type(), release(), version(), machine(), hostname(), domain)];
    },
  };
}
