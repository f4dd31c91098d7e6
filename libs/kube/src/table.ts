/**
 * meta.k8s.io/v1 Table responses, which kubectl asks for to print `get` output. Every
 * type gets the generic columns (Name, Age), as a CRD without printer columns does.
 */
import type { KubeObject } from './object-store.ts';

export function wantsTable(accept: string | undefined): boolean {
  return (accept ?? '').split(',').some((part) => /;\s*as=Table/.test(part));
}

const columnDefinitions = [
  {
    name: 'Name',
    type: 'string',
    format: 'name',
    description: 'Name must be unique within a namespace.',
    priority: 0,
  },
  { name: 'Age', type: 'string', format: '', description: 'Time since the object was created.', priority: 0 },
];

/** Kubernetes' short human duration ("45s", "3m12s", "5h", "12d"), as kubectl prints ages. */
export function humanDuration(ms: number): string {
  const s = Math.floor(ms / 1000);
  if (s < 0) return '0s';
  const m = Math.floor(s / 60);
  const h = Math.floor(s / 3600);
  const d = Math.floor(h / 24);
  if (s < 120) return `${s}s`;
  if (m < 10) return s % 60 === 0 ? `${m}m` : `${m}m${s % 60}s`;
  if (m < 180) return `${m}m`;
  if (h < 8) return m % 60 === 0 ? `${h}h` : `${h}h${m % 60}m`;
  if (h < 48) return `${h}h`;
  if (h < 192) return h % 24 === 0 ? `${d}d` : `${d}d${h % 24}h`;
  if (d < 730) return `${d}d`;
  const y = Math.floor(d / 365);
  return d % 365 === 0 || d >= 2920 ? `${y}y` : `${y}y${d % 365}d`;
}

function age(timestamp: string | undefined): string {
  if (!timestamp) return '<unknown>';
  return humanDuration(Date.now() - Date.parse(timestamp));
}

function row(obj: KubeObject, includeObject: string): Record<string, unknown> {
  const object =
    includeObject === 'Object'
      ? obj
      : includeObject === 'None'
        ? undefined
        : { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: obj.metadata };
  return { cells: [obj.metadata.name, age(obj.metadata.creationTimestamp)], object };
}

export function toTable(
  items: KubeObject[],
  meta: { resourceVersion: string; continue?: string },
  includeObject = 'Metadata',
): Record<string, unknown> {
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: meta,
    columnDefinitions,
    rows: items.map((o) => row(o, includeObject)),
  };
}
