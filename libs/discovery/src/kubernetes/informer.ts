import { ListWatch, Watch } from '@kubernetes/client-node';
import type { KubeConfig, KubernetesObject } from '@kubernetes/client-node';
import { namespacedName } from './meta-labels.ts';
import type { Resource, Selectors } from './resources.ts';

const MIN_BACKOFF_MS = 500;
const MAX_BACKOFF_MS = 30_000;

/** What changed in an informer's store. */
export type InformerEvent = 'add' | 'update' | 'delete';

/**
 * One list+watch of a resource in one namespace ('' = all), over client-node's `ListWatch`:
 * the store holds the current objects by `namespace/name`; a watch that ends is resumed
 * from the last resourceVersion, a 410 Gone makes it list again (objects missing from the
 * new list are reported deleted), and any other failure (API server down, 401, network)
 * is reported through `onError` and retried with doubling backoff up to 30 s.
 */
export class Informer<T extends KubernetesObject = KubernetesObject> {
  readonly #lw: ListWatch<T>;
  readonly #listeners: ((event: InformerEvent, obj: T) => void)[] = [];
  readonly #onError: (message: string) => void;
  readonly #description: string;
  #stopped = false;
  #failed = false;
  #backoffMs = MIN_BACKOFF_MS;
  #retry: NodeJS.Timeout | undefined;
  #synced = false;
  readonly #syncWaiters: (() => void)[] = [];

  constructor(
    kc: KubeConfig,
    resource: Resource,
    namespace: string,
    selectors: Selectors,
    onError: (message: string) => void,
  ) {
    this.#onError = onError;
    this.#description = `${resource.kind} list/watch${namespace ? ` in namespace ${namespace}` : ''}`;
    this.#lw = new ListWatch<T>(
      resource.path(namespace),
      new Watch(kc),
      () => resource.list(kc, namespace, selectors) as never,
      false,
      selectors.label || undefined,
      selectors.field || undefined,
    );
    for (const event of ['add', 'update', 'delete'] as const) {
      this.#lw.on(event, (obj: T) => {
        for (const l of this.#listeners) l(event, obj);
      });
    }
    this.#lw.on('error', (err: unknown) => this.#failure(err));
  }

  /** Calls `listener` for every change after it is added. */
  onChange(listener: (event: InformerEvent, obj: T) => void): void {
    this.#listeners.push(listener);
  }

  get synced(): boolean {
    return this.#synced;
  }

  /** Starts listing and watching; resolves once the first list is in the store (retrying failures). */
  start(): Promise<void> {
    void this.#run();
    return this.waitSynced();
  }

  waitSynced(): Promise<void> {
    if (this.#synced) return Promise.resolve();
    return new Promise((resolve) => this.#syncWaiters.push(resolve));
  }

  get(namespace: string | undefined, name: string): T | undefined {
    return this.#lw.get(name, namespace);
  }

  list(): readonly T[] {
    return this.#lw.list();
  }

  stop(): void {
    this.#stopped = true;
    clearTimeout(this.#retry);
    void this.#lw.stop();
  }

  async #run(): Promise<void> {
    if (this.#stopped) return;
    this.#failed = false;
    try {
      await this.#lw.start();
    } catch (error) {
      this.#failure(error);
      return;
    }
    if (this.#failed || this.#stopped) return;
    this.#backoffMs = MIN_BACKOFF_MS;
    if (!this.#synced) {
      this.#synced = true;
      for (const w of this.#syncWaiters.splice(0)) w();
    }
  }

  #failure(err: unknown): void {
    this.#failed = true;
    if (this.#stopped) return;
    this.#onError(`${this.#description}: ${describe(err)}`);
    clearTimeout(this.#retry);
    this.#retry = setTimeout(() => void this.#run(), this.#backoffMs);
    this.#backoffMs = Math.min(this.#backoffMs * 2, MAX_BACKOFF_MS);
  }
}

/** An error's message with the HTTP status when the client attached one; never a token. */
function describe(err: unknown): string {
  if (err instanceof Error) {
    const code =
      (err as { code?: unknown; statusCode?: unknown }).code ?? (err as { statusCode?: unknown }).statusCode;
    return typeof code === 'number' ? `${err.message} (HTTP ${code})` : err.message;
  }
  return String(err);
}

/** The store key of an object, as upstream's `MetaNamespaceKeyFunc`. */
export function objectKey(obj: KubernetesObject): string {
  return namespacedName(obj.metadata?.namespace, obj.metadata?.name);
}
