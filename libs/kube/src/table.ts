/**
 * meta.k8s.io/v1 Table responses, which kubectl asks for (`Accept: ...;as=Table`) to
 * print `get` output; the columns come from `printer-columns.ts`.
 */
import type { KubeObject } from './object-store.ts';
import type { PrinterColumn } from './printer-columns.ts';

export function wantsTable(accept: string | undefined): boolean {
  return (accept ?? '').split(',').some((part) => /;\s*as=Table/.test(part));
}

function row(obj: KubeObject, columns: PrinterColumn[], includeObject: string): Record<string, unknown> {
  const object =
    includeObject === 'Object'
      ? obj
      : includeObject === 'None'
        ? undefined
        : { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: obj.metadata };
  return { cells: columns.map((c) => c.cell(obj)), object };
}

export function toTable(
  items: KubeObject[],
  columns: PrinterColumn[],
  meta: { resourceVersion: string; continue?: string },
  includeObject = 'Metadata',
): Record<string, unknown> {
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: meta,
    columnDefinitions: columns.map((c) => ({
      name: c.name,
      type: c.type,
      format: c.name === 'Name' ? 'name' : '',
      description: c.description,
      priority: c.priority,
    })),
    rows: items.map((o) => row(o, columns, includeObject)),
  };
}
