// Other ways client-node talks to the API server: the generic KubernetesObjectApi
// (discovery-driven, used for custom resources), CustomObjectsApi informers, server-side
// apply, and in-cluster configuration (service account token and CA files over TLS).
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CoreV1Api,
  CustomObjectsApi,
  KubeConfig,
  KubernetesObjectApi,
  PatchStrategy,
  makeInformer,
  type KubernetesObject,
} from '@kubernetes/client-node';
import { conformancePath, makeTempDir, makeTestCerts, waitFor, type TempDir } from '@argus/testkit';
import { runKubectl, startTestApiServer, type TestApiServer } from './index.ts';

let server: TestApiServer;
let kc: KubeConfig;

beforeAll(async () => {
  server = await startTestApiServer();
  kc = new KubeConfig();
  kc.loadFromFile(server.kubeconfigPath);
  const applied = await runKubectl(server.kubeconfigPath, [
    'apply',
    '--server-side',
    '-f',
    conformancePath('operator', 'crds', 'monitoring.coreos.com_servicemonitors.yaml'),
  ]);
  expect(applied.stderr).toBe('');
});

afterAll(async () => {
  await server?.stop();
});

interface ServiceMonitor extends KubernetesObject {
  spec: { endpoints: Array<{ port: string; interval?: string }> };
}

describe('KubernetesObjectApi on a custom resource', () => {
  it('creates, reads, patches (merge and server-side apply), lists and deletes', async () => {
    const client = KubernetesObjectApi.makeApiClient(kc);
    const sm: ServiceMonitor = {
      apiVersion: 'monitoring.coreos.com/v1',
      kind: 'ServiceMonitor',
      metadata: { name: 'api', namespace: 'default', labels: { team: 'a' } },
      spec: { endpoints: [{ port: 'web' }] },
    };
    await client.create(sm);
    const read = await client.read<ServiceMonitor>({
      apiVersion: sm.apiVersion,
      kind: sm.kind,
      metadata: { name: 'api', namespace: 'default' },
    });
    expect(read.spec.endpoints).toEqual([{ port: 'web' }]);
    await client.patch(
      {
        apiVersion: sm.apiVersion,
        kind: sm.kind,
        metadata: { name: 'api', namespace: 'default', labels: { team: 'b' } },
      },
      undefined,
      undefined,
      undefined,
      undefined,
      PatchStrategy.MergePatch,
    );
    await client.patch(
      { ...sm, spec: { endpoints: [{ port: 'web', interval: '5s' }] } },
      undefined,
      undefined,
      'argus-test',
      true,
      PatchStrategy.ServerSideApply,
    );
    const list = await client.list<ServiceMonitor>('monitoring.coreos.com/v1', 'ServiceMonitor', 'default');
    expect(list.items.map((i) => [i.metadata?.labels?.team, i.spec.endpoints[0].interval])).toEqual([
      ['a', '5s'],
    ]);
    await client.delete({
      apiVersion: sm.apiVersion,
      kind: sm.kind,
      metadata: { name: 'api', namespace: 'default' },
    });
    expect((await client.list('monitoring.coreos.com/v1', 'ServiceMonitor', 'default')).items).toEqual([]);
  });

  it('an informer over CustomObjectsApi sees custom resources come and go', async () => {
    const custom = kc.makeApiClient(CustomObjectsApi);
    const informer = makeInformer<ServiceMonitor>(kc, '/apis/monitoring.coreos.com/v1/servicemonitors', () =>
      custom.listClusterCustomObject({
        group: 'monitoring.coreos.com',
        version: 'v1',
        plural: 'servicemonitors',
      }),
    );
    const seen: string[] = [];
    informer.on('add', (o) => seen.push(`add ${o.metadata?.name}`));
    informer.on('delete', (o) => seen.push(`delete ${o.metadata?.name}`));
    await informer.start();
    try {
      await waitFor(() => server.openWatches() === 1);
      const body = {
        apiVersion: 'monitoring.coreos.com/v1',
        kind: 'ServiceMonitor',
        metadata: { name: 'x' },
        spec: { endpoints: [] },
      };
      await custom.createNamespacedCustomObject({
        group: 'monitoring.coreos.com',
        version: 'v1',
        namespace: 'default',
        plural: 'servicemonitors',
        body,
      });
      await custom.deleteNamespacedCustomObject({
        group: 'monitoring.coreos.com',
        version: 'v1',
        namespace: 'default',
        plural: 'servicemonitors',
        name: 'x',
      });
      await waitFor(() => seen.length === 2);
      expect(seen).toEqual(['add x', 'delete x']);
    } finally {
      await informer.stop();
    }
  });
});

describe('in-cluster configuration', () => {
  let dir: TempDir;
  beforeAll(async () => {
    dir = await makeTempDir('kube-incluster');
  });
  afterAll(async () => {
    await dir?.remove();
  });

  it('client-node loadFromCluster reaches an https server through service account files', async () => {
    const certs = makeTestCerts(dir.path);
    const secure = await startTestApiServer({
      token: 'sa-token',
      tls: {
        cert: readFileSync(dir.join(certs.serverCert), 'utf8'),
        key: readFileSync(dir.join(certs.serverKey), 'utf8'),
        ca: certs.caPem,
      },
    });
    const saved = { host: process.env.KUBERNETES_SERVICE_HOST, port: process.env.KUBERNETES_SERVICE_PORT };
    try {
      const { pathPrefix, env } = secure.writeServiceAccount(dir.join('pod'), { namespace: 'kube-system' });
      Object.assign(process.env, env);
      const inCluster = new KubeConfig();
      inCluster.loadFromCluster(pathPrefix);
      expect(inCluster.getContextObject(inCluster.getCurrentContext())?.namespace).toBe('kube-system');
      const list = await inCluster.makeApiClient(CoreV1Api).listNamespace();
      expect(list.items.map((n) => n.metadata?.name)).toContain('kube-system');
    } finally {
      process.env.KUBERNETES_SERVICE_HOST = saved.host;
      process.env.KUBERNETES_SERVICE_PORT = saved.port;
      if (saved.host === undefined) delete process.env.KUBERNETES_SERVICE_HOST;
      if (saved.port === undefined) delete process.env.KUBERNETES_SERVICE_PORT;
      await secure.stop();
    }
  });
});
