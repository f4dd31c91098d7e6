/**
 * The verbs of the Kubernetes API over the in-memory store, independent of HTTP:
 * list, get, create, update, patch, delete, deletecollection and watch, with the
 * server-side behaviour clients rely on (resourceVersion conflicts, finalizers,
 * namespace termination, status subresources, CRDs turning into served types).
 */
import type { KubeObject, ObjectStore } from './object-store.ts';
import { type ResourceRegistry, type ResourceType, apiVersionOf, typeKey } from './resource-types.ts';
import { matchesFields, matchesLabels, parseFieldSelector, parseLabelSelector } from './selectors.ts';
import { jsonMergePatch, jsonPatch, removedFields, strategicMergePatch } from './patch.ts';
import { prepareCreate, prepareUpdate, validateObject, nowTimestamp } from './object-rules.ts';
import { establishedStatus, resourceTypeFromCrd, storageVersion } from './crd.ts';
import { collectDependents } from './garbage-collector.ts';
import { pageOf } from './list-paging.ts';
import { subscribeWatch } from './watch-filter.ts';
import { KubeApiError, alreadyExists, badRequest, conflict, notFound } from './status.ts';

/** Where a request points: a type read in one version, in a namespace or (undefined) cluster-wide. */
export interface Scope {
  type: ResourceType;
  version: string;
  namespace?: string;
}

export interface ListOptions {
  labelSelector?: string;
  fieldSelector?: string;
  limit?: number;
  continue?: string;
}

export interface WatchOptions {
  labelSelector?: string;
  fieldSelector?: string;
  /** Absent or "0": synthetic ADDED events for the current objects, then changes. */
  resourceVersion?: string;
  sendInitialEvents?: boolean;
}

export interface WatchEvent {
  type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';
  object: Record<string, unknown>;
}

export interface WriteOptions {
  dryRun?: boolean;
  /** Only `status` is a subresource here; writes to it change only `.status`. */
  subresource?: 'status';
}

export type PatchType = 'merge' | 'strategic' | 'json' | 'apply';

export interface PatchOptions extends WriteOptions {
  fieldManager?: string;
}

export interface DeleteOptions {
  dryRun?: boolean;
  preconditions?: { uid?: string; resourceVersion?: string };
  /** What happens to dependents (ownerReferences): Background/Foreground delete them, Orphan unlinks them. */
  propagationPolicy?: 'Background' | 'Foreground' | 'Orphan';
}

export interface KubeList {
  kind: string;
  apiVersion: string;
  metadata: { resourceVersion: string; continue?: string; remainingItemCount?: number };
  items: KubeObject[];
}

const NAMESPACES = typeKey('', 'namespaces');
const CRDS = typeKey('apiextensions.k8s.io', 'customresourcedefinitions');

export class KubeApi {
  private nextClusterIp = 10;
  /** The last configuration each field manager applied to each object (by uid), for server-side apply. */
  private readonly appliedConfigs = new Map<string, unknown>();
  /** Per type key: how to end the watches of that type when its CRD goes away. */
  private readonly watchEnders = new Map<string, Set<() => void>>();

  constructor(
    readonly store: ObjectStore,
    readonly registry: ResourceRegistry,
  ) {}

  /** An object as served in `version`: apiVersion and kind set. */
  present(type: ResourceType, version: string, obj: KubeObject): KubeObject {
    const { apiVersion: _apiVersion, kind: _kind, ...rest } = obj;
    return { apiVersion: apiVersionOf(type.group, version), kind: type.kind, ...rest };
  }

  private key(scope: Scope): string {
    return typeKey(scope.type.group, scope.type.plural);
  }

  private ns(scope: Scope): string | undefined {
    return scope.type.namespaced ? scope.namespace : undefined;
  }

  private mustGet(scope: Scope, name: string): KubeObject {
    const obj = this.store.get(this.key(scope), this.ns(scope), name);
    if (!obj) throw notFound(scope.type.group, scope.type.plural, scope.type.kind, name);
    return obj;
  }

  /**
   * The scope for `apiVersion` plus a kind (`Pod`) or plural (`pods`), in `namespace`;
   * a 404 when that type is not served (e.g. its CRD does not exist yet).
   */
  scopeFor(apiVersion: string, kindOrPlural: string, namespace?: string): Scope {
    const slash = apiVersion.lastIndexOf('/');
    const group = slash < 0 ? '' : apiVersion.slice(0, slash);
    const version = apiVersion.slice(slash + 1);
    const type = this.registry
      .inGroupVersion(group, version)
      .find((t) => t.kind === kindOrPlural || t.plural === kindOrPlural);
    if (!type) {
      throw new KubeApiError(
        404,
        'NotFound',
        `the server could not find the requested resource: no ${kindOrPlural} in ${apiVersion}`,
      );
    }
    return { type, version, namespace: type.namespaced ? (namespace ?? 'default') : undefined };
  }

  /**
   * Creates each object, or replaces it when it exists (keeping its status unless the
   * object carries one), like `kubectl apply` of whole objects but without a client.
   * Objects need apiVersion, kind and metadata.name; namespaced ones default to `default`.
   */
  apply(objects: KubeObject[]): KubeObject[] {
    return objects.map((obj) => {
      if (typeof obj.apiVersion !== 'string' || typeof obj.kind !== 'string') {
        throw badRequest(`apply: object ${JSON.stringify(obj.metadata?.name)} needs apiVersion and kind`);
      }
      const scope = this.scopeFor(obj.apiVersion, obj.kind, obj.metadata?.namespace);
      const name = obj.metadata?.name;
      const old = name ? this.store.get(this.key(scope), this.ns(scope), name) : undefined;
      if (!old || !name) return this.create(scope, obj);
      const next = structuredClone(obj);
      next.metadata = { ...next.metadata, resourceVersion: old.metadata.resourceVersion };
      const updated = this.update(scope, name, next);
      if (obj.status === undefined || !scope.type.statusSubresource) return updated;
      return this.update(scope, name, { ...updated, status: obj.status }, { subresource: 'status' });
    });
  }

  get(scope: Scope, name: string): KubeObject {
    return this.present(scope.type, scope.version, this.mustGet(scope, name));
  }

  list(scope: Scope, options: ListOptions = {}): KubeList {
    const labels = parseLabelSelector(options.labelSelector ?? '');
    const fields = parseFieldSelector(options.fieldSelector ?? '');
    const resourceVersion = String(this.store.resourceVersion);
    let items = this.store
      .list(this.key(scope), this.ns(scope))
      .map((o) => this.present(scope.type, scope.version, o))
      .filter((o) => matchesLabels(labels, o.metadata.labels) && matchesFields(fields, o));
    const page = pageOf(items, options.limit, options.continue);
    const metadata: KubeList['metadata'] = { resourceVersion, ...page.metadata };
    items = page.items;
    return {
      kind: scope.type.listKind,
      apiVersion: apiVersionOf(scope.type.group, scope.version),
      metadata,
      items,
    };
  }

  create(scope: Scope, body: unknown, options: WriteOptions = {}): KubeObject {
    const type = scope.type;
    const obj = this.checkBody(scope, body);
    if (type.namespaced) {
      const ns = scope.namespace ?? obj.metadata.namespace;
      if (!ns) throw badRequest('the server could not find the requested resource: a namespace is required');
      obj.metadata.namespace = ns;
      this.checkNamespaceWritable(ns);
    }
    prepareCreate(type, obj, () => this.allocateClusterIp());
    validateObject(type, obj);
    const key = this.key(scope);
    if (this.store.get(key, obj.metadata.namespace, obj.metadata.name as string)) {
      throw alreadyExists(type.group, type.plural, obj.metadata.name as string);
    }
    let newType: ResourceType | undefined;
    if (key === CRDS) {
      newType = resourceTypeFromCrd(obj);
      const existing = this.registry.byKey(newType.group, newType.plural);
      if (existing && existing.crdName !== obj.metadata.name)
        throw alreadyExists(newType.group, newType.plural, obj.metadata.name as string);
      obj.status = establishedStatus(obj);
    }
    obj.apiVersion = apiVersionOf(type.group, this.storedVersion(type));
    obj.kind = type.kind;
    if (options.dryRun) return this.present(type, scope.version, obj);
    if (newType) this.registry.add(newType);
    return this.present(type, scope.version, this.store.create(key, obj));
  }

  update(scope: Scope, name: string, body: unknown, options: WriteOptions = {}): KubeObject {
    const obj = this.checkBody(scope, body);
    if (obj.metadata.name !== undefined && obj.metadata.name !== name) {
      throw badRequest(
        `the name of the object (${obj.metadata.name}) does not match the name on the URL (${name})`,
      );
    }
    const old = this.mustGet(scope, name);
    const rv = obj.metadata.resourceVersion;
    if (rv !== undefined && rv !== '' && rv !== old.metadata.resourceVersion)
      throw conflict(scope.type.group, scope.type.plural, name);
    return this.replace(scope, old, obj, options);
  }

  /** Applies an already decoded patch document (`apply` patches create missing objects). */
  patch(
    scope: Scope,
    name: string,
    patchType: PatchType,
    patch: unknown,
    options: PatchOptions = {},
  ): KubeObject {
    const type = scope.type;
    if (patchType === 'strategic' && type.crdName) {
      throw new KubeApiError(
        415,
        'UnsupportedMediaType',
        'the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml',
      );
    }
    if (patchType === 'apply' && !options.fieldManager) {
      throw new KubeApiError(
        422,
        'Invalid',
        'PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is required for apply patch',
      );
    }
    const old = this.store.get(this.key(scope), this.ns(scope), name);
    if (!old) {
      if (patchType !== 'apply' || options.subresource)
        throw notFound(type.group, type.plural, type.kind, name);
      if (patch === null || typeof patch !== 'object') throw badRequest('an apply patch must be an object');
      const body = structuredClone(patch) as KubeObject;
      body.metadata = { ...(body.metadata ?? {}), name };
      const created = this.create(scope, body, options);
      if (!options.dryRun) this.rememberApplied(created, options.fieldManager, patch);
      return created;
    }
    const current = this.present(type, scope.version, old);
    let next: unknown;
    if (patchType === 'json') next = jsonPatch(current, patch);
    else if (patchType === 'merge') next = jsonMergePatch(current, patch);
    else if (patchType === 'apply') {
      // Fields this manager applied before and left out now are removed, as server-side apply does for fields it owns.
      const previous = this.appliedConfigs.get(`${old.metadata.uid}|${options.fieldManager}`);
      const base = previous === undefined ? current : jsonMergePatch(current, removedFields(previous, patch));
      next = strategicMergePatch(base, patch);
    } else next = strategicMergePatch(current, patch);
    const obj = next as KubeObject;
    if (!obj || typeof obj !== 'object' || typeof obj.metadata !== 'object')
      throw badRequest("the patch removed the object's metadata");
    const rv = obj.metadata.resourceVersion;
    if (rv !== undefined && rv !== old.metadata.resourceVersion)
      throw conflict(type.group, type.plural, name);
    const result = this.replace(scope, old, obj, options);
    if (patchType === 'apply' && !options.dryRun) this.rememberApplied(result, options.fieldManager, patch);
    return result;
  }

  private rememberApplied(obj: KubeObject, fieldManager: string | undefined, applied: unknown): void {
    if (obj.metadata.uid)
      this.appliedConfigs.set(`${obj.metadata.uid}|${fieldManager}`, structuredClone(applied));
  }

  /** The common end of update and patch: subresource rules, finalizers, CRD bookkeeping. */
  private replace(scope: Scope, old: KubeObject, obj: KubeObject, options: WriteOptions): KubeObject {
    const type = scope.type;
    const key = this.key(scope);
    let next: KubeObject;
    if (options.subresource === 'status') {
      next = { ...old, status: obj.status };
      if (obj.status === undefined) delete next.status;
    } else {
      next = obj;
      if (type.statusSubresource) {
        if (old.status === undefined) delete next.status;
        else next.status = old.status;
      }
    }
    prepareUpdate(old, next);
    validateObject(type, next);
    next.apiVersion = apiVersionOf(type.group, this.storedVersion(type));
    next.kind = type.kind;
    if (key === CRDS && options.subresource !== 'status') {
      const newType = resourceTypeFromCrd(next);
      const oldType = resourceTypeFromCrd(old);
      if (newType.group !== oldType.group || newType.plural !== oldType.plural) {
        throw badRequest('spec.group and spec.names.plural of a CustomResourceDefinition cannot change');
      }
      next.status = establishedStatus(next);
      if (!options.dryRun) this.registry.add(newType);
    }
    if (options.dryRun) return this.present(type, scope.version, next);
    if (next.metadata.deletionTimestamp && (next.metadata.finalizers ?? []).length === 0) {
      // The last finalizer is gone: the pending deletion completes.
      next.metadata.resourceVersion = old.metadata.resourceVersion;
      const removed = this.removeNow(type, next);
      return this.present(type, scope.version, removed);
    }
    return this.present(type, scope.version, this.store.update(key, next));
  }

  /**
   * Deletes an object. With finalizers it only gains a deletionTimestamp; a namespace
   * first deletes everything in it. Returns the object (or a Status for types whose
   * upstream DELETE answers with one) and the HTTP code.
   */
  delete(scope: Scope, name: string, options: DeleteOptions = {}): { body: unknown; code: number } {
    const type = scope.type;
    const old = this.mustGet(scope, name);
    const pre = options.preconditions ?? {};
    if (
      (pre.uid && pre.uid !== old.metadata.uid) ||
      (pre.resourceVersion && pre.resourceVersion !== old.metadata.resourceVersion)
    ) {
      throw conflict(type.group, type.plural, name);
    }
    if (options.dryRun) return { body: this.present(type, scope.version, old), code: 200 };
    const key = this.key(scope);
    if (key === NAMESPACES)
      return { body: this.present(type, scope.version, this.terminateNamespace(old)), code: 200 };
    if ((old.metadata.finalizers ?? []).length > 0) {
      if (old.metadata.deletionTimestamp) return { body: this.present(type, scope.version, old), code: 202 };
      old.metadata.deletionTimestamp = nowTimestamp();
      old.metadata.deletionGracePeriodSeconds = 0;
      old.metadata.generation = (old.metadata.generation ?? 1) + 1;
      return { body: this.present(type, scope.version, this.store.update(key, old)), code: 202 };
    }
    const removed = this.removeNow(type, old, options.propagationPolicy);
    const returnsObject =
      type.crdName !== undefined ||
      ['/pods', '/services', 'apiextensions.k8s.io/customresourcedefinitions'].includes(key);
    if (returnsObject) return { body: this.present(type, scope.version, removed), code: 200 };
    return {
      body: {
        kind: 'Status',
        apiVersion: 'v1',
        metadata: {},
        status: 'Success',
        details: { name, group: type.group, kind: type.plural, uid: old.metadata.uid },
      },
      code: 200,
    };
  }

  deleteCollection(scope: Scope, options: ListOptions & DeleteOptions = {}): KubeList {
    const list = this.list(scope, {
      labelSelector: options.labelSelector,
      fieldSelector: options.fieldSelector,
    });
    for (const o of list.items) {
      this.delete({ ...scope, namespace: o.metadata.namespace }, o.metadata.name as string, {
        dryRun: options.dryRun,
      });
    }
    return list;
  }

  private removeNow(
    type: ResourceType,
    obj: KubeObject,
    policy: DeleteOptions['propagationPolicy'] = 'Background',
  ): KubeObject {
    const key = typeKey(type.group, type.plural);
    const removed = this.store.remove(key, obj.metadata.namespace, obj.metadata.name as string) ?? obj;
    if (key === CRDS) this.dropCrdType(removed);
    for (const k of [...this.appliedConfigs.keys()])
      if (k.startsWith(`${removed.metadata.uid}|`)) this.appliedConfigs.delete(k);
    this.collectDependents(type, removed, policy);
    const ns = removed.metadata.namespace;
    if (type.namespaced && ns) this.finishNamespaceIfEmpty(ns);
    return removed;
  }

  /**
   * The garbage collector, done at once: dependents whose owners are all gone are
   * deleted (or, with Orphan, lose the reference); dependents with a remaining owner
   * only lose the reference to the removed one.
   */
  private collectDependents(
    ownerType: ResourceType,
    owner: KubeObject,
    policy: DeleteOptions['propagationPolicy'] = 'Background',
  ): void {
    const { remove, unlink } = collectDependents(this.store, this.registry, ownerType, owner, policy);
    for (const { type, object, remainingOwners } of unlink) {
      const unlinked = structuredClone(object);
      if (remainingOwners.length > 0) unlinked.metadata.ownerReferences = remainingOwners;
      else delete unlinked.metadata.ownerReferences;
      this.store.update(typeKey(type.group, type.plural), unlinked);
    }
    for (const { type, object } of remove) {
      const name = object.metadata.name as string;
      // An earlier removal in this loop may have taken it already (a dependent of a dependent).
      if (!this.store.get(typeKey(type.group, type.plural), object.metadata.namespace, name)) continue;
      this.delete({ type, version: type.versions[0], namespace: object.metadata.namespace }, name);
    }
  }

  private dropCrdType(crd: KubeObject): void {
    let crType: ResourceType;
    try {
      crType = resourceTypeFromCrd(crd);
    } catch {
      return;
    }
    const key = typeKey(crType.group, crType.plural);
    for (const o of this.store.list(key))
      this.store.remove(key, o.metadata.namespace, o.metadata.name as string);
    this.registry.remove(crType.group, crType.plural);
    for (const end of [...(this.watchEnders.get(key) ?? [])]) end();
    this.watchEnders.delete(key);
  }

  private terminateNamespace(ns: KubeObject): KubeObject {
    const name = ns.metadata.name as string;
    let current = ns;
    if (!ns.metadata.deletionTimestamp) {
      ns.metadata.deletionTimestamp = nowTimestamp();
      ns.metadata.deletionGracePeriodSeconds = 0;
      ns.status = { ...(ns.status as object), phase: 'Terminating' };
      current = this.store.update(NAMESPACES, ns);
      for (const type of this.registry.all().filter((t) => t.namespaced)) {
        for (const o of this.store.list(typeKey(type.group, type.plural), name)) {
          const scope: Scope = { type, version: type.versions[0], namespace: name };
          this.delete(scope, o.metadata.name as string);
        }
      }
    }
    return this.finishNamespaceIfEmpty(name) ?? current;
  }

  private finishNamespaceIfEmpty(name: string): KubeObject | undefined {
    const ns = this.store.get(NAMESPACES, undefined, name);
    if (!ns?.metadata.deletionTimestamp) return undefined;
    for (const type of this.registry.all().filter((t) => t.namespaced)) {
      if (this.store.list(typeKey(type.group, type.plural), name).length > 0) return undefined;
    }
    return this.store.remove(NAMESPACES, undefined, name);
  }

  private checkNamespaceWritable(ns: string): void {
    const obj = this.store.get(NAMESPACES, undefined, ns);
    if (!obj) throw notFound('', 'namespaces', 'Namespace', ns);
    if (obj.metadata.deletionTimestamp) {
      throw new KubeApiError(
        403,
        'Forbidden',
        `unable to create new content in namespace ${ns} because it is being terminated`,
        {
          name: ns,
          kind: 'namespaces',
        },
      );
    }
  }

  private checkBody(scope: Scope, body: unknown): KubeObject {
    if (body === null || typeof body !== 'object' || Array.isArray(body))
      throw badRequest('the request body must be a JSON object');
    const obj = structuredClone(body) as KubeObject;
    obj.metadata ??= {};
    if (typeof obj.metadata !== 'object') throw badRequest('metadata must be an object');
    const type = scope.type;
    const want = apiVersionOf(type.group, scope.version);
    if (obj.kind !== undefined && obj.kind !== type.kind) {
      throw badRequest(
        `the API version in the data (${obj.apiVersion}) does not match the expected API version (${want}) or kind ${obj.kind} is not ${type.kind}`,
      );
    }
    if (obj.apiVersion !== undefined && obj.apiVersion !== want) {
      throw badRequest(
        `the API version in the data (${obj.apiVersion}) does not match the expected API version (${want})`,
      );
    }
    if (
      type.namespaced &&
      scope.namespace &&
      obj.metadata.namespace &&
      obj.metadata.namespace !== scope.namespace
    ) {
      throw badRequest(
        'the namespace of the provided object does not match the namespace sent on the request',
      );
    }
    return obj;
  }

  private storedVersion(type: ResourceType): string {
    if (type.crdName) {
      const crd = this.store.get(CRDS, undefined, type.crdName);
      if (crd) return storageVersion(crd);
    }
    return type.versions[0];
  }

  private allocateClusterIp(): string {
    const n = this.nextClusterIp++;
    return `10.96.${Math.floor(n / 256) % 256}.${n % 256}`;
  }

  /**
   * Starts a watch: `send` gets events (synthetic ADDED first when no resourceVersion
   * is given) until the returned function is called. Throws 410 Expired when the
   * history no longer reaches `resourceVersion`.
   */
  watch(scope: Scope, options: WatchOptions, send: (e: WatchEvent) => void, onEnd?: () => void): () => void {
    const key = this.key(scope);
    const present = (o: KubeObject): KubeObject => this.present(scope.type, scope.version, o);
    const unsubscribe = subscribeWatch(this.store, key, this.ns(scope), options, present, send);
    if (!onEnd) return unsubscribe;
    // Watches of a custom resource end (after its DELETED events) when the CRD is deleted.
    const enders = this.watchEnders.get(key) ?? new Set<() => void>();
    this.watchEnders.set(key, enders);
    const end = (): void => {
      unsubscribe();
      enders.delete(end);
      onEnd();
    };
    enders.add(end);
    return () => {
      unsubscribe();
      enders.delete(end);
    };
  }
}
