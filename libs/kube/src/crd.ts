/**
 * CustomResourceDefinitions: validating a CRD, turning it into the resource type the
 * server then serves, and the status a real API server reports once it is established.
 * Custom objects are stored as given: no OpenAPI schema validation, pruning, defaulting
 * or version conversion (every served version reads the same stored fields).
 */
import type { KubeObject } from './object-store.ts';
import type { ResourceType } from './resource-types.ts';
import { nowTimestamp } from './object-rules.ts';
import { invalid, type StatusCause } from './status.ts';

interface CrdVersion {
  name?: string;
  served?: boolean;
  storage?: boolean;
  subresources?: { status?: unknown };
}

interface CrdNames {
  plural?: string;
  singular?: string;
  kind?: string;
  listKind?: string;
  shortNames?: string[];
  categories?: string[];
}

interface CrdSpec {
  group?: string;
  scope?: string;
  names?: CrdNames;
  versions?: CrdVersion[];
}

/**
 * Kubernetes version priority: GA before beta before alpha, higher numbers first,
 * anything else last in name order (as `kubectl api-versions` ranks them).
 */
export function compareKubeVersions(a: string, b: string): number {
  const rank = (v: string): [number, number, number, string] => {
    const m = /^v(\d+)(?:(alpha|beta)(\d+))?$/.exec(v);
    if (!m) return [3, 0, 0, v];
    const stability = m[2] === undefined ? 0 : m[2] === 'beta' ? 1 : 2;
    return [stability, -Number(m[1]), -Number(m[3] ?? 0), v];
  };
  const ra = rank(a);
  const rb = rank(b);
  for (let i = 0; i < 3; i++) if (ra[i] !== rb[i]) return (ra[i] as number) - (rb[i] as number);
  return ra[3].localeCompare(rb[3]);
}

/** The resource type a CRD defines, or a 422 naming every missing or inconsistent field. */
export function resourceTypeFromCrd(crd: KubeObject): ResourceType {
  const spec = (crd.spec ?? {}) as CrdSpec;
  const names = spec.names ?? {};
  const name = crd.metadata.name ?? '';
  const causes: StatusCause[] = [];
  const need = (value: unknown, field: string): void => {
    if (typeof value !== 'string' || value === '')
      causes.push({ reason: 'FieldValueRequired', field, message: 'Required value' });
  };
  need(spec.group, 'spec.group');
  need(names.plural, 'spec.names.plural');
  need(names.kind, 'spec.names.kind');
  if (spec.scope !== 'Namespaced' && spec.scope !== 'Cluster') {
    causes.push({
      reason: 'FieldValueNotSupported',
      field: 'spec.scope',
      message: `Unsupported value: "${spec.scope ?? ''}": supported values: "Cluster", "Namespaced"`,
    });
  }
  const versions = (spec.versions ?? []).filter((v) => typeof v.name === 'string' && v.name !== '');
  if (versions.length === 0)
    causes.push({
      reason: 'FieldValueRequired',
      field: 'spec.versions',
      message: 'Invalid value: must have exactly one version marked as storage version',
    });
  else if (versions.filter((v) => v.storage).length !== 1) {
    causes.push({
      reason: 'FieldValueInvalid',
      field: 'spec.versions',
      message: 'Invalid value: must have exactly one version marked as storage version',
    });
  }
  if (spec.group && names.plural && name !== `${names.plural}.${spec.group}`) {
    causes.push({
      reason: 'FieldValueInvalid',
      field: 'metadata.name',
      message: `Invalid value: "${name}": must be spec.names.plural+"."+spec.group`,
    });
  }
  if (causes.length > 0) throw invalid('apiextensions.k8s.io', 'CustomResourceDefinition', name, causes);
  const served = versions
    .filter((v) => v.served !== false)
    .map((v) => v.name as string)
    .sort(compareKubeVersions);
  return {
    group: spec.group as string,
    versions: served,
    plural: names.plural as string,
    singular: names.singular || (names.kind as string).toLowerCase(),
    kind: names.kind as string,
    listKind: names.listKind || `${names.kind}List`,
    namespaced: spec.scope === 'Namespaced',
    shortNames: names.shortNames ?? [],
    categories: names.categories ?? [],
    statusSubresource: versions.some((v) => v.subresources?.status !== undefined),
    nameRule: 'subdomain',
    crdName: name,
  };
}

/** The version custom objects of this CRD are stored in. */
export function storageVersion(crd: KubeObject): string {
  const versions = ((crd.spec ?? {}) as CrdSpec).versions ?? [];
  return versions.find((v) => v.storage)?.name ?? versions[0]?.name ?? 'v1';
}

/** Status of an established CRD whose names were all accepted. */
export function establishedStatus(crd: KubeObject): Record<string, unknown> {
  const spec = (crd.spec ?? {}) as CrdSpec;
  const names = spec.names ?? {};
  const now = nowTimestamp();
  const condition = (type: string, reason: string, message: string): Record<string, string> => ({
    type,
    status: 'True',
    lastTransitionTime: now,
    reason,
    message,
  });
  return {
    conditions: [
      condition('NamesAccepted', 'NoConflicts', 'no conflicts found'),
      condition('Established', 'InitialNamesAccepted', 'the initial names have been accepted'),
    ],
    acceptedNames: {
      plural: names.plural,
      singular: names.singular || names.kind?.toLowerCase(),
      kind: names.kind,
      listKind: names.listKind || `${names.kind}List`,
      ...(names.shortNames ? { shortNames: names.shortNames } : {}),
      ...(names.categories ? { categories: names.categories } : {}),
    },
    storedVersions: [storageVersion(crd)],
  };
}
