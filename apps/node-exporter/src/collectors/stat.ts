import type { MetricFamily } from '@argus/exposition';
import type { Collector, CollectorContext } from '../collector.ts';
import { FamilyDesc } from '../family-builder.ts';
import { fields, lines, pseudoFiles } from '../read-file.ts';

const intr = new FamilyDesc('node_intr_total', 'counter', 'Total number of interrupts serviced.');
const ctxt = new FamilyDesc('node_context_switches_total', 'counter', 'Total number of context switches.');
const forks = new FamilyDesc('node_forks_total', 'counter', 'Total number of forks.');
const btime = new FamilyDesc('node_boot_time_seconds', 'gauge', 'Node boot time, in unixtime.');
const running = new FamilyDesc('node_procs_running', 'gauge', 'Number of processes in runnable state.');
const blocked = new FamilyDesc(
  'node_procs_blocked',
  'gauge',
  'Number of processes blocked waiting for I/O to complete.',
);
const softirqs = new FamilyDesc('node_softirqs_total', 'counter', 'Number of softirq calls.', ['vector']);

const SOFTIRQ_VECTORS = [
  'hi',
  'timer',
  'net_tx',
  'net_rx',
  'block',
  'block_iopoll',
  'tasklet',
  'sched',
  'hrtimer',
  'rcu',
];

/** `stat`: interrupts, context switches, forks, boot time and process states from `/proc/stat`. */
export function statCollector({ paths, options }: CollectorContext): Collector {
  const file = paths.proc('stat');
  return {
    name: 'stat',
    async collect(): Promise<MetricFamily[]> {
      const values = new Map<string, string[]>();
      for (const line of lines(pseudoFiles.read(file))) {
        const space = line.indexOf(' ');
        const key = space < 0 ? line : line.slice(0, space);
        if (
          key === 'intr' ||
          key === 'ctxt' ||
          key === 'processes' ||
          key === 'btime' ||
          key === 'procs_running' ||
          key === 'procs_blocked' ||
          key === 'softirq'
        ) {
          values.set(key, fields(line).slice(1));
        }
      }
      const first = (key: string): number => Number(values.get(key)?.[0] ?? 0);
      const out = [
        intr.single(first('intr')),
        ctxt.single(first('ctxt')),
        forks.single(first('processes')),
        btime.single(first('btime')),
        running.single(first('procs_running')),
        blocked.single(first('procs_blocked')),
      ];
      if (options.statSoftirq) {
        const b = softirqs.builder();
        const counts = values.get('softirq') ?? [];
        SOFTIRQ_VECTORS.forEach((vector, i) => b.add(Number(counts[i + 1] ?? 0), vector));
        out.push(b.build());
      }
      return out;
    },
  };
}
