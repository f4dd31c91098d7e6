// Kubernetes SD against a real cluster: k3s in a container (testcontainers), where a Docker
// engine is reachable. The test API server suite (kubernetes-sd.test.ts) sets pod status and
// node objects by hand; a real cluster assigns those itself, so this suite applies objects a
// real API server keeps as written (a selector-less Service with hand-made Endpoints, an
// Ingress) and reads what the cluster decided (cluster IPs, the node, the EndpointSlice the
// mirroring controller makes) before comparing the upstream __meta_kubernetes_* labels.
// Without a Docker engine (as on the CI machines) the suite does not run; the rest of the
// Kubernetes SD behaviour is covered against the test API server either way.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getContainerRuntimeClient } from 'testcontainers';
import { K3sContainer } from '@testcontainers/k3s';
import type { StartedK3sContainer } from '@testcontainers/k3s';
import { runKubectl } from '@argus/kube';
import { makeTempDir, waitFor } from '@argus/testkit';
import type { TempDir } from '@argus/testkit';
import type { LabelSet, TargetGroup } from '../target-group.ts';
import type { KubernetesSdConfig } from './config.ts';
import { KubernetesSd } from './kubernetes-sd.ts';

const K3S_IMAGE = process.env.ARGUS_K3S_IMAGE ?? 'rancher/k3s:v1.31.2-k3s1';
const dockerReachable = await getContainerRuntimeClient().then(
  () => true,
  () => false,
);

const MANIFEST = `
apiVersion: v1
kind: Namespace
metadata: { name: sd }
---
apiVersion: v1
kind: Service
metadata:
  name: web
  namespace: sd
  labels: { app: web }
  annotations: { prometheus.io/scrape: 'true' }
spec:
  ports:
    - { name: http, port: 80, targetPort: 8080, protocol: TCP }
---
apiVersion: v1
kind: Endpoints
metadata:
  name: web
  namespace: sd
  labels: { app: web }
subsets:
  - addresses: [{ ip: 10.1.0.5 }]
    notReadyAddresses: [{ ip: 10.1.0.6, hostname: web-2 }]
    ports: [{ name: http, port: 8080, protocol: TCP }]
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: web
  namespace: sd
  labels: { app: web }
spec:
  tls: [{ hosts: [web.example.com] }]
  rules:
    - host: web.example.com
      http:
        paths:
          - path: /api
            pathType: Prefix
            backend: { service: { name: web, port: { number: 80 } } }
`;

describe.runIf(dockerReachable)('Kubernetes SD against k3s', () => {
  let k3s: StartedK3sContainer;
  let kubeconfig: string;
  let dir: TempDir | undefined;
  const running: KubernetesSd[] = [];

  async function kubectl(...args: string[]): Promise<string> {
    const res = await runKubectl(kubeconfig, args);
    if (res.code !== 0) throw new Error(`kubectl ${args.join(' ')}: ${res.stderr}`);
    return res.stdout;
  }

  async function discover(
    config: Partial<KubernetesSdConfig> & Pick<KubernetesSdConfig, 'role'>,
  ): Promise<{ groups: Map<string, TargetGroup>; targets(source: string): LabelSet[] }> {
    const groups = new Map<string, TargetGroup>();
    const sd = new KubernetesSd({
      config: { kubeconfig_file: kubeconfig, ...config },
      baseDir: '/',
      onUpdate: (gs) => {
        for (const g of gs) groups.set(g.source, g);
      },
      onError: () => undefined,
    });
    running.push(sd);
    await sd.start();
    return {
      groups,
      targets: (source) => {
        const g = groups.get(source);
        return g ? g.targets.map((t) => ({ ...g.labels, ...t })) : [];
      },
    };
  }

  beforeAll(async () => {
    k3s = await new K3sContainer(K3S_IMAGE).start();
    dir = await makeTempDir('k3s-sd');
    kubeconfig = join(dir.path, 'kubeconfig');
    writeFileSync(kubeconfig, k3s.getKubeConfig());
    const manifest = join(dir.path, 'objects.yaml');
    writeFileSync(manifest, MANIFEST);
    await waitFor(async () => (await runKubectl(kubeconfig, ['get', 'namespace', 'default'])).code === 0, {
      timeoutMs: 60_000,
    });
    await kubectl('apply', '-f', manifest);
  }, 180_000);

  afterAll(async () => {
    for (const sd of running) sd.stop();
    await k3s?.stop();
    await dir?.remove();
  });

  const serviceLabels: LabelSet = {
    __meta_kubernetes_namespace: 'sd',
    __meta_kubernetes_service_name: 'web',
    __meta_kubernetes_service_label_app: 'web',
    __meta_kubernetes_service_labelpresent_app: 'true',
    __meta_kubernetes_service_annotation_prometheus_io_scrape: 'true',
    __meta_kubernetes_service_annotationpresent_prometheus_io_scrape: 'true',
  };

  it('service: one target per port with the cluster IP the cluster assigned', async () => {
    const clusterIp = await kubectl('get', 'service', 'web', '-n', 'sd', '-o', 'jsonpath={.spec.clusterIP}');
    const d = await discover({ role: 'service', namespaces: { names: ['sd'] } });
    await waitFor(() => d.targets('svc/sd/web').length === 1);
    expect(d.targets('svc/sd/web')).toEqual([
      {
        ...serviceLabels,
        __address__: 'web.sd.svc:80',
        __meta_kubernetes_service_port_name: 'http',
        __meta_kubernetes_service_port_number: '80',
        __meta_kubernetes_service_port_protocol: 'TCP',
        __meta_kubernetes_service_type: 'ClusterIP',
        __meta_kubernetes_service_cluster_ip: clusterIp,
      },
    ]);
  });

  it('node: the node k3s registered, at its InternalIP and the kubelet port', async () => {
    const name = await kubectl('get', 'nodes', '-o', 'jsonpath={.items[0].metadata.name}');
    const ip = await kubectl(
      'get',
      'node',
      name,
      '-o',
      'jsonpath={.status.addresses[?(@.type=="InternalIP")].address}',
    );
    const d = await discover({ role: 'node' });
    await waitFor(() => d.targets(`node/${name}`).length === 1);
    expect(d.targets(`node/${name}`)[0]).toMatchObject({
      __address__: `${ip}:10250`,
      instance: name,
      __meta_kubernetes_node_name: name,
      __meta_kubernetes_node_label_kubernetes_io_hostname: name,
      __meta_kubernetes_node_labelpresent_kubernetes_io_hostname: 'true',
      __meta_kubernetes_node_address_InternalIP: ip,
    });
  });

  it('endpoints and the mirrored EndpointSlice: ready and not-ready addresses with the service labels', async () => {
    const eps = await discover({ role: 'endpoints', namespaces: { names: ['sd'] } });
    await waitFor(() => eps.targets('endpoints/sd/web').length === 2);
    const common = {
      ...serviceLabels,
      __meta_kubernetes_endpoints_name: 'web',
      __meta_kubernetes_endpoint_port_name: 'http',
      __meta_kubernetes_endpoint_port_protocol: 'TCP',
    };
    expect(eps.targets('endpoints/sd/web')).toEqual([
      expect.objectContaining({
        ...common,
        __address__: '10.1.0.5:8080',
        __meta_kubernetes_endpoint_ready: 'true',
      }),
      expect.objectContaining({
        ...common,
        __address__: '10.1.0.6:8080',
        __meta_kubernetes_endpoint_ready: 'false',
        __meta_kubernetes_endpoint_hostname: 'web-2',
      }),
    ]);

    // The endpoint-slice mirroring controller copies hand-made Endpoints into a slice.
    const slices = await discover({ role: 'endpointslice', namespaces: { names: ['sd'] } });
    const mirrored = (): LabelSet[] =>
      [...slices.groups.values()].flatMap((g) => g.targets.map((t) => ({ ...g.labels, ...t })));
    await waitFor(() => mirrored().length === 2, { timeoutMs: 30_000 });
    expect(
      mirrored().map((t) => [t.__address__, t.__meta_kubernetes_endpointslice_endpoint_conditions_ready]),
    ).toEqual([
      ['10.1.0.5:8080', 'true'],
      ['10.1.0.6:8080', 'false'],
    ]);
    expect(mirrored()[0]).toMatchObject({
      ...serviceLabels,
      __meta_kubernetes_endpointslice_address_type: 'IPv4',
      __meta_kubernetes_endpointslice_label_kubernetes_io_service_name: 'web',
      __meta_kubernetes_endpointslice_port: '8080',
      __meta_kubernetes_endpointslice_port_name: 'http',
      __meta_kubernetes_endpointslice_port_protocol: 'TCP',
    });
  });

  it('ingress: host, path and TLS scheme', async () => {
    const d = await discover({ role: 'ingress', namespaces: { names: ['sd'] } });
    await waitFor(() => d.targets('ingress/sd/web').length === 1);
    expect(d.targets('ingress/sd/web')[0]).toMatchObject({
      __address__: 'web.example.com',
      __meta_kubernetes_namespace: 'sd',
      __meta_kubernetes_ingress_name: 'web',
      __meta_kubernetes_ingress_label_app: 'web',
      __meta_kubernetes_ingress_host: 'web.example.com',
      __meta_kubernetes_ingress_path: '/api',
      __meta_kubernetes_ingress_scheme: 'https',
    });
  });

  it('a label change reaches the group and a delete empties it', async () => {
    const d = await discover({ role: 'service', namespaces: { names: ['sd'] } });
    await waitFor(() => d.targets('svc/sd/web').length === 1);
    await kubectl('label', 'service', 'web', '-n', 'sd', 'tier=front');
    await waitFor(() => d.groups.get('svc/sd/web')?.labels.__meta_kubernetes_service_label_tier === 'front');
    await kubectl('delete', 'service', 'web', '-n', 'sd');
    await waitFor(() => d.targets('svc/sd/web').length === 0);
  });
});
