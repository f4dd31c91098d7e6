// @kubernetes/client-node informers against the test API server: initial list, live
// ADDED/MODIFIED/DELETED, and recovery through a re-list after a 410 Gone watch.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CoreV1Api,
  KubeConfig,
  makeInformer,
  type Informer,
  type ObjectCache,
  type V1Pod,
} from '@kubernetes/client-node';
import { waitFor } from '@argus/testkit';
import { startTestApiServer, type Scope, type TestApiServer } from './index.ts';

let server: TestApiServer;
let kc: KubeConfig;
let core: CoreV1Api;
let pods: Scope;

function pod(name: string, labels: Record<string, string> = {}): V1Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, labels },
    spec: { containers: [{ name: 'c', image: 'busybox' }] },
  };
}

beforeAll(async () => {
  server = await startTestApiServer({ bookmarkIntervalMs: 100 });
  kc = new KubeConfig();
  kc.loadFromFile(server.kubeconfigPath);
  core = kc.makeApiClient(CoreV1Api);
  pods = { type: server.registry.find('', 'v1', 'pods')!, version: 'v1', namespace: 'default' };
});

afterAll(async () => {
  await server?.stop();
});

interface Seen {
  events: string[];
  informer: Informer<V1Pod> & ObjectCache<V1Pod>;
}

async function watchPods(labelSelector?: string): Promise<Seen> {
  const informer = makeInformer<V1Pod>(
    kc,
    '/api/v1/namespaces/default/pods',
    () => core.listNamespacedPod({ namespace: 'default', labelSelector }),
    labelSelector,
  );
  const seen: Seen = { events: [], informer };
  informer.on('add', (p) => seen.events.push(`add ${p.metadata?.name}`));
  informer.on('update', (p) =>
    seen.events.push(`update ${p.metadata?.name} ${p.metadata?.labels?.['v'] ?? ''}`),
  );
  informer.on('delete', (p) => seen.events.push(`delete ${p.metadata?.name}`));
  informer.on('error', (err) => seen.events.push(`error ${String(err)}`));
  await informer.start();
  return seen;
}

describe('client-node informers', () => {
  it('list, then ADDED, MODIFIED and DELETED from the watch', async () => {
    await core.createNamespacedPod({ namespace: 'default', body: pod('before') });
    const seen = await watchPods();
    try {
      await waitFor(() => seen.events.includes('add before') && server.openWatches() === 1);
      await core.createNamespacedPod({ namespace: 'default', body: pod('p1') });
      await core.patchNamespacedPod({
        namespace: 'default',
        name: 'p1',
        body: [{ op: 'add', path: '/metadata/labels/v', value: '2' }],
      });
      await core.deleteNamespacedPod({ namespace: 'default', name: 'before' });
      await waitFor(() => seen.events.length >= 4);
      expect(seen.events).toEqual(['add before', 'add p1', 'update p1 2', 'delete before']);
      expect(seen.informer.list().map((p) => p.metadata?.name)).toEqual(['p1']);
    } finally {
      await seen.informer.stop();
      await core.deleteCollectionNamespacedPod({ namespace: 'default' });
    }
  });

  it('a label-selected watch sees an object leave and enter the selection as DELETED and ADDED', async () => {
    const seen = await watchPods('role=web');
    try {
      await waitFor(() => server.openWatches() === 1);
      server.api.create(pods, pod('w', { role: 'web' }));
      server.api.patch(pods, 'w', 'merge', { metadata: { labels: { role: 'db' } } });
      server.api.patch(pods, 'w', 'merge', { metadata: { labels: { role: 'web', v: '3' } } });
      await waitFor(() => seen.events.length >= 3);
      expect(seen.events).toEqual(['add w', 'delete w', 'add w']);
    } finally {
      await seen.informer.stop();
      server.api.deleteCollection(pods);
    }
  });

  it('recovers from 410 Gone by listing again, announcing what changed while it was away', async () => {
    server.api.create(pods, pod('stays'));
    server.api.create(pods, pod('goes'));
    const seen = await watchPods();
    try {
      await waitFor(() => seen.events.length === 2 && server.openWatches() === 1);
      // In one tick: drop the watch, change things, and compact the history past the
      // informer's resourceVersion, so its re-watch is answered with 410 Gone.
      server.closeWatches();
      server.api.delete(pods, 'goes');
      server.api.create(pods, pod('new'));
      server.api.patch(pods, 'stays', 'merge', { metadata: { labels: { v: '9' } } });
      server.store.compact();
      await waitFor(() => seen.events.length >= 5);
      expect(seen.events.slice(2).sort()).toEqual(['add new', 'delete goes', 'update stays 9']);
      expect(
        seen.informer
          .list()
          .map((p) => p.metadata?.name)
          .sort(),
      ).toEqual(['new', 'stays']);
      // The informer then watches again, from the fresh list.
      await waitFor(() => server.openWatches() === 1);
      server.api.delete(pods, 'new');
      await waitFor(() => seen.events.includes('delete new'));
    } finally {
      await seen.informer.stop();
    }
  });
});
