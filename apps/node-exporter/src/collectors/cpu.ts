import { existsSync, readdirSync } from 'node:fs';
import type { MetricFamily } from '@argus/exposition';
import type { Collector, CollectorContext } from '../collector.ts';
import { FamilyDesc, nonEmpty } from '../family-builder.ts';
import { fields, lines, pseudoFiles } from '../read-file.ts';

const secondsDesc = new FamilyDesc(
  'node_cpu_seconds_total',
  'counter',
  'Seconds the CPUs spent in each mode.',
  ['cpu', 'mode'],
);
const guestDesc = new FamilyDesc(
  'node_cpu_guest_seconds_total',
  'counter',
  'Seconds the CPUs spent in guests (VMs) for each mode.',
  ['cpu', 'mode'],
);
const coreThrottlesDesc = new FamilyDesc(
  'node_cpu_core_throttles_total',
  'counter',
  'Number of times this CPU core has been throttled.',
  ['package', 'core'],
);
const packageThrottlesDesc = new FamilyDesc(
  'node_cpu_package_throttles_total',
  'counter',
  'Number of times this CPU package has been throttled.',
  ['package'],
);
const isolatedDesc = new FamilyDesc(
  'node_cpu_isolated',
  'gauge',
  'Whether each core is isolated, information from /sys/devices/system/cpu/isolated.',
  ['cpu'],
);

/** USER_HZ: /proc/stat counts in 1/100 s on every Linux architecture. */
const USER_HZ = 100;
/** An idle counter that drops by this many seconds or more means the CPU was hot-plugged. */
const JUMP_BACK_SECONDS = 3;

const MODES = ['user', 'nice', 'system', 'idle', 'iowait', 'irq', 'softirq', 'steal'] as const;
/** Indexes into a CPU's times: the eight modes above, then guest and guest_nice. */
const GUEST = 8;
const GUEST_NICE = 9;
const FIELDS = 10;

/**
 * `cpu`: per-CPU seconds per mode (and guest seconds) from the `cpuN` lines of `/proc/stat`,
 * isolated CPUs from `/sys/devices/system/cpu/isolated` (read once), thermal throttle
 * counters from sysfs. Counters never go backwards: a lower reading keeps the previous
 * value, and an idle drop of 3 s or more resets that CPU (hot-plug), as upstream.
 */
export function cpuCollector({ paths, options }: CollectorContext): Collector {
  const statFile = paths.proc('stat');
  const cpuDir = paths.sys('devices/system/cpu');
  let isolated: number[] | undefined;
  const throttleReader = new ThrottleReader(cpuDir);
  const previous = new Map<string, Float64Array>();

  const update = (cpu: string, now: Float64Array): Float64Array => {
    let kept = previous.get(cpu);
    if (!kept || kept[3]! - now[3]! >= JUMP_BACK_SECONDS) {
      kept = new Float64Array(FIELDS);
      previous.set(cpu, kept);
    }
    for (let i = 0; i < FIELDS; i++) if (now[i]! >= kept[i]!) kept[i] = now[i]!;
    return kept;
  };

  return {
    name: 'cpu',
    async collect(): Promise<MetricFamily[]> {
      isolated ??= readIsolated(`${cpuDir}/isolated`);
      const stat = pseudoFiles.read(statFile);
      const isolatedCpus = isolated;
      const throttles = throttleReader.read();
      const seconds = secondsDesc.builder();
      const guest = guestDesc.builder();
      const seen = new Set<string>();
      for (const line of lines(stat)) {
        if (!line.startsWith('cpu') || line.charCodeAt(3) < 48 || line.charCodeAt(3) > 57) continue;
        const parts = fields(line);
        const cpu = parts[0]!.slice(3);
        const now = new Float64Array(FIELDS);
        for (let i = 0; i < FIELDS; i++) now[i] = Number(parts[i + 1] ?? 0) / USER_HZ;
        seen.add(cpu);
        const kept = update(cpu, now);
        for (let m = 0; m < MODES.length; m++) seconds.add(kept[m]!, cpu, MODES[m]!);
        if (options.cpuGuest) {
          guest.add(kept[GUEST]!, cpu, 'user');
          guest.add(kept[GUEST_NICE]!, cpu, 'nice');
        }
      }
      for (const cpu of previous.keys()) if (!seen.has(cpu)) previous.delete(cpu);
      const isolatedB = isolatedDesc.builder();
      for (const cpu of isolatedCpus) isolatedB.add(1, String(cpu));
      const packageB = packageThrottlesDesc.builder();
      for (const [pkg, count] of throttles.packages) packageB.add(count, pkg);
      const coreB = coreThrottlesDesc.builder();
      for (const [key, count] of throttles.cores) {
        const [pkg, core] = key.split(':');
        coreB.add(count, pkg!, core!);
      }
      return nonEmpty([seconds, guest, isolatedB, packageB, coreB]);
    },
  };
}

/** Parses a CPU list such as `0-2,5` (empty file: none); a missing file means none. */
export function parseCpuList(text: string): number[] {
  const out: number[] = [];
  for (const part of text.trim().split(',')) {
    if (part === '') continue;
    const [lo, hi] = part.split('-');
    const from = Number(lo);
    const to = hi === undefined ? from : Number(hi);
    if (!Number.isInteger(from) || !Number.isInteger(to)) continue;
    for (let c = from; c <= to; c++) out.push(c);
  }
  return out;
}

function readIsolated(file: string): number[] {
  const text = pseudoFiles.readIfExists(file);
  return text === undefined ? [] : parseCpuList(text);
}

interface Throttles {
  packages: Map<string, number>;
  cores: Map<string, number>;
}

/** Where each package's and core's throttle counters are: read once per CPU set. */
interface ThrottleLayout {
  readonly cpus: string;
  readonly packageFiles: ReadonlyMap<string, string>;
  readonly coreFiles: ReadonlyMap<string, string>;
}

/**
 * Thermal throttle counts per package and per (package, core), from the first CPU of each
 * package and core that has `thermal_throttle/*_throttle_count`; CPUs without topology are
 * skipped. The topology is read again only when the set of CPU directories changes.
 */
class ThrottleReader {
  #layout: ThrottleLayout | undefined;

  constructor(private readonly cpuDir: string) {}

  read(): Throttles {
    const packages = new Map<string, number>();
    const cores = new Map<string, number>();
    let entries: string[];
    try {
      entries = readdirSync(this.cpuDir)
        .filter((e) => /^cpu\d+$/.test(e))
        .sort();
    } catch {
      return { packages, cores };
    }
    const key = entries.join(',');
    if (this.#layout?.cpus !== key) this.#layout = this.#discover(key, entries);
    for (const [pkg, file] of this.#layout.packageFiles) {
      const n = readCount(file);
      if (n !== undefined) packages.set(pkg, n);
    }
    for (const [core, file] of this.#layout.coreFiles) {
      const n = readCount(file);
      if (n !== undefined) cores.set(core, n);
    }
    return { packages, cores };
  }

  #discover(cpus: string, entries: readonly string[]): ThrottleLayout {
    const packageFiles = new Map<string, string>();
    const coreFiles = new Map<string, string>();
    for (const cpu of entries) {
      const dir = `${this.cpuDir}/${cpu}`;
      const pkg = readQuietly(`${dir}/topology/physical_package_id`)?.trim();
      const core = readQuietly(`${dir}/topology/core_id`)?.trim();
      if (!pkg || !core) continue;
      const coreKey = `${pkg}:${core}`;
      if (!coreFiles.has(coreKey) && existsSync(`${dir}/thermal_throttle/core_throttle_count`)) {
        coreFiles.set(coreKey, `${dir}/thermal_throttle/core_throttle_count`);
      }
      if (!packageFiles.has(pkg) && existsSync(`${dir}/thermal_throttle/package_throttle_count`)) {
        packageFiles.set(pkg, `${dir}/thermal_throttle/package_throttle_count`);
      }
    }
    return { cpus, packageFiles, coreFiles };
  }
}

function readQuietly(file: string): string | undefined {
  try {
    return pseudoFiles.readIfExists(file);
  } catch {
    return undefined;
  }
}

function readCount(file: string): number | undefined {
  const text = readQuietly(file);
  if (text === undefined) return undefined;
  const n = Number(text.trim());
  return Number.isNaN(n) ? undefined : n;
}
