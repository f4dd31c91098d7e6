import type {
  KubernetesObject,
  V1Endpoints,
  V1EndpointSlice,
  V1Ingress,
  V1Namespace,
  V1Node,
  V1Pod,
  V1Service,
} from '@kubernetes/client-node';
import type { LabelSet, TargetGroup } from '../target-group.ts';
import type { KubernetesRole, KubernetesSdConfig } from './config.ts';
import { buildEndpointSliceGroup, endpointSliceSource, SERVICE_NAME_LABEL } from './endpointslice-role.ts';
import { buildEndpointsGroup, endpointsSource } from './endpoints-role.ts';
import type { EndpointLookups } from './endpoints-role.ts';
import { buildIngressGroup, ingressSource } from './ingress-role.ts';
import { Informer, objectKey } from './informer.ts';
import { kubeClientSettings } from './kube-config.ts';
import type { InClusterOptions } from './kube-config.ts';
import { addLabelsAndAnnotations } from './meta-labels.ts';
import type { MetadataLookups } from './meta-labels.ts';
import { buildNodeGroup, nodeMetaLabels, nodeSource } from './node-role.ts';
import { buildPodGroup, podSource } from './pod-role.ts';
import { RESOURCES } from './resources.ts';
import type { ResourceName, Selectors } from './resources.ts';
import { buildServiceGroup, serviceSource } from './service-role.ts';

export interface KubernetesSdOptions {
  readonly config: KubernetesSdConfig;
  /** Directory relative file paths (`kubeconfig_file`, TLS and token files) resolve against. */
  readonly baseDir: string;
  /** Changed groups: a rebuilt group per changed object, an empty group per deleted one. */
  readonly onUpdate: (groups: TargetGroup[]) => void;
  readonly onError?: (message: string) => void;
  readonly inCluster?: InClusterOptions;
  /** How long {@link KubernetesSd.start} waits for the first lists before going on without them (default 10 s). */
  readonly syncTimeoutMs?: number;
}

/** The resource whose objects become the role's groups. */
const PRIMARY: Record<KubernetesRole, ResourceName> = {
  node: 'nodes',
  pod: 'pods',
  service: 'services',
  endpoints: 'endpoints',
  endpointslice: 'endpointslices',
  ingress: 'ingresses',
};

const SOURCE: Record<KubernetesRole, (namespace: string | undefined, name: string) => string> = {
  node: (_ns, name) => nodeSource(name),
  pod: podSource,
  service: serviceSource,
  endpoints: endpointsSource,
  endpointslice: endpointSliceSource,
  ingress: ingressSource,
};

/** The informers of one namespace ('' = all namespaces). */
interface NamespaceInformers {
  readonly primary: Informer;
  readonly services?: Informer<V1Service>;
  readonly pods?: Informer<V1Pod>;
}

/**
 * Kubernetes service discovery for one `kubernetes_sd_configs` entry, as upstream: the
 * role's objects (in each configured namespace, or all) are listed and watched through
 * client-node informers, with the services and pods that endpoints and endpointslice
 * targets include, and nodes and namespaces for `attach_metadata`. After the first lists,
 * every object gives one group (source `pod/<ns>/<name>`, `svc/…`, `endpoints/…`,
 * `endpointslice/…`, `ingress/…`, `node/<name>`); each later change rebuilds the groups
 * it affects, a deleted object gives an empty group.
 */
export class KubernetesSd {
  readonly #o: KubernetesSdOptions;
  readonly #role: KubernetesRole;
  readonly #byNamespace = new Map<string, NamespaceInformers>();
  readonly #all: Informer[] = [];
  #nodes: Informer<V1Node> | undefined;
  #namespaces: Informer<V1Namespace> | undefined;
  /** Keys (`namespace/name`) of primary objects to rebuild at the next flush. */
  readonly #queue = new Set<string>();
  #flushScheduled = false;
  #running = false;
  #stopped = false;

  constructor(options: KubernetesSdOptions) {
    this.#o = options;
    this.#role = options.config.role;
  }

  /**
   * Builds the client (a bad kubeconfig or missing in-cluster files throw here), starts the
   * informers and reports the initial groups once all have listed, or after the sync timeout
   * (failing lists are retried in the background and their groups come later).
   */
  async start(): Promise<void> {
    const c = this.#o.config;
    const { kc, ownNamespace } = kubeClientSettings(c, this.#o.baseDir, this.#o.inCluster);
    const selectors = new Map<string, Selectors>((c.selectors ?? []).map((s) => [s.role, s]));
    const sel = (role: KubernetesRole): Selectors => selectors.get(role) ?? {};
    const onError = (message: string): void => this.#o.onError?.(message);
    const make = <T extends KubernetesObject>(name: ResourceName, ns: string, s: Selectors): Informer<T> => {
      const inf = new Informer<T>(kc, RESOURCES[name], ns, s, onError);
      this.#all.push(inf as unknown as Informer);
      return inf;
    };
    const role = this.#role;
    const attach = c.attach_metadata ?? {};
    const withNodes =
      attach.node === true && (role === 'pod' || role === 'endpoints' || role === 'endpointslice');
    if (role === 'node' || withNodes) this.#nodes = make<V1Node>('nodes', '', sel('node'));
    if (attach.namespace === true && role !== 'node')
      this.#namespaces = make<V1Namespace>('namespaces', '', {});
    if (role !== 'node') {
      const names = [...(c.namespaces?.names ?? [])];
      if (ownNamespace !== undefined) names.push(ownNamespace);
      const namespaces = names.length === 0 ? [''] : [...new Set(names)];
      for (const ns of namespaces) {
        const withRefs = role === 'endpoints' || role === 'endpointslice';
        this.#byNamespace.set(ns, {
          primary: make(PRIMARY[role], ns, sel(role)),
          services: withRefs ? make<V1Service>('services', ns, sel('service')) : undefined,
          pods: withRefs ? make<V1Pod>('pods', ns, sel('pod')) : undefined,
        });
      }
    }
    this.#wire();
    const synced = Promise.all(this.#all.map((i) => i.start()));
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, this.#o.syncTimeoutMs ?? 10_000);
    });
    await Promise.race([synced, timeout]);
    clearTimeout(timer);
    if (this.#stopped) return;
    this.#running = true;
    // Everything listed so far becomes the initial groups; informers still syncing add theirs later.
    for (const inf of this.#primaries()) for (const obj of inf.list()) this.#queue.add(objectKey(obj));
    this.#flush();
    void synced.then(() => this.#schedule());
  }

  stop(): void {
    this.#stopped = true;
    for (const inf of this.#all) inf.stop();
  }

  *#primaries(): Iterable<Informer> {
    if (this.#role === 'node') {
      if (this.#nodes) yield this.#nodes as unknown as Informer;
      return;
    }
    for (const n of this.#byNamespace.values()) yield n.primary;
  }

  #wire(): void {
    for (const inf of this.#primaries()) inf.onChange((_e, obj) => this.#enqueue(objectKey(obj)));
    for (const n of this.#byNamespace.values()) {
      // A service change rebuilds the endpoints of the same name / the slices naming it.
      n.services?.onChange((_e, svc) => {
        const { namespace, name } = svc.metadata ?? {};
        for (const obj of n.primary.list()) {
          const m = obj.metadata;
          if (m?.namespace !== namespace) continue;
          const owner = this.#role === 'endpoints' ? m?.name : m?.labels?.[SERVICE_NAME_LABEL];
          if (owner === name) this.#enqueue(objectKey(obj));
        }
      });
    }
    if (this.#nodes && this.#role !== 'node') {
      this.#nodes.onChange((_e, node) => {
        const name = node.metadata?.name;
        for (const inf of this.#primaries())
          for (const obj of inf.list())
            if (nodeNames(this.#role, obj).includes(name ?? '')) this.#enqueue(objectKey(obj));
      });
    }
    this.#namespaces?.onChange((event, ns) => {
      if (event !== 'update') return; // objects of a new or deleted namespace have their own events
      for (const inf of this.#primaries())
        for (const obj of inf.list())
          if (obj.metadata?.namespace === ns.metadata?.name) this.#enqueue(objectKey(obj));
    });
  }

  #enqueue(key: string): void {
    this.#queue.add(key);
    this.#schedule();
  }

  #schedule(): void {
    if (!this.#running || this.#flushScheduled || this.#stopped) return;
    this.#flushScheduled = true;
    setImmediate(() => {
      this.#flushScheduled = false;
      this.#flush();
    });
  }

  #flush(): void {
    if (this.#stopped || this.#queue.size === 0) return;
    const groups: TargetGroup[] = [];
    for (const key of this.#queue) {
      const slash = key.indexOf('/');
      const namespace = slash < 0 ? undefined : key.slice(0, slash);
      const name = slash < 0 ? key : key.slice(slash + 1);
      const group = this.#build(namespace, name);
      if (group) groups.push(group);
    }
    this.#queue.clear();
    if (groups.length > 0) this.#o.onUpdate(groups);
  }

  /** The group of one primary object, empty when it is gone; undefined for a node without address. */
  #build(namespace: string | undefined, name: string): TargetGroup | undefined {
    const role = this.#role;
    const empty: TargetGroup = { source: SOURCE[role](namespace, name), targets: [], labels: {} };
    if (role === 'node') {
      const node = this.#nodes?.get(undefined, name);
      return node ? buildNodeGroup(node) : empty;
    }
    const informers = this.#byNamespace.get(namespace ?? '') ?? this.#byNamespace.get('');
    const obj = informers?.primary.get(namespace, name);
    if (!informers || !obj) return empty;
    const lookups: EndpointLookups = {
      ...this.#metadataLookups(),
      service: (ns, n) => informers.services?.get(ns, n),
      pod: (ns, n) => informers.pods?.get(ns, n),
    };
    switch (role) {
      case 'pod':
        return buildPodGroup(obj as V1Pod, lookups);
      case 'service':
        return buildServiceGroup(obj as V1Service, lookups);
      case 'ingress':
        return buildIngressGroup(obj as V1Ingress, lookups);
      case 'endpoints':
        return buildEndpointsGroup(obj as V1Endpoints, lookups);
      case 'endpointslice':
        return buildEndpointSliceGroup(obj as V1EndpointSlice, lookups);
    }
  }

  #metadataLookups(): MetadataLookups {
    const nodes = this.#nodes;
    const namespaces = this.#namespaces;
    return {
      nodeLabels:
        nodes && this.#role !== 'node'
          ? (nodeName) => {
              const node = nodeName ? nodes.get(undefined, nodeName) : undefined;
              return node ? nodeMetaLabels(node) : undefined;
            }
          : undefined,
      namespaceLabels: namespaces
        ? (namespace) => {
            const ns = namespace ? namespaces.get(undefined, namespace) : undefined;
            if (!ns) return undefined;
            const ls: LabelSet = {};
            addLabelsAndAnnotations(ls, ns.metadata, 'namespace');
            return ls;
          }
        : undefined,
    };
  }
}

/** The nodes an object's targets run on, for rebuilding it when one of them changes. */
function nodeNames(role: KubernetesRole, obj: KubernetesObject): string[] {
  if (role === 'pod') return [(obj as V1Pod).spec?.nodeName ?? ''];
  const names: string[] = [];
  if (role === 'endpoints') {
    for (const s of (obj as V1Endpoints).subsets ?? [])
      for (const a of [...(s.addresses ?? []), ...(s.notReadyAddresses ?? [])]) {
        if (a.nodeName) names.push(a.nodeName);
        else if (a.targetRef?.kind === 'Node' && a.targetRef.name) names.push(a.targetRef.name);
      }
  }
  if (role === 'endpointslice') {
    for (const e of (obj as V1EndpointSlice).endpoints ?? []) {
      if (e.targetRef?.kind === 'Node' && e.targetRef.name) names.push(e.targetRef.name);
      else if (e.nodeName) names.push(e.nodeName);
    }
  }
  return names;
}
