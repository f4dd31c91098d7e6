/**
 * The in-memory storage behind the test API server: objects by type, one global
 * resourceVersion counter (like etcd's revision), a bounded history of change events
 * for watches to resume from, and `compact()` to make older resourceVersions expire.
 * It stores what it is given: defaulting and validation live in `KubeApi`.
 */
import { expired } from './status.ts';

export interface ObjectMeta {
  name?: string;
  generateName?: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  creationTimestamp?: string;
  deletionTimestamp?: string;
  deletionGracePeriodSeconds?: number;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  finalizers?: string[];
  ownerReferences?: unknown[];
  [key: string]: unknown;
}

/** Any Kubernetes object; only `metadata` is interpreted by the store. */
export interface KubeObject {
  apiVersion?: string;
  kind?: string;
  metadata: ObjectMeta;
  [key: string]: unknown;
}

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

/** One change, as stored in the history; `previous` is the object before a MODIFIED. */
export interface StoreEvent {
  readonly type: WatchEventType;
  readonly typeKey: string;
  readonly resourceVersion: number;
  readonly object: KubeObject;
  readonly previous?: KubeObject;
}

export type StoreListener = (event: StoreEvent) => void;

export interface ObjectStoreOptions {
  /** Events kept for watches to resume from; a watch from an older resourceVersion gets 410. Default 10,000. */
  historyLimit?: number;
}

function objectKey(namespace: string | undefined, name: string): string {
  return `${namespace ?? ''}/${name}`;
}

export class ObjectStore {
  private revision = 1;
  /** Every event with a resourceVersion <= this one has been dropped from the history. */
  private compactedRevision = 0;
  private readonly byType = new Map<string, Map<string, KubeObject>>();
  private history: StoreEvent[] = [];
  private readonly listeners = new Set<StoreListener>();
  private readonly historyLimit: number;

  constructor(options: ObjectStoreOptions = {}) {
    this.historyLimit = options.historyLimit ?? 10_000;
  }

  /** The latest resourceVersion handed out (the one a list made now would report). */
  get resourceVersion(): number {
    return this.revision;
  }

  /** The oldest resourceVersion a watch can still start from. */
  get oldestWatchableVersion(): number {
    return this.compactedRevision;
  }

  get(typeKey: string, namespace: string | undefined, name: string): KubeObject | undefined {
    const o = this.byType.get(typeKey)?.get(objectKey(namespace, name));
    return o ? structuredClone(o) : undefined;
  }

  /** Objects of a type (in one namespace, or all), sorted by namespace then name. */
  list(typeKey: string, namespace?: string): KubeObject[] {
    const all = [...(this.byType.get(typeKey)?.values() ?? [])];
    const picked =
      namespace === undefined ? all : all.filter((o) => (o.metadata.namespace ?? '') === namespace);
    const key = (o: KubeObject): string => objectKey(o.metadata.namespace, o.metadata.name ?? '');
    // Plain code-unit order, which list paging's continue tokens rely on.
    return picked
      .map((o) => structuredClone(o))
      .sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
  }

  /** Type keys that hold at least one object. */
  typeKeys(): string[] {
    return [...this.byType.entries()].filter(([, m]) => m.size > 0).map(([k]) => k);
  }

  /** Stores a new object under a fresh resourceVersion and announces ADDED; returns the stored copy. */
  create(typeKey: string, object: KubeObject): KubeObject {
    return this.write('ADDED', typeKey, object);
  }

  /** Replaces an existing object under a fresh resourceVersion and announces MODIFIED. */
  update(typeKey: string, object: KubeObject): KubeObject {
    return this.write('MODIFIED', typeKey, object);
  }

  /** Removes an object; the DELETED event carries it with a fresh resourceVersion. */
  remove(typeKey: string, namespace: string | undefined, name: string): KubeObject | undefined {
    const objects = this.byType.get(typeKey);
    const key = objectKey(namespace, name);
    const old = objects?.get(key);
    if (!objects || !old) return undefined;
    objects.delete(key);
    const rv = ++this.revision;
    const gone = structuredClone(old);
    gone.metadata.resourceVersion = String(rv);
    this.publish({ type: 'DELETED', typeKey, resourceVersion: rv, object: gone });
    return structuredClone(gone);
  }

  private write(type: 'ADDED' | 'MODIFIED', typeKey: string, object: KubeObject): KubeObject {
    let objects = this.byType.get(typeKey);
    if (!objects) {
      objects = new Map();
      this.byType.set(typeKey, objects);
    }
    const key = objectKey(object.metadata.namespace, object.metadata.name ?? '');
    const previous = objects.get(key);
    const rv = ++this.revision;
    const stored = structuredClone(object);
    stored.metadata.resourceVersion = String(rv);
    objects.set(key, stored);
    this.publish({
      type,
      typeKey,
      resourceVersion: rv,
      object: structuredClone(stored),
      previous: previous ? structuredClone(previous) : undefined,
    });
    return structuredClone(stored);
  }

  private publish(event: StoreEvent): void {
    this.history.push(event);
    if (this.history.length > this.historyLimit) {
      const dropped = this.history.splice(0, this.history.length - this.historyLimit);
      this.compactedRevision = dropped[dropped.length - 1].resourceVersion;
    }
    for (const l of [...this.listeners]) l(event);
  }

  /**
   * Subscribes to changes after `fromVersion`: events still in the history are replayed
   * synchronously first, then live ones follow. Throws a 410 Expired KubeApiError when
   * the history no longer reaches back to `fromVersion`.
   */
  subscribe(fromVersion: number, listener: StoreListener): () => void {
    if (fromVersion < this.compactedRevision) {
      throw expired(`too old resource version: ${fromVersion} (${this.compactedRevision})`);
    }
    for (const e of this.history) if (e.resourceVersion > fromVersion) listener(e);
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Drops the whole event history, as etcd compaction does: a watch asking for any
   * resourceVersion older than the current one gets 410 Gone. Open watches go on.
   */
  compact(): void {
    this.history = [];
    this.compactedRevision = this.revision;
  }
}
