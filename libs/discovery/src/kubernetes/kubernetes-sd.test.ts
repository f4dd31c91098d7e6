// Kubernetes SD against the test API server: objects created with kubectl give each
// role's upstream __meta_kubernetes_* labels (full label sets per target), and updates,
// deletes and a 410 Gone re-list reach the groups.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runKubectl, startTestApiServer } from '@argus/kube';
import type { KubeObject, TestApiServer } from '@argus/kube';
import { makeTempDir, makeTestCerts, waitFor } from '@argus/testkit';
import type { LabelSet, TargetGroup } from '../target-group.ts';
import type { KubernetesSdConfig } from './config.ts';
import { KubernetesSd } from './kubernetes-sd.ts';

const CLUSTER = fileURLToPath(new URL('./testdata/cluster.yaml', import.meta.url));

let server: TestApiServer;
let podUid: string;
const running: KubernetesSd[] = [];

async function kubectl(...args: string[]): Promise<string> {
  const res = await runKubectl(server.kubeconfigPath, args);
  if (res.code !== 0) throw new Error(`kubectl ${args.join(' ')}: ${res.stderr}`);
  return res.stdout;
}

interface Discovered {
  readonly groups: Map<string, TargetGroup>;
  readonly errors: string[];
  /** Each target's labels with its group's labels under them, as the scraper sees them. */
  targets(source: string): LabelSet[];
}

async function discover(
  config: Partial<KubernetesSdConfig> & Pick<KubernetesSdConfig, 'role'>,
): Promise<Discovered> {
  const groups = new Map<string, TargetGroup>();
  const errors: string[] = [];
  const sd = new KubernetesSd({
    config: { kubeconfig_file: server.kubeconfigPath, ...config },
    baseDir: '/',
    onUpdate: (gs) => {
      for (const g of gs) groups.set(g.source, g);
    },
    onError: (m) => errors.push(m),
  });
  running.push(sd);
  await sd.start();
  return {
    groups,
    errors,
    targets: (source) => {
      const g = groups.get(source);
      return g ? g.targets.map((t) => ({ ...g.labels, ...t })) : [];
    },
  };
}

beforeAll(async () => {
  server = await startTestApiServer({ bookmarkIntervalMs: 200 });
  await kubectl('create', '-f', CLUSTER);
  podUid = await kubectl('get', 'pod', 'web-1', '-o', 'jsonpath={.metadata.uid}');
});

afterAll(async () => {
  for (const sd of running) sd.stop();
  await server?.stop();
});

/** podLabels(web-1) as upstream computes them. */
function webPodLabels(): LabelSet {
  return {
    __meta_kubernetes_pod_name: 'web-1',
    __meta_kubernetes_pod_ip: '10.1.0.5',
    __meta_kubernetes_pod_ipv4: '10.1.0.5',
    __meta_kubernetes_pod_ready: 'true',
    __meta_kubernetes_pod_phase: 'Running',
    __meta_kubernetes_pod_node_name: 'n1',
    __meta_kubernetes_pod_host_ip: '192.168.0.10',
    __meta_kubernetes_pod_uid: podUid,
    __meta_kubernetes_pod_label_app: 'web',
    __meta_kubernetes_pod_labelpresent_app: 'true',
    __meta_kubernetes_pod_label_app_kubernetes_io_name: 'web',
    __meta_kubernetes_pod_labelpresent_app_kubernetes_io_name: 'true',
    __meta_kubernetes_pod_annotation_prometheus_io_scrape: 'true',
    __meta_kubernetes_pod_annotationpresent_prometheus_io_scrape: 'true',
    __meta_kubernetes_pod_controller_kind: 'ReplicaSet',
    __meta_kubernetes_pod_controller_name: 'web-abc',
  };
}

const webServiceLabels: LabelSet = {
  __meta_kubernetes_namespace: 'default',
  __meta_kubernetes_service_name: 'web',
  __meta_kubernetes_service_label_app: 'web',
  __meta_kubernetes_service_labelpresent_app: 'true',
  __meta_kubernetes_service_annotation_prometheus_io_scrape: 'true',
  __meta_kubernetes_service_annotationpresent_prometheus_io_scrape: 'true',
};

const appHttp: LabelSet = {
  __meta_kubernetes_pod_container_name: 'app',
  __meta_kubernetes_pod_container_image: 'app:1',
  __meta_kubernetes_pod_container_port_name: 'http',
  __meta_kubernetes_pod_container_port_number: '8080',
  __meta_kubernetes_pod_container_port_protocol: 'TCP',
  __meta_kubernetes_pod_container_init: 'false',
};

describe('roles', () => {
  it('pod: one target per container port, one per container without ports, init containers last', async () => {
    const d = await discover({ role: 'pod' });
    const pod = { ...webPodLabels(), __meta_kubernetes_namespace: 'default' };
    const container = (name: string, image: string, id: string, init: boolean): LabelSet => ({
      __meta_kubernetes_pod_container_name: name,
      __meta_kubernetes_pod_container_image: image,
      __meta_kubernetes_pod_container_id: id,
      __meta_kubernetes_pod_container_init: String(init),
    });
    expect(d.targets('pod/default/web-1')).toEqual([
      {
        ...pod,
        ...container('app', 'app:1', 'containerd://abc', false),
        __address__: '10.1.0.5:8080',
        __meta_kubernetes_pod_container_port_name: 'http',
        __meta_kubernetes_pod_container_port_number: '8080',
        __meta_kubernetes_pod_container_port_protocol: 'TCP',
      },
      {
        ...pod,
        ...container('app', 'app:1', 'containerd://abc', false),
        __address__: '10.1.0.5:9090',
        __meta_kubernetes_pod_container_port_name: 'admin',
        __meta_kubernetes_pod_container_port_number: '9090',
        __meta_kubernetes_pod_container_port_protocol: 'TCP',
      },
      { ...pod, ...container('sidecar', 'side:2', '', false), __address__: '10.1.0.5' },
      { ...pod, ...container('init', 'busybox:1', '', true), __address__: '10.1.0.5' },
    ]);
  });

  it('service: one target per port at <name>.<namespace>.svc', async () => {
    const d = await discover({ role: 'service' });
    expect(d.targets('svc/default/web')).toEqual([
      {
        ...webServiceLabels,
        __address__: 'web.default.svc:80',
        __meta_kubernetes_service_port_name: 'http',
        __meta_kubernetes_service_port_number: '80',
        __meta_kubernetes_service_port_protocol: 'TCP',
        __meta_kubernetes_service_type: 'ClusterIP',
        __meta_kubernetes_service_cluster_ip: '10.96.0.20',
      },
    ]);
  });

  it('node: the InternalIP and kubelet port, instance = node name', async () => {
    const d = await discover({ role: 'node' });
    expect(d.targets('node/n1')).toEqual([
      {
        __address__: '192.168.0.10:10250',
        instance: 'n1',
        __meta_kubernetes_node_name: 'n1',
        __meta_kubernetes_node_provider_id: 'kind://docker/kind/n1',
        __meta_kubernetes_node_label_kubernetes_io_hostname: 'n1',
        __meta_kubernetes_node_labelpresent_kubernetes_io_hostname: 'true',
        __meta_kubernetes_node_label_topology_kubernetes_io_zone: 'z1',
        __meta_kubernetes_node_labelpresent_topology_kubernetes_io_zone: 'true',
        __meta_kubernetes_node_annotation_node_alpha_kubernetes_io_ttl: '0',
        __meta_kubernetes_node_annotationpresent_node_alpha_kubernetes_io_ttl: 'true',
        __meta_kubernetes_node_address_InternalIP: '192.168.0.10',
        __meta_kubernetes_node_address_Hostname: 'n1',
      },
    ]);
  });

  it('endpoints: ready and not-ready addresses, service and pod labels, uncovered container ports', async () => {
    const d = await discover({ role: 'endpoints' });
    const group: LabelSet = {
      ...webServiceLabels,
      __meta_kubernetes_endpoints_name: 'web',
      __meta_kubernetes_endpoints_label_app: 'web',
      __meta_kubernetes_endpoints_labelpresent_app: 'true',
    };
    expect(d.targets('endpoints/default/web')).toEqual([
      {
        ...group,
        ...webPodLabels(),
        ...appHttp,
        __address__: '10.1.0.5:8080',
        __meta_kubernetes_endpoint_port_name: 'http',
        __meta_kubernetes_endpoint_port_protocol: 'TCP',
        __meta_kubernetes_endpoint_ready: 'true',
        __meta_kubernetes_endpoint_address_target_kind: 'Pod',
        __meta_kubernetes_endpoint_address_target_name: 'web-1',
        __meta_kubernetes_endpoint_node_name: 'n1',
      },
      {
        ...group,
        __address__: '10.1.0.6:8080',
        __meta_kubernetes_endpoint_port_name: 'http',
        __meta_kubernetes_endpoint_port_protocol: 'TCP',
        __meta_kubernetes_endpoint_ready: 'false',
        __meta_kubernetes_endpoint_hostname: 'web-2',
      },
      {
        ...group,
        ...webPodLabels(),
        __address__: '10.1.0.5:9090',
        __meta_kubernetes_pod_container_name: 'app',
        __meta_kubernetes_pod_container_image: 'app:1',
        __meta_kubernetes_pod_container_port_name: 'admin',
        __meta_kubernetes_pod_container_port_number: '9090',
        __meta_kubernetes_pod_container_port_protocol: 'TCP',
        __meta_kubernetes_pod_container_init: 'false',
      },
    ]);
  });

  it('endpointslice: port, conditions, zone, node, service by kubernetes.io/service-name, pod labels', async () => {
    const d = await discover({ role: 'endpointslice' });
    const group: LabelSet = {
      ...webServiceLabels,
      __meta_kubernetes_endpointslice_name: 'web-abcde',
      __meta_kubernetes_endpointslice_address_type: 'IPv4',
      __meta_kubernetes_endpointslice_label_kubernetes_io_service_name: 'web',
      __meta_kubernetes_endpointslice_labelpresent_kubernetes_io_service_name: 'true',
    };
    const targets = d.targets('endpointslice/default/web-abcde');
    expect(targets).toEqual([
      {
        ...group,
        ...webPodLabels(),
        ...appHttp,
        __address__: '10.1.0.5:8080',
        __meta_kubernetes_endpointslice_port: '8080',
        __meta_kubernetes_endpointslice_port_name: 'http',
        __meta_kubernetes_endpointslice_port_protocol: 'TCP',
        __meta_kubernetes_endpointslice_port_app_protocol: 'http',
        __meta_kubernetes_endpointslice_endpoint_conditions_ready: 'true',
        __meta_kubernetes_endpointslice_endpoint_conditions_serving: 'true',
        __meta_kubernetes_endpointslice_endpoint_conditions_terminating: 'false',
        __meta_kubernetes_endpointslice_endpoint_node_name: 'n1',
        __meta_kubernetes_endpointslice_endpoint_zone: 'z1',
        __meta_kubernetes_endpointslice_address_target_kind: 'Pod',
        __meta_kubernetes_endpointslice_address_target_name: 'web-1',
      },
      expect.objectContaining({
        __address__: '10.1.0.5:9090',
        __meta_kubernetes_pod_container_port_name: 'admin',
      }),
    ]);
  });

  it('ingress: one target per rule and path, https for hosts a TLS wildcard covers', async () => {
    const d = await discover({ role: 'ingress' });
    const group: LabelSet = {
      __meta_kubernetes_namespace: 'default',
      __meta_kubernetes_ingress_name: 'web',
      __meta_kubernetes_ingress_class_name: 'nginx',
      __meta_kubernetes_ingress_label_app: 'web',
      __meta_kubernetes_ingress_labelpresent_app: 'true',
    };
    expect(d.targets('ingress/default/web')).toEqual([
      {
        ...group,
        __address__: 'web.example.com',
        __meta_kubernetes_ingress_host: 'web.example.com',
        __meta_kubernetes_ingress_path: '/api',
        __meta_kubernetes_ingress_scheme: 'https',
      },
      {
        ...group,
        __address__: 'other.example.org',
        __meta_kubernetes_ingress_host: 'other.example.org',
        __meta_kubernetes_ingress_path: '/',
        __meta_kubernetes_ingress_scheme: 'http',
      },
    ]);
  });

  it('attach_metadata adds the node and namespace labels', async () => {
    const d = await discover({ role: 'pod', attach_metadata: { node: true, namespace: true } });
    const [first] = d.targets('pod/default/web-1');
    expect(first).toMatchObject({
      __meta_kubernetes_node_name: 'n1',
      __meta_kubernetes_node_label_topology_kubernetes_io_zone: 'z1',
      __meta_kubernetes_namespace_label_kubernetes_io_metadata_name: 'default',
      __meta_kubernetes_namespace_labelpresent_kubernetes_io_metadata_name: 'true',
    });
    expect(first).not.toHaveProperty('__meta_kubernetes_node_provider_id');

    // A node change rebuilds the pods on it.
    await kubectl('label', 'node', 'n1', 'pool=blue');
    await waitFor(() => d.targets('pod/default/web-1')[0]?.__meta_kubernetes_node_label_pool === 'blue');
    await kubectl('label', 'node', 'n1', 'pool-');
  });

  it('attach_metadata.node on endpoints and endpointslice targets follows the endpoint node', async () => {
    const eps = await discover({ role: 'endpoints', attach_metadata: { node: true } });
    const [onNode, noNode] = eps.targets('endpoints/default/web');
    expect(onNode).toMatchObject({ __address__: '10.1.0.5:8080', __meta_kubernetes_node_name: 'n1' });
    expect(noNode).toMatchObject({ __address__: '10.1.0.6:8080' });
    expect(noNode).not.toHaveProperty('__meta_kubernetes_node_name');
    const slices = await discover({ role: 'endpointslice', attach_metadata: { node: true } });
    expect(slices.targets('endpointslice/default/web-abcde')[0]).toMatchObject({
      __meta_kubernetes_node_name: 'n1',
      __meta_kubernetes_node_label_kubernetes_io_hostname: 'n1',
    });
  });
});

describe('filters', () => {
  it('namespaces.names and selectors limit what is listed', async () => {
    const other = await discover({ role: 'pod', namespaces: { names: ['kube-system'] } });
    expect([...other.groups.keys()]).toEqual([]);
    const byLabel = await discover({
      role: 'service',
      selectors: [{ role: 'service', label: 'app=nothing' }],
    });
    expect([...byLabel.groups.keys()]).toEqual([]);
    const byField = await discover({ role: 'pod', selectors: [{ role: 'pod', field: 'spec.nodeName=n1' }] });
    expect([...byField.groups.keys()]).toEqual(['pod/default/web-1']);
  });
});

describe('changes', () => {
  it('a label change updates the group, a delete empties it, a re-list after 410 Gone catches up', async () => {
    await kubectl('run', 'tmp', '--image=tmp:1', '--port=7070', '--labels=app=tmp');
    // No scheduler: give the pod its IP as the kubelet would.
    await kubectl(
      'patch',
      'pod',
      'tmp',
      '--subresource=status',
      '--type=merge',
      '-p',
      '{"status":{"podIP":"10.1.0.9"}}',
    );
    const d = await discover({ role: 'pod' });
    expect(d.targets('pod/default/tmp')[0]).toMatchObject({
      __address__: '10.1.0.9:7070',
      __meta_kubernetes_pod_label_app: 'tmp',
    });

    await kubectl('label', 'pod', 'tmp', 'app=tmp2', '--overwrite');
    await waitFor(() => d.groups.get('pod/default/tmp')?.labels.__meta_kubernetes_pod_label_app === 'tmp2');

    // The watch history is gone and every watch is cut: the informer must list again.
    server.store.compact();
    server.closeWatches();
    await kubectl('label', 'pod', 'tmp', 'app=tmp3', '--overwrite');
    await waitFor(() => d.groups.get('pod/default/tmp')?.labels.__meta_kubernetes_pod_label_app === 'tmp3');

    await kubectl('delete', 'pod', 'tmp');
    await waitFor(() => d.groups.get('pod/default/tmp')?.targets.length === 0);
    expect(d.groups.get('pod/default/tmp')).toEqual({ source: 'pod/default/tmp', targets: [], labels: {} });
    expect(d.errors).toEqual([]);
  });

  it('a service change rebuilds its endpoints group', async () => {
    const d = await discover({ role: 'endpoints' });
    await kubectl('label', 'service', 'web', 'tier=front');
    await waitFor(
      () => d.groups.get('endpoints/default/web')?.labels.__meta_kubernetes_service_label_tier === 'front',
    );
    await kubectl('label', 'service', 'web', 'tier-');
    await waitFor(
      () => d.groups.get('endpoints/default/web')?.labels.__meta_kubernetes_service_label_tier === undefined,
    );
  });
});

describe('https with a token: in-cluster and api_server', () => {
  let dir: Awaited<ReturnType<typeof makeTempDir>>;
  let secure: TestApiServer;
  let caPem: string;

  beforeAll(async () => {
    dir = await makeTempDir('k8s-sd-https');
    const certs = makeTestCerts(dir.path);
    caPem = certs.caPem;
    secure = await startTestApiServer({
      token: 'sa-token',
      tls: {
        cert: readFileSync(dir.join(certs.serverCert), 'utf8'),
        key: readFileSync(dir.join(certs.serverKey), 'utf8'),
        ca: certs.caPem,
      },
      namespaces: ['default', 'monitoring'],
    });
    const pod = (name: string, namespace: string, ip: string): KubeObject => ({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name, namespace },
      spec: { containers: [{ name: 'c', image: 'i' }] },
      status: { podIP: ip },
    });
    secure.api.apply([pod('mine', 'monitoring', '10.2.0.1'), pod('theirs', 'default', '10.2.0.2')]);
  });

  afterAll(async () => {
    await secure?.stop();
    await dir?.remove();
  });

  async function sources(
    config: KubernetesSdConfig,
    inCluster?: { pathPrefix: string; env: Record<string, string> },
  ) {
    const groups = new Map<string, TargetGroup>();
    const errors: string[] = [];
    const sd = new KubernetesSd({
      config,
      baseDir: dir.path,
      inCluster,
      syncTimeoutMs: 1_500,
      onUpdate: (gs) => gs.forEach((g) => groups.set(g.source, g)),
      onError: (m) => errors.push(m),
    });
    running.push(sd);
    await sd.start();
    return { sources: [...groups.keys()].sort(), errors };
  }

  it('in-cluster: the service account token and CA, own_namespace from its namespace file', async () => {
    const sa = secure.writeServiceAccount(dir.path, { namespace: 'monitoring' });
    const got = await sources({ role: 'pod', namespaces: { own_namespace: true } }, sa);
    expect(got).toEqual({ sources: ['pod/monitoring/mine'], errors: [] });
  });

  it('api_server with bearer_token and tls_config.ca', async () => {
    const config: KubernetesSdConfig = {
      role: 'pod',
      api_server: secure.url,
      bearer_token: 'sa-token',
      tls_config: { ca: caPem },
    };
    expect(await sources(config)).toEqual({
      sources: ['pod/default/theirs', 'pod/monitoring/mine'],
      errors: [],
    });
  });

  it('api_server with a wrong token: the 401 is reported, no groups', async () => {
    const got = await sources({
      role: 'pod',
      api_server: secure.url,
      bearer_token: 'wrong',
      tls_config: { ca: caPem },
    });
    expect(got.sources).toEqual([]);
    expect(got.errors[0]).toMatch(/Pod list\/watch: .*401/);
    expect(got.errors.join('\n')).not.toContain('wrong');
  });

  it('without KUBERNETES_SERVICE_HOST the error says so', async () => {
    const sd = new KubernetesSd({
      config: { role: 'pod' },
      baseDir: '/',
      inCluster: { env: {} },
      onUpdate: () => undefined,
    });
    await expect(sd.start()).rejects.toThrow(
      /KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT must be defined/,
    );
  });
});
