import { statSync } from 'node:fs';
import type { MetricFamily } from '@argus/exposition';
import type { Collector, CollectorContext } from '../collector.ts';
import { FamilyDesc } from '../family-builder.ts';
import { NodeExporterError } from '../errors.ts';
import { lines, readText } from '../read-file.ts';

const INFO_LABELS = [
  'build_id',
  'id',
  'id_like',
  'image_id',
  'image_version',
  'name',
  'pretty_name',
  'variant',
  'variant_id',
  'version',
  'version_codename',
  'version_id',
];
const infoDesc = new FamilyDesc(
  'node_os_info',
  'gauge',
  `A metric with a constant '1' value labeled by ${INFO_LABELS.join(', ')}.`,
  INFO_LABELS,
);
const versionDesc = new FamilyDesc(
  'node_os_version',
  'gauge',
  'Metric containing the major.minor part of the OS version.',
  ['id', 'id_like', 'name'],
);

const FILES = ['etc/os-release', 'usr/lib/os-release'];

/**
 * `os`: `node_os_info` and `node_os_version` from `<rootfs>/etc/os-release`, else
 * `<rootfs>/usr/lib/os-release`. The file is parsed again only when its mtime changes.
 */
export function osCollector({ paths }: CollectorContext): Collector {
  let cache: { file: string; mtimeMs: number; families: MetricFamily[] } | undefined;
  return {
    name: 'os',
    async collect(): Promise<MetricFamily[]> {
      for (const name of FILES) {
        const file = paths.root(name);
        let mtimeMs: number;
        try {
          mtimeMs = statSync(file).mtimeMs;
        } catch {
          continue;
        }
        if (cache && cache.file === file && cache.mtimeMs === mtimeMs) return cache.families;
        const fields = parseOsRelease(await readText(file, 'utf8'));
        const get = (k: string): string => fields.get(k) ?? '';
        const families = [
          infoDesc.single(1, ...INFO_LABELS.map((l) => get(l.toUpperCase()))),
          versionDesc.single(majorMinor(get('VERSION_ID')), get('ID'), get('ID_LIKE'), get('NAME')),
        ];
        cache = { file, mtimeMs, families };
        return families;
      }
      throw new NodeExporterError('NODE_NO_DATA', `no os-release file under ${paths.rootfs}`);
    },
  };
}

/** The leading `major[.minor]` of a VERSION_ID as a number (`22.04` → 22.04, `12` → 12), 0 if none. */
export function majorMinor(versionId: string): number {
  const m = /^[0-9]+\.?[0-9]*/.exec(versionId);
  return m ? Number(m[0]) : 0;
}

/**
 * Parses os-release(5): `KEY=value` lines, values optionally in double or single quotes,
 * backslash escapes inside double quotes, `#` comments.
 */
export function parseOsRelease(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const raw of lines(text)) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const eq = line.indexOf('=');
    if (eq <= 0) continue;
    const key = line.slice(0, eq);
    let value = line.slice(eq + 1);
    if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) {
      value = value.slice(1, -1).replace(/\\([\\"$`])/g, '$1');
    } else if (value.length >= 2 && value.startsWith("'") && value.endsWith("'")) {
      value = value.slice(1, -1);
    }
    out.set(key, value);
  }
  return out;
}
