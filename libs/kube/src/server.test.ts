// The HTTP face of the test API server: discovery documents, Status errors, watch
// streams (bookmarks, 410 Gone as an ERROR event, timeouts), tables, token and TLS.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { makeTempDir, makeTestCerts, type TempDir } from '@argus/testkit';
import { startTestApiServer, type TestApiServer } from './index.ts';

type Json = Record<string, unknown>;

let server: TestApiServer;

beforeAll(async () => {
  server = await startTestApiServer({ bookmarkIntervalMs: 50 });
});

afterAll(async () => {
  await server?.stop();
});

async function get(
  path: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: Json }> {
  const res = await fetch(server.url + path, { headers });
  return { status: res.status, body: (await res.json()) as Json };
}

async function send(
  method: string,
  path: string,
  body: unknown,
  contentType = 'application/json',
): Promise<{ status: number; body: Json }> {
  const res = await fetch(server.url + path, {
    method,
    headers: { 'content-type': contentType },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Json };
}

/** Opens a watch and collects its events until `stop` says so or the server ends the stream. */
async function watch(
  path: string,
  stop: (events: Json[]) => boolean,
): Promise<{ events: Json[]; ended: boolean }> {
  const controller = new AbortController();
  const res = await fetch(server.url + path, { signal: controller.signal });
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toBe('application/json');
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  const events: Json[] = [];
  let buffered = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return { events, ended: true };
    buffered += decoder.decode(value, { stream: true });
    let nl: number;
    while ((nl = buffered.indexOf('\n')) >= 0) {
      events.push(JSON.parse(buffered.slice(0, nl)) as Json);
      buffered = buffered.slice(nl + 1);
    }
    if (stop(events)) {
      controller.abort();
      return { events, ended: false };
    }
  }
}

const names = (events: Json[]): string[] =>
  events.map((e) => `${e.type} ${((e.object as Json).metadata as Json).name ?? ''}`);

describe('discovery', () => {
  it('serves /api, /api/v1, /apis and group versions', async () => {
    expect((await get('/api')).body).toMatchObject({ kind: 'APIVersions', versions: ['v1'] });
    const v1 = (await get('/api/v1')).body as { resources: Json[] };
    expect(v1.resources.find((r) => r.name === 'pods')).toEqual({
      name: 'pods',
      singularName: 'pod',
      namespaced: true,
      kind: 'Pod',
      verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'],
      shortNames: ['po'],
      categories: ['all'],
    });
    expect(v1.resources.find((r) => r.name === 'pods/status')).toMatchObject({
      kind: 'Pod',
      verbs: ['get', 'patch', 'update'],
    });
    expect(v1.resources.find((r) => r.name === 'nodes')).toMatchObject({
      namespaced: false,
      shortNames: ['no'],
    });
    const apis = (await get('/apis')).body as { groups: Json[] };
    expect(apis.groups.map((g) => g.name)).toEqual(
      expect.arrayContaining(['discovery.k8s.io', 'networking.k8s.io', 'apiextensions.k8s.io']),
    );
    expect((await get('/apis/discovery.k8s.io')).body).toMatchObject({
      kind: 'APIGroup',
      preferredVersion: { groupVersion: 'discovery.k8s.io/v1', version: 'v1' },
    });
    expect((await get('/apis/discovery.k8s.io/v1')).body).toMatchObject({
      kind: 'APIResourceList',
      groupVersion: 'discovery.k8s.io/v1',
      resources: [{ name: 'endpointslices', kind: 'EndpointSlice' }],
    });
    expect((await get('/version')).body).toMatchObject({ major: '1', minor: '32' });
  });

  it('adds a CRD group to discovery and openapi once the CRD exists', async () => {
    const crd = {
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: { name: 'gadgets.example.org' },
      spec: {
        group: 'example.org',
        scope: 'Cluster',
        names: { plural: 'gadgets', kind: 'Gadget' },
        versions: [{ name: 'v1alpha1', served: true, storage: true }],
      },
    };
    expect((await get('/apis/example.org/v1alpha1')).status).toBe(404);
    expect((await send('POST', '/apis/apiextensions.k8s.io/v1/customresourcedefinitions', crd)).status).toBe(
      201,
    );
    expect((await get('/apis/example.org/v1alpha1')).body).toMatchObject({
      resources: [{ name: 'gadgets', singularName: 'gadget', namespaced: false, kind: 'Gadget' }],
    });
    expect(((await get('/openapi/v3')).body.paths as Json)['apis/example.org/v1alpha1']).toBeDefined();
    const created = await send('POST', '/apis/example.org/v1alpha1/gadgets', {
      apiVersion: 'example.org/v1alpha1',
      kind: 'Gadget',
      metadata: { name: 'g' },
    });
    expect(created.body).toMatchObject({ kind: 'Gadget', metadata: { name: 'g' } });
    expect((await get('/apis/example.org/v1alpha1/namespaces/default/gadgets')).status).toBe(404);
  });

  it('answers unknown paths with a NotFound Status', async () => {
    const { status, body } = await get('/api/v1/frobs');
    expect(status).toBe(404);
    expect(body).toMatchObject({ kind: 'Status', status: 'Failure', reason: 'NotFound', code: 404 });
  });
});

describe('HTTP verbs', () => {
  it('returns upstream Status objects for errors and 201 for creates', async () => {
    const cm = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'h' } };
    expect((await send('POST', '/api/v1/namespaces/default/configmaps', cm)).status).toBe(201);
    const dup = await send('POST', '/api/v1/namespaces/default/configmaps', cm);
    expect([dup.status, dup.body.reason]).toEqual([409, 'AlreadyExists']);
    const stale = await send('PUT', '/api/v1/namespaces/default/configmaps/h', {
      ...cm,
      metadata: { name: 'h', resourceVersion: '1' },
    });
    expect([stale.status, stale.body.reason]).toEqual([409, 'Conflict']);
    const bad = await send('PATCH', '/api/v1/namespaces/default/configmaps/h', {}, 'application/xml');
    expect(bad.status).toBe(415);
    const protobuf = await send(
      'POST',
      '/api/v1/namespaces/default/configmaps',
      'k8s',
      'application/vnd.kubernetes.protobuf',
    );
    expect([protobuf.status, protobuf.body.reason]).toEqual([415, 'UnsupportedMediaType']);
    const clusterWide = await send('POST', '/api/v1/configmaps', {
      metadata: { name: 'x', namespace: 'default' },
    });
    expect([clusterWide.status, clusterWide.body.reason]).toEqual([405, 'MethodNotAllowed']);
    const badSelector = await get('/api/v1/pods?labelSelector=a%20b');
    expect([badSelector.status, badSelector.body.reason]).toEqual([400, 'BadRequest']);
  });

  it('serves Table output when asked, as kubectl get does', async () => {
    const { body } = await get('/api/v1/namespaces', {
      accept: 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json',
    });
    expect(body.kind).toBe('Table');
    expect((body.columnDefinitions as Json[]).map((c) => c.name)).toEqual(['Name', 'Status', 'Age']);
    const rows = body.rows as Array<{ cells: string[]; object: Json }>;
    expect(rows.map((r) => r.cells[0])).toContain('default');
    expect(rows[0].cells.slice(1)).toEqual(['Active', expect.stringMatching(/^\d+s$/)]);
    expect(rows[0].object).toMatchObject({
      kind: 'PartialObjectMetadata',
      metadata: { name: expect.any(String) },
    });
  });
});

describe('watch over HTTP', () => {
  it('sends synthetic ADDED events, live events and bookmarks with the current resourceVersion', async () => {
    await send('POST', '/api/v1/namespaces/default/configmaps', {
      metadata: { name: 'w1', labels: { w: 'yes' } },
    });
    const done = watch(
      '/api/v1/namespaces/default/configmaps?watch=1&labelSelector=w%3Dyes&allowWatchBookmarks=true',
      (ev) => ev.some((e) => e.type === 'BOOKMARK') && ev.some((e) => e.type === 'DELETED'),
    );
    await new Promise((r) => setTimeout(r, 20));
    await send('POST', '/api/v1/namespaces/default/configmaps', {
      metadata: { name: 'w2', labels: { w: 'yes' } },
    });
    await send(
      'PATCH',
      '/api/v1/namespaces/default/configmaps/w2',
      { data: { a: 'b' } },
      'application/merge-patch+json',
    );
    await fetch(`${server.url}/api/v1/namespaces/default/configmaps/w1`, { method: 'DELETE' });
    const { events } = await done;
    expect(names(events.filter((e) => e.type !== 'BOOKMARK'))).toEqual([
      'ADDED w1',
      'ADDED w2',
      'MODIFIED w2',
      'DELETED w1',
    ]);
    const bookmark = events.find((e) => e.type === 'BOOKMARK')!.object as Json;
    expect(bookmark).toMatchObject({ kind: 'ConfigMap', apiVersion: 'v1' });
    expect(Number((bookmark.metadata as Json).resourceVersion)).toBeGreaterThan(0);
  });

  it('answers a resourceVersion older than the history with an ERROR event holding 410 Expired, then ends', async () => {
    const old = String(server.store.resourceVersion);
    await send('POST', '/api/v1/namespaces/default/configmaps', { metadata: { name: 'gone' } });
    server.store.compact();
    const { events, ended } = await watch(
      `/api/v1/namespaces/default/configmaps?watch=true&resourceVersion=${old}`,
      () => false,
    );
    expect(ended).toBe(true);
    expect(events).toHaveLength(1);
    expect(events[0].type).toBe('ERROR');
    expect(events[0].object).toMatchObject({
      kind: 'Status',
      apiVersion: 'v1',
      status: 'Failure',
      reason: 'Expired',
      code: 410,
      message: expect.stringMatching(/^too old resource version: /),
    });
  });

  it('resumes from a recent resourceVersion without replaying older events', async () => {
    const from = String(server.store.resourceVersion);
    await send('POST', '/api/v1/namespaces/default/configmaps', { metadata: { name: 'r1' } });
    const { events } = await watch(
      `/api/v1/namespaces/default/configmaps?watch=true&resourceVersion=${from}`,
      (ev) => ev.length >= 1,
    );
    expect(names(events)).toEqual(['ADDED r1']);
  });

  it('ends initial events with the initial-events-end bookmark when sendInitialEvents is set', async () => {
    const { events } = await watch(
      '/api/v1/namespaces?watch=1&sendInitialEvents=true&allowWatchBookmarks=true&resourceVersionMatch=NotOlderThan',
      (ev) => ev.some((e) => e.type === 'BOOKMARK'),
    );
    const i = events.findIndex((e) => e.type === 'BOOKMARK');
    expect(names(events.slice(0, i))).toEqual(expect.arrayContaining(['ADDED default', 'ADDED kube-system']));
    expect(((events[i].object as Json).metadata as Json).annotations).toEqual({
      'k8s.io/initial-events-end': 'true',
    });
  });

  it('ends watches of a custom resource after its DELETED events when the CRD is deleted', async () => {
    const crd = {
      metadata: { name: 'things.example.net' },
      spec: {
        group: 'example.net',
        scope: 'Namespaced',
        names: { plural: 'things', kind: 'Thing' },
        versions: [{ name: 'v1', served: true, storage: true }],
      },
    };
    await send('POST', '/apis/apiextensions.k8s.io/v1/customresourcedefinitions', crd);
    await send('POST', '/apis/example.net/v1/namespaces/default/things', { metadata: { name: 't1' } });
    const done = watch('/apis/example.net/v1/things?watch=1', (ev) => ev.length > 5);
    await new Promise((r) => setTimeout(r, 20));
    await fetch(`${server.url}/apis/apiextensions.k8s.io/v1/customresourcedefinitions/things.example.net`, {
      method: 'DELETE',
    });
    const { events, ended } = await done;
    expect(ended).toBe(true);
    expect(names(events)).toEqual(['ADDED t1', 'DELETED t1']);
  });

  it('watches a single object by name and ends at timeoutSeconds', async () => {
    await send('POST', '/api/v1/namespaces/default/configmaps', { metadata: { name: 'solo' } });
    await send('POST', '/api/v1/namespaces/default/configmaps', { metadata: { name: 'other' } });
    const started = Date.now();
    const { events, ended } = await watch(
      '/api/v1/namespaces/default/configmaps/solo?watch=true&timeoutSeconds=1',
      () => false,
    );
    expect(ended).toBe(true);
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    expect(names(events)).toEqual(['ADDED solo']);
    expect(server.openWatches()).toBe(0);
  });
});

describe('authentication and TLS', () => {
  let dir: TempDir;
  beforeAll(async () => {
    dir = await makeTempDir('kube-tls');
  });
  afterAll(async () => {
    await dir?.remove();
  });

  it('serves https with a bearer token to client-node through the written kubeconfig', async () => {
    const certs = makeTestCerts(dir.path);
    const secure = await startTestApiServer({
      token: 's3cret',
      tls: {
        cert: readFileSync(dir.join(certs.serverCert), 'utf8'),
        key: readFileSync(dir.join(certs.serverKey), 'utf8'),
        ca: certs.caPem,
      },
    });
    try {
      expect(secure.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
      const kc = new KubeConfig();
      kc.loadFromFile(secure.kubeconfigPath);
      const list = await kc.makeApiClient(CoreV1Api).listNamespace();
      expect(list.items.map((n) => n.metadata?.name)).toContain('default');
      kc.users[0] = { name: kc.users[0].name, token: 'wrong' };
      const err = await kc
        .makeApiClient(CoreV1Api)
        .listNamespace()
        .catch((e: unknown) => e as { code?: number });
      expect(err).toMatchObject({ code: 401 });
    } finally {
      await secure.stop();
    }
  });
});
