import { arch } from 'node:process';
import type { MetricFamily } from '@argus/exposition';
import { FamilyDesc } from './family-builder.ts';

/** This exporter's version, reported in `node_exporter_build_info` and `--version`. */
export const VERSION = '0.1.0';

const desc = new FamilyDesc(
  'node_exporter_build_info',
  'gauge',
  "A metric with a constant '1' value labeled by version, revision, branch, goversion from which node_exporter was built, and the goos and goarch for the build.",
  ['version', 'revision', 'branch', 'goversion', 'goos', 'goarch'],
);

const GOARCH: Record<string, string> = {
  x64: 'amd64',
  ia32: '386',
  arm64: 'arm64',
  arm: 'arm',
  ppc64: 'ppc64le',
  s390x: 's390x',
  riscv64: 'riscv64',
};

/**
 * `node_exporter_build_info` with upstream's label names so dashboards keep working:
 * `goversion` carries the Node.js version and `goos`/`goarch` the platform in Go's spelling.
 */
export function buildInfoFamily(revision = 'unknown', branch = 'unknown'): MetricFamily {
  return desc.single(
    1,
    VERSION,
    revision,
    branch,
    `node${process.versions.node}`,
    process.platform,
    GOARCH[arch] ?? arch,
  );
}
