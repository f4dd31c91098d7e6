/**
 * Splits a resource URL below `/api/v1` or `/apis/<group>/<version>` into namespace,
 * resource, name and subresource, the way the API server's request-info resolver does.
 */
import type { ResourceRegistry } from './resource-types.ts';

export interface ResourcePath {
  group: string;
  version: string;
  /** Set for `/namespaces/<ns>/<plural>...` paths. */
  namespace?: string;
  plural: string;
  name?: string;
  subresource?: string;
}

/** Undefined when the segments do not name a resource URL shape at all. */
export function parseResourcePath(
  registry: ResourceRegistry,
  group: string,
  version: string,
  segments: string[],
): ResourcePath | undefined {
  const s = segments.filter((x) => x !== '').map((x) => decodeURIComponent(x));
  if (s.length === 0) return undefined;
  if (s[0] === 'namespaces' && s.length >= 3) {
    // /namespaces/<ns>/<x>: a namespaced resource <x>, unless <x> is a subresource of the namespace.
    const candidate = registry.find(group, version, s[2]);
    if (candidate?.namespaced) {
      if (s.length > 5) return undefined;
      return { group, version, namespace: s[1], plural: s[2], name: s[3], subresource: s[4] };
    }
    if (group === '' && s.length === 3)
      return { group, version, plural: 'namespaces', name: s[1], subresource: s[2] };
    if (s.length > 5) return undefined;
    return { group, version, namespace: s[1], plural: s[2], name: s[3], subresource: s[4] };
  }
  if (s.length > 3) return undefined;
  return { group, version, plural: s[0], name: s[1], subresource: s[2] };
}
