// kubectl (the machine's, 1.32) against the test API server: apply, get, patch,
// create, delete and CRDs, the way people and the discovery tests use it.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { conformancePath, requireProgram } from '@argus/testkit';
import { runKubectl, startTestApiServer, type KubectlResult, type TestApiServer } from './index.ts';

const shopYaml = readFileSync(join(import.meta.dirname, 'testdata', 'shop.yaml'), 'utf8');

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- kubectl's JSON output, read by path and checked by value
type Json = any;

let server: TestApiServer;
let cacheRoot: string;
let calls = 0;

/** kubectl sharing one discovery cache, or (`fresh`) with a new one so CRDs just created are seen. */
function kubectl(args: string[], input?: string, fresh = false): Promise<KubectlResult> {
  return runKubectl(server.kubeconfigPath, args, {
    input,
    cacheDir: join(cacheRoot, fresh ? String(calls++) : 'shared'),
  });
}

async function ok(args: string[], input?: string, fresh = false): Promise<string> {
  const r = await kubectl(args, input, fresh);
  if (r.code !== 0) throw new Error(`kubectl ${args.join(' ')} exited ${r.code}: ${r.stderr}`);
  return r.stdout;
}

async function getJson(args: string[]): Promise<Json> {
  return JSON.parse(await ok(['get', ...args, '-o', 'json']));
}

function configMap(name: string): string {
  return JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name }, data: { k: 'v' } });
}

beforeAll(async () => {
  requireProgram('kubectl');
  server = await startTestApiServer();
  cacheRoot = mkdtempSync(join(tmpdir(), 'kubectl-test-'));
});

afterAll(async () => {
  await server?.stop();
  rmSync(cacheRoot, { recursive: true, force: true });
});

describe('kubectl against the test API server', () => {
  it('applies a namespace, node, pod, service, endpoints, endpointslice and ingress', async () => {
    const out = await ok(['apply', '-f', '-'], shopYaml);
    expect(out.trim().split('\n')).toEqual([
      'namespace/shop created',
      'node/node-1 created',
      'pod/web-0 created',
      'service/web created',
      'endpoints/web created',
      'endpointslice.discovery.k8s.io/web-abc12 created',
      'ingress.networking.k8s.io/web created',
    ]);
    const svc = await getJson(['-n', 'shop', 'service', 'web']);
    expect(svc.spec.clusterIP).toMatch(/^10\.96\.\d+\.\d+$/);
    expect(svc.spec.ports[0]).toMatchObject({ port: 80, targetPort: 8080, protocol: 'TCP' });
    expect(svc.metadata.uid).toMatch(/^[0-9a-f-]{36}$/);
    const slices = await getJson(['-n', 'shop', 'endpointslices', '-l', 'kubernetes.io/service-name=web']);
    expect(slices.items.map((s: Json) => s.metadata.name)).toEqual(['web-abc12']);
    expect(slices.items[0].endpoints[0].addresses).toEqual(['10.244.1.5']);
    const node = await getJson(['node', 'node-1']);
    expect(node.metadata.labels['kubernetes.io/hostname']).toBe('node-1');
    const ing = await getJson(['-n', 'shop', 'ing', 'web']);
    expect(ing.spec.rules[0].host).toBe('shop.example.com');
    const ns = await getJson(['ns', 'shop']);
    expect(ns.status.phase).toBe('Active');
    expect(ns.metadata.labels['kubernetes.io/metadata.name']).toBe('shop');
  });

  it('re-applies a changed file as a strategic merge patch that keeps unlisted containers merged by name', async () => {
    const changed = shopYaml
      .replace('image: nginx:1.27', 'image: nginx:1.28')
      .replace('    app: web\nspec:\n  nodeName', '    app: web\n    tier: front\nspec:\n  nodeName');
    const out = await ok(['apply', '-f', '-'], changed);
    expect(out).toContain('pod/web-0 configured');
    expect(out).toContain('service/web unchanged');
    const pod = await getJson(['-n', 'shop', 'pod', 'web-0']);
    expect(pod.spec.containers.map((c: Json) => [c.name, c.image])).toEqual([
      ['web', 'nginx:1.28'],
      ['sidecar', 'busybox:1.36'],
    ]);
    expect(pod.metadata.labels).toEqual({ app: 'web', tier: 'front' });
    expect(pod.metadata.generation).toBe(2);
  });

  it('lists with label and field selectors and prints tables', async () => {
    expect(await ok(['create', '-n', 'shop', '-f', '-'], configMap('a'))).toBe('configmap/a created\n');
    await ok(['label', 'configmap', 'a', '-n', 'shop', 'color=red']);
    await ok(['create', '-n', 'shop', '-f', '-'], configMap('b'));
    const red = await getJson(['-n', 'shop', 'cm', '-l', 'color=red']);
    expect(red.items.map((c: Json) => c.metadata.name)).toEqual(['a']);
    const byName = await getJson(['-A', 'cm', '--field-selector', 'metadata.name=b']);
    expect(byName.items.map((c: Json) => `${c.metadata.namespace}/${c.metadata.name}`)).toEqual(['shop/b']);
    const onNode = await getJson(['-A', 'pods', '--field-selector', 'spec.nodeName=node-1']);
    expect(onNode.items.map((p: Json) => p.metadata.name)).toEqual(['web-0']);
    const table = await ok(['get', '-n', 'shop', 'configmaps']);
    expect(table.split('\n')[0]).toMatch(/^NAME\s+DATA\s+AGE$/);
    expect(table).toMatch(/\na\s+1\s+\d+s\n/);
    const wide = (await ok(['get', '-n', 'shop', 'pods', '-o', 'wide'])).split('\n');
    expect(wide[0]).toMatch(/^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE\s+IP\s+NODE$/);
    expect(wide[1]).toMatch(/^web-0\s+0\/2\s+Pending\s+0\s+\d+s\s+<none>\s+node-1$/);
    const svc = (await ok(['get', '-n', 'shop', 'svc'])).split('\n');
    expect(svc[1]).toMatch(/^web\s+ClusterIP\s+10\.96\.\d+\.\d+\s+<none>\s+80\/TCP\s+\d+s$/);
    const chunked = await getJson(['-n', 'shop', 'cm', '--chunk-size=1']);
    expect(chunked.items.map((c: Json) => c.metadata.name)).toEqual(['a', 'b']);
  });

  it('patches with strategic, merge and JSON patches and through the status subresource', async () => {
    await ok(['patch', '-n', 'shop', 'pod', 'web-0', '-p', '{"metadata":{"labels":{"a":"1"}}}']);
    await ok([
      'patch',
      '-n',
      'shop',
      'pod',
      'web-0',
      '--type=merge',
      '-p',
      '{"metadata":{"labels":{"tier":null}}}',
    ]);
    await ok([
      'patch',
      '-n',
      'shop',
      'pod',
      'web-0',
      '--type=json',
      '-p',
      '[{"op":"add","path":"/metadata/labels/b","value":"2"}]',
    ]);
    await ok([
      'patch',
      '-n',
      'shop',
      'pod',
      'web-0',
      '--subresource=status',
      '--type=merge',
      '-p',
      '{"status":{"phase":"Running","podIP":"10.244.1.5"}}',
    ]);
    // A status change through the main resource is ignored, as upstream does.
    await ok(['patch', '-n', 'shop', 'pod', 'web-0', '--type=merge', '-p', '{"status":{"phase":"Failed"}}']);
    const pod = await getJson(['-n', 'shop', 'pod', 'web-0']);
    expect(pod.metadata.labels).toEqual({ app: 'web', a: '1', b: '2' });
    expect(pod.status).toMatchObject({ phase: 'Running', podIP: '10.244.1.5' });
    const bad = await kubectl([
      'patch',
      '-n',
      'shop',
      'pod',
      'web-0',
      '--type=json',
      '-p',
      '[{"op":"test","path":"/metadata/name","value":"other"}]',
    ]);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain('test operation failed');
  });

  it('reports NotFound, AlreadyExists and Invalid the way kubectl prints upstream errors', async () => {
    const missing = await kubectl(['get', '-n', 'shop', 'pod', 'nope']);
    expect(missing.code).toBe(1);
    expect(missing.stderr.trim()).toBe('Error from server (NotFound): pods "nope" not found');
    const dup = await kubectl(['create', '-n', 'shop', '-f', '-'], configMap('a'));
    expect(dup.stderr.trim()).toBe(
      'Error from server (AlreadyExists): error when creating "STDIN": configmaps "a" already exists',
    );
    const invalid = await kubectl(['create', '-n', 'shop', '-f', '-'], configMap('Bad_Name'));
    expect(invalid.stderr).toContain(
      'The ConfigMap "Bad_Name" is invalid: metadata.name: Invalid value: "Bad_Name"',
    );
    const noNs = await kubectl(['create', '-n', 'ghost', '-f', '-'], configMap('x'));
    expect(noNs.stderr.trim()).toBe(
      'Error from server (NotFound): error when creating "STDIN": namespaces "ghost" not found',
    );
  });

  it('creates CRDs, serves their custom resources and removes them with the CRD', async () => {
    for (const crd of [
      'monitoring.coreos.com_servicemonitors.yaml',
      'monitoring.coreos.com_prometheusrules.yaml',
    ]) {
      const out = await ok(['apply', '--server-side', '-f', conformancePath('operator', 'crds', crd)]);
      expect(out).toMatch(/customresourcedefinition.apiextensions.k8s.io\/\S+ serverside-applied/);
    }
    await ok([
      'wait',
      '--for=condition=Established',
      'crd/servicemonitors.monitoring.coreos.com',
      '--timeout=5s',
    ]);
    const sm = `apiVersion: monitoring.coreos.com/v1
kind: ServiceMonitor
metadata:
  name: web
  namespace: shop
spec:
  selector:
    matchLabels:
      app: web
  endpoints:
    - port: http
      interval: 15s
`;
    expect(await ok(['apply', '-f', '-'], sm, true)).toBe(
      'servicemonitor.monitoring.coreos.com/web created\n',
    );
    expect(await ok(['apply', '-f', '-'], sm.replace('15s', '30s'))).toBe(
      'servicemonitor.monitoring.coreos.com/web configured\n',
    );
    const got = await getJson(['-n', 'shop', 'smon', 'web']);
    expect(got.spec.endpoints[0].interval).toBe('30s');
    expect(got.apiVersion).toBe('monitoring.coreos.com/v1');
    const names = await ok(
      ['api-resources', '--api-group=monitoring.coreos.com', '-o', 'name'],
      undefined,
      true,
    );
    expect(names.trim().split('\n').sort()).toEqual([
      'prometheusrules.monitoring.coreos.com',
      'servicemonitors.monitoring.coreos.com',
    ]);
    await ok(['delete', 'crd', 'servicemonitors.monitoring.coreos.com']);
    const gone = await kubectl(['get', '-n', 'shop', 'servicemonitors'], undefined, true);
    expect(gone.code).not.toBe(0);
    expect(gone.stderr).toContain(`the server doesn't have a resource type "servicemonitors"`);
  });

  it('the create generators (protobuf bodies) make namespaces, configmaps, secrets and service accounts', async () => {
    expect(await ok(['create', 'namespace', 'gen'])).toBe('namespace/gen created\n');
    expect(
      await ok(['create', 'configmap', 'c', '-n', 'gen', '--from-literal=k=v', '--from-literal=x=y']),
    ).toBe('configmap/c created\n');
    expect(await ok(['create', 'secret', 'generic', 's', '-n', 'gen', '--from-literal=pw=hunter2'])).toBe(
      'secret/s created\n',
    );
    expect(await ok(['create', 'serviceaccount', 'robot', '-n', 'gen'])).toBe(
      'serviceaccount/robot created\n',
    );
    expect((await getJson(['-n', 'gen', 'cm', 'c'])).data).toEqual({ k: 'v', x: 'y' });
    const secret = await getJson(['-n', 'gen', 'secret', 's']);
    expect([secret.type, Buffer.from(secret.data.pw, 'base64').toString()]).toEqual(['Opaque', 'hunter2']);
    expect((await getJson(['-n', 'gen', 'sa', 'robot'])).metadata.name).toBe('robot');
    const unsupported = await kubectl([
      'create',
      'service',
      'clusterip',
      'svc',
      '-n',
      'gen',
      '--tcp=80:8080',
    ]);
    expect(unsupported.code).not.toBe(0);
    expect(unsupported.stderr).toContain('v1/Service is not one of');
  });

  it('deletes objects, and a namespace together with its contents', async () => {
    expect(await ok(['delete', '-n', 'shop', 'pod', 'web-0'])).toBe('pod "web-0" deleted\n');
    expect((await kubectl(['get', '-n', 'shop', 'pod', 'web-0'])).code).toBe(1);
    expect(await ok(['delete', 'namespace', 'shop'])).toBe('namespace "shop" deleted\n');
    const left = await getJson(['-A', 'services']);
    expect(left.items.filter((s: Json) => s.metadata.namespace === 'shop')).toEqual([]);
    expect((await getJson(['-A', 'endpointslices'])).items).toEqual([]);
    expect((await getJson(['nodes'])).items.map((n: Json) => n.metadata.name)).toEqual(['node-1']);
  });
});
