import { stat } from 'node:fs/promises';
import type { MetricFamily } from '@argus/exposition';
import type { Collector, CollectorContext } from '../collector.ts';
import { FamilyDesc, nonEmpty } from '../family-builder.ts';
import type { FamilyBuilder } from '../family-builder.ts';
import { NameFilter } from '../name-filter.ts';
import { fields, lines, pseudoFiles, readTextIfExists } from '../read-file.ts';

const SECONDS_PER_TICK = 1 / 1000;
/** /proc/diskstats counts standard UNIX 512-byte sectors, whatever the device's block size. */
const SECTOR_BYTES = 512;

const dev = ['device'];
/** The counters of one /proc/diskstats line, in field order, with their unit factor. */
const statDescs: readonly (readonly [FamilyDesc, number])[] = [
  [
    new FamilyDesc(
      'node_disk_reads_completed_total',
      'counter',
      'The total number of reads completed successfully.',
      dev,
    ),
    1,
  ],
  [new FamilyDesc('node_disk_reads_merged_total', 'counter', 'The total number of reads merged.', dev), 1],
  [
    new FamilyDesc(
      'node_disk_read_bytes_total',
      'counter',
      'The total number of bytes read successfully.',
      dev,
    ),
    SECTOR_BYTES,
  ],
  [
    new FamilyDesc(
      'node_disk_read_time_seconds_total',
      'counter',
      'The total number of seconds spent by all reads.',
      dev,
    ),
    SECONDS_PER_TICK,
  ],
  [
    new FamilyDesc(
      'node_disk_writes_completed_total',
      'counter',
      'The total number of writes completed successfully.',
      dev,
    ),
    1,
  ],
  [new FamilyDesc('node_disk_writes_merged_total', 'counter', 'The number of writes merged.', dev), 1],
  [
    new FamilyDesc(
      'node_disk_written_bytes_total',
      'counter',
      'The total number of bytes written successfully.',
      dev,
    ),
    SECTOR_BYTES,
  ],
  [
    new FamilyDesc(
      'node_disk_write_time_seconds_total',
      'counter',
      'This is the total number of seconds spent by all writes.',
      dev,
    ),
    SECONDS_PER_TICK,
  ],
  [new FamilyDesc('node_disk_io_now', 'gauge', 'The number of I/Os currently in progress.', dev), 1],
  [
    new FamilyDesc('node_disk_io_time_seconds_total', 'counter', 'Total seconds spent doing I/Os.', dev),
    SECONDS_PER_TICK,
  ],
  [
    new FamilyDesc(
      'node_disk_io_time_weighted_seconds_total',
      'counter',
      'The weighted # of seconds spent doing I/Os.',
      dev,
    ),
    SECONDS_PER_TICK,
  ],
  [
    new FamilyDesc(
      'node_disk_discards_completed_total',
      'counter',
      'The total number of discards completed successfully.',
      dev,
    ),
    1,
  ],
  [
    new FamilyDesc('node_disk_discards_merged_total', 'counter', 'The total number of discards merged.', dev),
    1,
  ],
  [
    new FamilyDesc(
      'node_disk_discarded_sectors_total',
      'counter',
      'The total number of sectors discarded successfully.',
      dev,
    ),
    1,
  ],
  [
    new FamilyDesc(
      'node_disk_discard_time_seconds_total',
      'counter',
      'This is the total number of seconds spent by all discards.',
      dev,
    ),
    SECONDS_PER_TICK,
  ],
  [
    new FamilyDesc(
      'node_disk_flush_requests_total',
      'counter',
      'The total number of flush requests completed successfully',
      dev,
    ),
    1,
  ],
  [
    new FamilyDesc(
      'node_disk_flush_requests_time_seconds_total',
      'counter',
      'This is the total number of seconds spent by all flush requests.',
      dev,
    ),
    SECONDS_PER_TICK,
  ],
];

const infoDesc = new FamilyDesc('node_disk_info', 'gauge', 'Info of /sys/block/<block_device>.', [
  'device',
  'major',
  'minor',
  'path',
  'wwn',
  'model',
  'serial',
  'revision',
]);
const filesystemInfoDesc = new FamilyDesc(
  'node_disk_filesystem_info',
  'gauge',
  'Info about disk filesystem.',
  ['device', 'type', 'usage', 'uuid', 'version'],
);
const deviceMapperInfoDesc = new FamilyDesc(
  'node_disk_device_mapper_info',
  'gauge',
  'Info about disk device mapper.',
  ['device', 'name', 'uuid', 'vg_name', 'lv_name', 'lv_layer'],
);
const ataDescs: readonly (readonly [string, FamilyDesc])[] = [
  [
    'ID_ATA_WRITE_CACHE',
    new FamilyDesc('node_disk_ata_write_cache', 'gauge', 'ATA disk has a write cache.', dev),
  ],
  [
    'ID_ATA_WRITE_CACHE_ENABLED',
    new FamilyDesc(
      'node_disk_ata_write_cache_enabled',
      'gauge',
      'ATA disk has its write cache enabled.',
      dev,
    ),
  ],
  [
    'ID_ATA_ROTATION_RATE_RPM',
    new FamilyDesc(
      'node_disk_ata_rotation_rate_rpm',
      'gauge',
      'ATA disk rotation rate in RPMs (0 for SSDs).',
      dev,
    ),
  ],
];

/**
 * `diskstats`: per-device I/O counters from `/proc/diskstats` (sectors × 512 as bytes,
 * milliseconds as seconds, discarded sectors raw; only as many counters as the kernel
 * prints), and `node_disk_info` and friends from udev's `E:` properties under
 * `--path.udev.data` when that directory exists.
 */
export function diskstatsCollector({ paths, options }: CollectorContext): Collector {
  const file = paths.proc('diskstats');
  const filter = new NameFilter(
    '--collector.diskstats.device-exclude',
    options.diskstatsDeviceExclude,
    options.diskstatsDeviceInclude,
  );
  let udevAvailable: Promise<boolean> | undefined;
  return {
    name: 'diskstats',
    async collect(): Promise<MetricFamily[]> {
      udevAvailable ??= stat(paths.udevData).then(
        (s) => s.isDirectory(),
        () => false,
      );
      const text = pseudoFiles.read(file);
      const withUdev = await udevAvailable;
      const devices: string[][] = [];
      for (const line of lines(text)) {
        const parts = fields(line);
        if (parts.length < 4 || filter.ignored(parts[2]!)) continue;
        devices.push(parts);
      }
      const udev = await Promise.all(
        devices.map((p) => (withUdev ? readUdev(paths.udev(`b${p[0]}:${p[1]}`)) : EMPTY_UDEV)),
      );
      const counters = statDescs.map(([desc]) => desc.builder());
      const info = infoDesc.builder();
      const fsInfo = filesystemInfoDesc.builder();
      const dmInfo = deviceMapperInfoDesc.builder();
      const ata = ataDescs.map(([, desc]) => desc.builder());
      devices.forEach((parts, d) => {
        const device = parts[2]!;
        const props = udev[d]!;
        const serial =
          props.get('SCSI_IDENT_SERIAL') || props.get('ID_SERIAL_SHORT') || props.get('ID_SERIAL') || '';
        info.add(
          1,
          device,
          parts[0]!,
          parts[1]!,
          props.get('ID_PATH') ?? '',
          props.get('ID_WWN') ?? '',
          props.get('ID_MODEL') ?? '',
          serial,
          props.get('ID_REVISION') ?? '',
        );
        const count = Math.min(parts.length - 3, statDescs.length);
        for (let i = 0; i < count; i++) counters[i]!.add(Number(parts[i + 3]) * statDescs[i]![1], device);
        const fsType = props.get('ID_FS_TYPE');
        if (fsType)
          fsInfo.add(
            1,
            device,
            fsType,
            props.get('ID_FS_USAGE') ?? '',
            props.get('ID_FS_UUID') ?? '',
            props.get('ID_FS_VERSION') ?? '',
          );
        const dmName = props.get('DM_NAME');
        if (dmName) {
          dmInfo.add(
            1,
            device,
            dmName,
            props.get('DM_UUID') ?? '',
            props.get('DM_VG_NAME') ?? '',
            props.get('DM_LV_NAME') ?? '',
            props.get('DM_LV_LAYER') ?? '',
          );
        }
        if (props.get('ID_ATA')) addAta(ata, props, device);
      });
      return nonEmpty([info, ...counters, fsInfo, dmInfo, ...ata]);
    },
  };
}

function addAta(builders: FamilyBuilder[], props: ReadonlyMap<string, string>, device: string): void {
  ataDescs.forEach(([key], i) => {
    const raw = props.get(key);
    if (raw === undefined) return;
    const value = Number(raw);
    if (raw.trim() !== '' && !Number.isNaN(value)) builders[i]!.add(value, device);
  });
}

const EMPTY_UDEV: ReadonlyMap<string, string> = new Map();

/** The `E:KEY=value` device properties of one udev database file; none when it is missing. */
export async function readUdev(file: string): Promise<ReadonlyMap<string, string>> {
  const text = await readTextIfExists(file, 'utf8').catch(() => undefined);
  if (text === undefined) return EMPTY_UDEV;
  return parseUdev(text);
}

export function parseUdev(text: string): Map<string, string> {
  const props = new Map<string, string>();
  for (const line of lines(text)) {
    if (!line.startsWith('E:')) continue;
    const eq = line.indexOf('=', 2);
    if (eq > 0) props.set(line.slice(2, eq), line.slice(eq + 1));
  }
  return props;
}
