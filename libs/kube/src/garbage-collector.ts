/**
 * Kubernetes' garbage collector, decided at once instead of asynchronously: when an
 * owner is removed, which dependents (objects whose ownerReferences name its uid) go
 * and which only lose the reference.
 */
import type { KubeObject, ObjectStore } from './object-store.ts';
import { type ResourceRegistry, type ResourceType, typeKey } from './resource-types.ts';

export interface Dependent {
  type: ResourceType;
  object: KubeObject;
  /** The ownerReferences left once the removed owner's is dropped. */
  remainingOwners: unknown[];
}

export interface Collection {
  /** Dependents to delete: every owner is gone (and the policy is not Orphan). */
  remove: Dependent[];
  /** Dependents to keep without the reference: orphaned, or another owner still lives. */
  unlink: Dependent[];
}

/**
 * Namespaced owners can only own objects of their namespace; cluster-scoped owners
 * can own anything.
 */
export function collectDependents(
  store: ObjectStore,
  registry: ResourceRegistry,
  ownerType: ResourceType,
  owner: KubeObject,
  policy: 'Background' | 'Foreground' | 'Orphan',
): Collection {
  const result: Collection = { remove: [], unlink: [] };
  const uid = owner.metadata.uid;
  if (!uid) return result;
  const liveUids = new Set<string>();
  const found: Dependent[] = [];
  for (const type of registry.all()) {
    if (ownerType.namespaced && !type.namespaced) continue;
    const namespace = ownerType.namespaced ? owner.metadata.namespace : undefined;
    for (const object of store.list(typeKey(type.group, type.plural), namespace)) {
      if (object.metadata.uid) liveUids.add(object.metadata.uid);
      const refs = (object.metadata.ownerReferences ?? []) as Array<{ uid?: string }>;
      if (refs.some((r) => r.uid === uid)) {
        found.push({ type, object, remainingOwners: refs.filter((r) => r.uid !== uid) });
      }
    }
  }
  for (const d of found) {
    const others = d.remainingOwners as Array<{ uid?: string }>;
    const ownedElsewhere = others.some((r) => r.uid !== undefined && liveUids.has(r.uid));
    (policy === 'Orphan' || ownedElsewhere ? result.unlink : result.remove).push(d);
  }
  return result;
}
