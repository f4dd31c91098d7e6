import type { MetricFamily } from '@argus/exposition';
import type { Collector, CollectorContext } from '../collector.ts';
import { FamilyDesc } from '../family-builder.ts';
import { ParseError } from '../errors.ts';
import { fields, pseudoFiles } from '../read-file.ts';

const allocated = new FamilyDesc('node_filefd_allocated', 'gauge', 'File descriptor statistics: allocated.');
const maximum = new FamilyDesc('node_filefd_maximum', 'gauge', 'File descriptor statistics: maximum.');

/** `filefd`: allocated and maximum file handles from `/proc/sys/fs/file-nr`. */
export function filefdCollector({ paths }: CollectorContext): Collector {
  const file = paths.proc('sys/fs/file-nr');
  return {
    name: 'filefd',
    async collect(): Promise<MetricFamily[]> {
      const parts = fields(pseudoFiles.read(file).trim());
      if (parts.length !== 3) throw new ParseError(file, `expected 3 fields, got ${parts.length}`);
      return [allocated.single(Number(parts[0])), maximum.single(Number(parts[2]))];
    },
  };
}
