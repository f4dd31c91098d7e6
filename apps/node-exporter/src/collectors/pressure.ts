import type { MetricFamily } from '@argus/exposition';
import type { Collector, CollectorContext } from '../collector.ts';
import { FamilyDesc } from '../family-builder.ts';
import { NodeExporterError } from '../errors.ts';
import { isNotFound, lines, pseudoFiles } from '../read-file.ts';

interface Resource {
  readonly name: string;
  readonly some: FamilyDesc;
  readonly full?: FamilyDesc;
}

const resources: readonly Resource[] = [
  {
    name: 'cpu',
    some: new FamilyDesc(
      'node_pressure_cpu_waiting_seconds_total',
      'counter',
      'Total time in seconds that processes have waited for CPU time',
    ),
  },
  {
    name: 'io',
    some: new FamilyDesc(
      'node_pressure_io_waiting_seconds_total',
      'counter',
      'Total time in seconds that processes have waited due to IO congestion',
    ),
    full: new FamilyDesc(
      'node_pressure_io_stalled_seconds_total',
      'counter',
      'Total time in seconds no process could make progress due to IO congestion',
    ),
  },
  {
    name: 'memory',
    some: new FamilyDesc(
      'node_pressure_memory_waiting_seconds_total',
      'counter',
      'Total time in seconds that processes have waited for memory',
    ),
    full: new FamilyDesc(
      'node_pressure_memory_stalled_seconds_total',
      'counter',
      'Total time in seconds no process could make progress due to memory congestion',
    ),
  },
];

/**
 * `pressure`: pressure stall information from `/proc/pressure/{cpu,io,memory}` (kernel 4.20+
 * with PSI on): total stall time of the `some` and `full` lines in seconds. Without PSI the
 * collector fails, so its success is 0, as upstream.
 */
export function pressureCollector({ paths }: CollectorContext): Collector {
  return {
    name: 'pressure',
    async collect(): Promise<MetricFamily[]> {
      let texts: string[];
      try {
        texts = resources.map((r) => pseudoFiles.read(paths.proc('pressure', r.name)));
      } catch (err) {
        if (isNotFound(err))
          throw new NodeExporterError(
            'NODE_NO_DATA',
            'pressure stall information is not available (kernel without PSI)',
            { cause: err },
          );
        throw err;
      }
      const out: MetricFamily[] = [];
      resources.forEach((r, i) => {
        const totals = parsePsiTotals(texts[i]!);
        if (totals.some !== undefined) out.push(r.some.single(totals.some / 1e6));
        if (r.full && totals.full !== undefined) out.push(r.full.single(totals.full / 1e6));
      });
      return out;
    },
  };
}

/** `some avg10=… total=<µs>` / `full …` → the totals in microseconds. */
export function parsePsiTotals(text: string): { some?: number; full?: number } {
  const out: { some?: number; full?: number } = {};
  for (const line of lines(text)) {
    const kind = line.startsWith('some ') ? 'some' : line.startsWith('full ') ? 'full' : undefined;
    const at = line.indexOf('total=');
    if (kind && at >= 0) out[kind] = Number(line.slice(at + 6).split(' ')[0]);
  }
  return out;
}
