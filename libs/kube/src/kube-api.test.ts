// The API verbs in-process (no HTTP): server-owned metadata, conflicts, validation,
// finalizers, namespace termination, status subresources, CRDs and watch resumption.
import { beforeEach, describe, expect, it } from 'vitest';
import { KubeApi, type Scope, type WatchEvent } from './kube-api.ts';
import { ObjectStore } from './object-store.ts';
import { ResourceRegistry } from './resource-types.ts';
import { KubeApiError } from './status.ts';

let api: KubeApi;
let registry: ResourceRegistry;

function scope(group: string, version: string, plural: string, namespace?: string): Scope {
  const type = registry.find(group, version, plural);
  if (!type) throw new Error(`no type ${group}/${version}/${plural}`);
  return { type, version, namespace };
}

function failure(fn: () => unknown): KubeApiError {
  try {
    fn();
  } catch (err) {
    if (err instanceof KubeApiError) return err;
    throw err;
  }
  throw new Error('expected a KubeApiError');
}

const ns = (): Scope => scope('', 'v1', 'namespaces');
const cms = (namespace = 'default'): Scope => scope('', 'v1', 'configmaps', namespace);
const pods = (namespace = 'default'): Scope => scope('', 'v1', 'pods', namespace);
const crds = (): Scope => scope('apiextensions.k8s.io', 'v1', 'customresourcedefinitions');

beforeEach(() => {
  registry = new ResourceRegistry();
  api = new KubeApi(new ObjectStore({ historyLimit: 100 }), registry);
  api.create(ns(), { metadata: { name: 'default' } });
});

describe('create', () => {
  it('fills name from generateName, uid, creationTimestamp, generation and resourceVersion', () => {
    const o = api.create(cms(), { metadata: { generateName: 'cfg-' }, data: { a: 'b' } });
    expect(o.metadata.name).toMatch(/^cfg-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
    expect(o.metadata.uid).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-/);
    expect(o.metadata.creationTimestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(o.metadata.generation).toBe(1);
    expect(Number(o.metadata.resourceVersion)).toBe(api.store.resourceVersion);
    expect(o).toMatchObject({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { namespace: 'default' } });
  });

  it('refuses a duplicate with 409 AlreadyExists in upstream shape', () => {
    api.create(cms(), { metadata: { name: 'a' } });
    expect(failure(() => api.create(cms(), { metadata: { name: 'a' } })).toStatus()).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: 'configmaps "a" already exists',
      reason: 'AlreadyExists',
      details: { name: 'a', group: '', kind: 'configmaps' },
      code: 409,
    });
  });

  it.each([
    {
      name: 'no name',
      body: { metadata: {} },
      field: 'metadata.name',
      message: 'Required value: name or generateName is required',
    },
    {
      name: 'bad name',
      body: { metadata: { name: 'Bad_Name' } },
      field: 'metadata.name',
      message: 'Invalid value: "Bad_Name": a lowercase RFC 1123 subdomain',
    },
    {
      name: 'bad label value',
      body: { metadata: { name: 'x', labels: { a: 'not ok' } } },
      field: 'metadata.labels',
      message: 'Invalid value: "not ok"',
    },
  ])('answers $name with 422 Invalid naming the field', ({ body, field, message }) => {
    const err = failure(() => api.create(cms(), body));
    expect(err.code).toBe(422);
    expect(err.reason).toBe('Invalid');
    expect(err.details?.causes?.[0].field).toBe(field);
    expect(err.details?.causes?.[0].message).toContain(message);
    expect(err.message).toMatch(/^ConfigMap ".*" is invalid: /);
  });

  it('checks names per type: services are DNS-1035 labels', () => {
    expect(
      failure(() => api.create(scope('', 'v1', 'services', 'default'), { metadata: { name: '1svc' } })).code,
    ).toBe(422);
    expect(api.create(cms(), { metadata: { name: '1cm.x' } }).metadata.name).toBe('1cm.x');
  });

  it('refuses a body of another kind or version with 400', () => {
    expect(failure(() => api.create(cms(), { kind: 'Secret', metadata: { name: 'a' } })).code).toBe(400);
    expect(failure(() => api.create(cms(), { apiVersion: 'v2', metadata: { name: 'a' } })).code).toBe(400);
    expect(failure(() => api.create(cms(), { metadata: { name: 'a', namespace: 'other' } })).code).toBe(400);
  });

  it('needs the namespace to exist', () => {
    const err = failure(() => api.create(cms('ghost'), { metadata: { name: 'a' } }));
    expect([err.code, err.message]).toEqual([404, 'namespaces "ghost" not found']);
  });

  it('stores nothing on dryRun', () => {
    const o = api.create(cms(), { metadata: { name: 'dry' } }, { dryRun: true });
    expect(o.metadata.name).toBe('dry');
    expect(failure(() => api.get(cms(), 'dry')).code).toBe(404);
  });

  it('gives services a clusterIP and port defaults, headless ones none', () => {
    const svcs = scope('', 'v1', 'services', 'default');
    const a = api.create(svcs, { metadata: { name: 'a' }, spec: { ports: [{ port: 80 }] } });
    const b = api.create(svcs, {
      metadata: { name: 'b' },
      spec: { clusterIP: 'None', ports: [{ port: 80 }] },
    });
    expect(a.spec).toMatchObject({
      type: 'ClusterIP',
      clusterIP: expect.stringMatching(/^10\.96\./),
      ports: [{ port: 80, protocol: 'TCP', targetPort: 80 }],
    });
    expect(b.spec).toMatchObject({ clusterIP: 'None', clusterIPs: ['None'] });
  });
});

describe('update and patch', () => {
  it('409s on a stale resourceVersion and bumps generation only for spec changes', () => {
    const p = api.create(pods(), {
      metadata: { name: 'p' },
      spec: { containers: [{ name: 'c', image: 'a' }] },
    });
    const relabeled = api.update(pods(), 'p', { ...p, metadata: { ...p.metadata, labels: { x: 'y' } } });
    expect(relabeled.metadata.generation).toBe(1);
    const err = failure(() => api.update(pods(), 'p', { ...p, spec: { containers: [] } }));
    expect([err.code, err.reason, err.message]).toEqual([
      409,
      'Conflict',
      'Operation cannot be fulfilled on pods "p": the object has been modified; please apply your changes to the latest version and try again',
    ]);
    const respec = api.update(pods(), 'p', {
      ...relabeled,
      spec: { containers: [{ name: 'c', image: 'b' }] },
    });
    expect(respec.metadata.generation).toBe(2);
    expect(respec.metadata.uid).toBe(p.metadata.uid);
    expect(respec.metadata.creationTimestamp).toBe(p.metadata.creationTimestamp);
  });

  it('404s when updating or patching what does not exist', () => {
    expect(failure(() => api.update(cms(), 'nope', { metadata: { name: 'nope' } })).code).toBe(404);
    expect(failure(() => api.patch(cms(), 'nope', 'merge', {})).code).toBe(404);
  });

  it('routes status writes through the status subresource only', () => {
    api.create(pods(), { metadata: { name: 'p' }, spec: {}, status: { phase: 'Pending' } });
    api.patch(pods(), 'p', 'merge', { status: { phase: 'Failed' }, metadata: { labels: { a: 'b' } } });
    expect(api.get(pods(), 'p')).toMatchObject({
      status: { phase: 'Pending' },
      metadata: { labels: { a: 'b' } },
    });
    api.patch(
      pods(),
      'p',
      'merge',
      { status: { phase: 'Running' }, metadata: { labels: { a: 'c' } } },
      { subresource: 'status' },
    );
    expect(api.get(pods(), 'p')).toMatchObject({
      status: { phase: 'Running' },
      metadata: { labels: { a: 'b' } },
    });
  });

  it('server-side apply creates, then merges what another manager applies, and needs a fieldManager', () => {
    expect(failure(() => api.patch(cms(), 'ssa', 'apply', { metadata: { name: 'ssa' } })).code).toBe(422);
    const created = api.patch(
      cms(),
      'ssa',
      'apply',
      { apiVersion: 'v1', kind: 'ConfigMap', data: { a: '1' } },
      { fieldManager: 'test' },
    );
    expect(created.data).toEqual({ a: '1' });
    const merged = api.patch(
      cms(),
      'ssa',
      'apply',
      { apiVersion: 'v1', kind: 'ConfigMap', data: { b: '2' } },
      { fieldManager: 'another' },
    );
    expect(merged.data).toEqual({ a: '1', b: '2' });
  });

  it('server-side apply removes fields the same manager applied before and dropped, not others', () => {
    const apply = (data: Record<string, string>, manager: string): Record<string, unknown> =>
      api.patch(
        cms(),
        'owned',
        'apply',
        { apiVersion: 'v1', kind: 'ConfigMap', metadata: { labels: { m: manager } }, data },
        { fieldManager: manager },
      ).data as Record<string, unknown>;
    apply({ a: '1', b: '2' }, 'one');
    api.patch(cms(), 'owned', 'merge', { data: { byHand: 'x' } });
    expect(apply({ a: '1' }, 'one')).toEqual({ a: '1', byHand: 'x' });
    expect(apply({ c: '3' }, 'two')).toEqual({ a: '1', byHand: 'x', c: '3' });
  });

  it('a patch carrying a stale resourceVersion conflicts', () => {
    api.create(cms(), { metadata: { name: 'a' } });
    expect(failure(() => api.patch(cms(), 'a', 'merge', { metadata: { resourceVersion: '1' } })).code).toBe(
      409,
    );
  });
});

describe('delete', () => {
  it('keeps an object with finalizers until they are removed', () => {
    const events: string[] = [];
    api.create(cms(), { metadata: { name: 'f', finalizers: ['example.com/hold'] } });
    api.watch(cms(), { resourceVersion: String(api.store.resourceVersion) }, (e) => events.push(e.type));
    const { code, body } = api.delete(cms(), 'f');
    expect(code).toBe(202);
    expect((body as { metadata: { deletionTimestamp?: string } }).metadata.deletionTimestamp).toBeDefined();
    expect(api.get(cms(), 'f').metadata.deletionTimestamp).toBeDefined();
    api.patch(cms(), 'f', 'merge', { metadata: { finalizers: null } });
    expect(failure(() => api.get(cms(), 'f')).code).toBe(404);
    expect(events).toEqual(['MODIFIED', 'DELETED']);
  });

  it('answers Status for configmaps and the object for pods, as upstream', () => {
    api.create(cms(), { metadata: { name: 'a' } });
    api.create(pods(), { metadata: { name: 'p' }, spec: {} });
    expect(api.delete(cms(), 'a').body).toMatchObject({
      kind: 'Status',
      status: 'Success',
      details: { name: 'a', kind: 'configmaps' },
    });
    expect(api.delete(pods(), 'p').body).toMatchObject({ kind: 'Pod', metadata: { name: 'p' } });
  });

  it('checks preconditions', () => {
    api.create(cms(), { metadata: { name: 'a' } });
    expect(failure(() => api.delete(cms(), 'a', { preconditions: { uid: 'other' } })).code).toBe(409);
  });

  it('deleting a namespace deletes its contents; finalizers keep it Terminating', () => {
    api.create(ns(), { metadata: { name: 'team' } });
    api.create(cms('team'), { metadata: { name: 'a' } });
    api.create(pods('team'), { metadata: { name: 'held', finalizers: ['x/y'] }, spec: {} });
    const terminating = api.delete(ns(), 'team').body as { status: { phase: string } };
    expect(terminating.status.phase).toBe('Terminating');
    expect(api.list(cms('team')).items).toEqual([]);
    expect(api.get(ns(), 'team').status).toEqual({ phase: 'Terminating' });
    const err = failure(() => api.create(cms('team'), { metadata: { name: 'late' } }));
    expect([err.code, err.reason]).toEqual([403, 'Forbidden']);
    api.patch(pods('team'), 'held', 'json', [{ op: 'remove', path: '/metadata/finalizers' }]);
    expect(failure(() => api.get(ns(), 'team')).code).toBe(404);
  });
});

describe('list', () => {
  it('pages with limit and continue', () => {
    for (const n of ['c', 'a', 'b']) api.create(cms(), { metadata: { name: n } });
    const first = api.list(cms(), { limit: 2 });
    expect(first.items.map((o) => o.metadata.name)).toEqual(['a', 'b']);
    expect(first.metadata.remainingItemCount).toBe(1);
    const rest = api.list(cms(), { limit: 2, continue: first.metadata.continue });
    expect(rest.items.map((o) => o.metadata.name)).toEqual(['c']);
    expect(rest.metadata.continue).toBeUndefined();
    expect(failure(() => api.list(cms(), { continue: 'garbage' })).code).toBe(400);
  });

  it('lists a namespaced type across namespaces when no namespace is given', () => {
    api.create(ns(), { metadata: { name: 'other' } });
    api.create(cms(), { metadata: { name: 'a' } });
    api.create(cms('other'), { metadata: { name: 'b' } });
    expect(
      api
        .list({ ...cms(), namespace: undefined })
        .items.map((o) => `${o.metadata.namespace}/${o.metadata.name}`),
    ).toEqual(['default/a', 'other/b']);
  });
});

describe('custom resources', () => {
  const crd = {
    metadata: { name: 'widgets.example.com' },
    spec: {
      group: 'example.com',
      scope: 'Namespaced',
      names: { plural: 'widgets', singular: 'widget', kind: 'Widget', shortNames: ['wd'] },
      versions: [
        { name: 'v1beta1', served: true, storage: false },
        { name: 'v1', served: true, storage: true, subresources: { status: {} } },
      ],
    },
  };

  it('a CRD makes its kind served in every served version, and deleting it removes the objects', () => {
    const created = api.create(crds(), crd);
    expect(created.status).toMatchObject({
      conditions: [
        { type: 'NamesAccepted', status: 'True' },
        { type: 'Established', status: 'True' },
      ],
      storedVersions: ['v1'],
    });
    const type = registry.find('example.com', 'v1', 'widgets');
    expect(type).toMatchObject({
      kind: 'Widget',
      namespaced: true,
      versions: ['v1', 'v1beta1'],
      statusSubresource: true,
    });
    const w = api.create(scope('example.com', 'v1beta1', 'widgets', 'default'), {
      apiVersion: 'example.com/v1beta1',
      kind: 'Widget',
      metadata: { name: 'w' },
      spec: { size: 3 },
    });
    expect(w.apiVersion).toBe('example.com/v1beta1');
    expect(api.get(scope('example.com', 'v1', 'widgets', 'default'), 'w')).toMatchObject({
      apiVersion: 'example.com/v1',
      spec: { size: 3 },
    });
    expect(
      failure(() => api.patch(scope('example.com', 'v1', 'widgets', 'default'), 'w', 'strategic', {})).code,
    ).toBe(415);
    api.delete(crds(), 'widgets.example.com');
    expect(registry.find('example.com', 'v1', 'widgets')).toBeUndefined();
    expect(api.store.list('example.com/widgets')).toEqual([]);
  });

  it.each([
    {
      name: 'a name that is not plural.group',
      change: { metadata: { name: 'wrong.example.com' } },
      field: 'metadata.name',
    },
    {
      name: 'no storage version',
      change: { spec: { ...crd.spec, versions: [{ name: 'v1', served: true, storage: false }] } },
      field: 'spec.versions',
    },
    { name: 'a bad scope', change: { spec: { ...crd.spec, scope: 'Galaxy' } }, field: 'spec.scope' },
  ])('refuses a CRD with $name', ({ change, field }) => {
    const err = failure(() => api.create(crds(), { ...crd, ...change }));
    expect(err.code).toBe(422);
    expect(err.details?.causes?.map((c) => c.field)).toContain(field);
  });
});

describe('watch', () => {
  it('replays from a resourceVersion, then 410s once the history is compacted', () => {
    api.create(cms(), { metadata: { name: 'a' } });
    const from = String(api.store.resourceVersion);
    api.create(cms(), { metadata: { name: 'b' } });
    api.delete(cms(), 'a');
    const seen: WatchEvent[] = [];
    const stop = api.watch(cms(), { resourceVersion: from }, (e) => seen.push(e));
    stop();
    expect(seen.map((e) => `${e.type} ${(e.object.metadata as { name: string }).name}`)).toEqual([
      'ADDED b',
      'DELETED a',
    ]);
    api.store.compact();
    const err = failure(() => api.watch(cms(), { resourceVersion: from }, () => {}));
    expect([err.code, err.reason]).toEqual([410, 'Expired']);
    expect(err.message).toMatch(/^too old resource version: \d+ \(\d+\)$/);
  });

  it('history beyond historyLimit expires like a compaction', () => {
    const from = String(api.store.resourceVersion);
    for (let i = 0; i < 101; i++) api.create(cms(), { metadata: { name: `c${i}` } });
    expect(failure(() => api.watch(cms(), { resourceVersion: from }, () => {})).code).toBe(410);
  });

  it('without a resourceVersion starts with synthetic ADDED events for what exists', () => {
    api.create(cms(), { metadata: { name: 'a', labels: { k: 'v' } } });
    api.create(cms(), { metadata: { name: 'b' } });
    const seen: string[] = [];
    const stop = api.watch(cms(), { labelSelector: 'k=v' }, (e) =>
      seen.push(`${e.type} ${(e.object.metadata as { name: string }).name}`),
    );
    api.create(cms(), { metadata: { name: 'c', labels: { k: 'v' } } });
    stop();
    api.create(cms(), { metadata: { name: 'd', labels: { k: 'v' } } });
    expect(seen).toEqual(['ADDED a', 'ADDED c']);
  });
});

describe('apply and scopeFor (in-process helpers)', () => {
  it('creates, then replaces whole objects including their status', () => {
    api.apply([
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'web' } },
      {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: 'p', namespace: 'web' },
        spec: { nodeName: 'n1' },
        status: { podIP: '10.0.0.1' },
      },
    ]);
    const [updated] = api.apply([
      {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: 'p', namespace: 'web', labels: { a: 'b' } },
        spec: { nodeName: 'n2' },
        status: { podIP: '10.0.0.2' },
      },
    ]);
    expect(updated).toMatchObject({
      metadata: { labels: { a: 'b' }, generation: 2 },
      spec: { nodeName: 'n2' },
      status: { podIP: '10.0.0.2' },
    });
    expect(api.scopeFor('v1', 'pods', 'web').type.kind).toBe('Pod');
    expect(api.scopeFor('discovery.k8s.io/v1', 'EndpointSlice').namespace).toBe('default');
    expect(failure(() => api.scopeFor('example.com/v1', 'Widget')).code).toBe(404);
  });
});

describe('services', () => {
  it('an update without clusterIP keeps the allocated one', () => {
    const svcs = scope('', 'v1', 'services', 'default');
    const created = api.create(svcs, { metadata: { name: 's' }, spec: { ports: [{ port: 80 }] } });
    const replaced = api.update(svcs, 's', { metadata: { name: 's' }, spec: { ports: [{ port: 81 }] } });
    expect((replaced.spec as { clusterIP: string }).clusterIP).toBe(
      (created.spec as { clusterIP: string }).clusterIP,
    );
  });
});

describe('garbage collection by ownerReferences', () => {
  function owned(name: string, ...owners: KubeObjectLike[]): Record<string, unknown> {
    return {
      metadata: {
        name,
        ownerReferences: owners.map((o) => ({
          apiVersion: 'v1',
          kind: 'ConfigMap',
          name: o.metadata.name,
          uid: o.metadata.uid,
        })),
      },
    };
  }
  type KubeObjectLike = { metadata: { name?: string; uid?: string } };

  it('deletes dependents whose owners are all gone, transitively; keeps those with a live owner', () => {
    const a = api.create(cms(), { metadata: { name: 'a' } });
    const b = api.create(cms(), { metadata: { name: 'b' } });
    const child = api.create(cms(), owned('child', a));
    api.create(cms(), owned('grandchild', child));
    api.create(cms(), owned('shared', a, b));
    api.delete(cms(), 'a');
    expect(api.list(cms()).items.map((o) => o.metadata.name)).toEqual(['b', 'shared']);
    expect(
      (api.get(cms(), 'shared').metadata.ownerReferences as Array<{ name: string }>).map((r) => r.name),
    ).toEqual(['b']);
  });

  it('Orphan unlinks dependents instead of deleting them', () => {
    const a = api.create(cms(), { metadata: { name: 'a' } });
    api.create(cms(), owned('child', a));
    api.delete(cms(), 'a', { propagationPolicy: 'Orphan' });
    expect(api.get(cms(), 'child').metadata.ownerReferences).toBeUndefined();
  });
});

describe('defaulting', () => {
  it('gives ports of pods, Endpoints and EndpointSlices protocol TCP, on create and update', () => {
    const pod = api.create(pods(), {
      metadata: { name: 'p' },
      spec: {
        containers: [{ name: 'c', ports: [{ containerPort: 80 }, { containerPort: 53, protocol: 'UDP' }] }],
        initContainers: [{ name: 'i', ports: [{ containerPort: 1 }] }],
      },
    });
    expect(pod.spec).toMatchObject({
      containers: [{ ports: [{ protocol: 'TCP' }, { protocol: 'UDP' }] }],
      initContainers: [{ ports: [{ protocol: 'TCP' }] }],
    });
    const ep = api.create(scope('', 'v1', 'endpoints', 'default'), {
      metadata: { name: 'e' },
      subsets: [{ addresses: [{ ip: '10.0.0.1' }], ports: [{ port: 80 }] }],
    });
    expect(ep.subsets).toEqual([{ addresses: [{ ip: '10.0.0.1' }], ports: [{ port: 80, protocol: 'TCP' }] }]);
    const slices = scope('discovery.k8s.io', 'v1', 'endpointslices', 'default');
    api.create(slices, {
      metadata: { name: 's' },
      addressType: 'IPv4',
      endpoints: [],
      ports: [{ port: 80 }],
    });
    const updated = api.update(slices, 's', {
      metadata: { name: 's' },
      addressType: 'IPv4',
      endpoints: [],
      ports: [{ port: 81 }],
    });
    expect(updated.ports).toEqual([{ port: 81, protocol: 'TCP' }]);
  });
});

describe('list paging order', () => {
  it('pages through names with dots, dashes and digits in one consistent order', () => {
    const names = ['ab', 'a-b', 'a.b', 'a0', 'a', 'b'];
    for (const n of names) api.create(cms(), { metadata: { name: n } });
    const seen: string[] = [];
    let token: string | undefined;
    do {
      const page = api.list(cms(), { limit: 1, continue: token });
      seen.push(...page.items.map((o) => o.metadata.name as string));
      token = page.metadata.continue;
    } while (token);
    expect(seen).toEqual([...names].sort());
  });
});
