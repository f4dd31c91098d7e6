/**
 * What one watch sees of the store's change stream: its type, namespace and selectors
 * applied, with MODIFIED events turned into ADDED or DELETED when an object enters or
 * leaves the selection, as upstream's watch cache does.
 */
import type { KubeObject, ObjectStore, StoreEvent } from './object-store.ts';
import type { WatchEvent, WatchOptions } from './kube-api.ts';
import { matchesFields, matchesLabels, parseFieldSelector, parseLabelSelector } from './selectors.ts';
import { badRequest } from './status.ts';

/**
 * Subscribes `send` to the changes of type `key` (in `ns`, or all namespaces): first
 * synthetic ADDED events for current objects when no resourceVersion is given, else
 * the retained events after it (410 Expired when they are gone). Returns the unsubscribe.
 */
export function subscribeWatch(
  store: ObjectStore,
  key: string,
  ns: string | undefined,
  options: WatchOptions,
  present: (o: KubeObject) => KubeObject,
  send: (e: WatchEvent) => void,
): () => void {
  const labels = parseLabelSelector(options.labelSelector ?? '');
  const fields = parseFieldSelector(options.fieldSelector ?? '');
  const matches = (o: KubeObject | undefined): o is KubeObject =>
    o !== undefined &&
    (ns === undefined || o.metadata.namespace === ns) &&
    matchesLabels(labels, o.metadata.labels) &&
    matchesFields(fields, present(o));
  const out = (type: WatchEvent['type'], o: KubeObject): void =>
    send({
      type,
      object: present(o) as unknown as Record<string, unknown>,
    });

  const rvText = options.resourceVersion ?? '';
  const initial = rvText === '' || rvText === '0' || options.sendInitialEvents === true;
  let from: number;
  if (initial) {
    from = store.resourceVersion;
    for (const o of store.list(key, ns)) if (matches(o)) out('ADDED', o);
  } else {
    from = Number(rvText);
    if (!Number.isInteger(from) || from < 0) throw badRequest(`invalid resource version: "${rvText}"`);
  }
  const listener = (e: StoreEvent): void => {
    if (e.typeKey !== key) return;
    const now = matches(e.object);
    if (e.type !== 'MODIFIED') {
      if (now) out(e.type, e.object);
      return;
    }
    const before = matches(e.previous);
    if (now && before) out('MODIFIED', e.object);
    else if (now) out('ADDED', e.object);
    else if (before) out('DELETED', e.object);
  };
  return store.subscribe(from, listener);
}
