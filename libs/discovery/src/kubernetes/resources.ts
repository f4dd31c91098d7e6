import { CoreV1Api, DiscoveryV1Api, NetworkingV1Api } from '@kubernetes/client-node';
import type { KubeConfig, KubernetesListObject, KubernetesObject } from '@kubernetes/client-node';

/** Label and field selectors of one list/watch, as `selectors` in the config give them. */
export interface Selectors {
  readonly label?: string;
  readonly field?: string;
}

/** A resource Kubernetes SD watches: its watch path and its list call for a namespace ('' = all). */
export interface Resource {
  readonly kind: string;
  readonly namespaced: boolean;
  path(namespace: string): string;
  list(kc: KubeConfig, namespace: string, s: Selectors): Promise<KubernetesListObject<KubernetesObject>>;
}

function path(prefix: string, plural: string): (namespace: string) => string {
  return (namespace) => (namespace ? `${prefix}/namespaces/${namespace}/${plural}` : `${prefix}/${plural}`);
}

function params(s: Selectors): { labelSelector?: string; fieldSelector?: string } {
  return { labelSelector: s.label || undefined, fieldSelector: s.field || undefined };
}

type List = Promise<KubernetesListObject<KubernetesObject>>;

export const RESOURCES = {
  pods: {
    kind: 'Pod',
    namespaced: true,
    path: path('/api/v1', 'pods'),
    list: (kc, ns, s) => {
      const api = kc.makeApiClient(CoreV1Api);
      return (
        ns ? api.listNamespacedPod({ namespace: ns, ...params(s) }) : api.listPodForAllNamespaces(params(s))
      ) as List;
    },
  },
  services: {
    kind: 'Service',
    namespaced: true,
    path: path('/api/v1', 'services'),
    list: (kc, ns, s) => {
      const api = kc.makeApiClient(CoreV1Api);
      return (
        ns
          ? api.listNamespacedService({ namespace: ns, ...params(s) })
          : api.listServiceForAllNamespaces(params(s))
      ) as List;
    },
  },
  endpoints: {
    kind: 'Endpoints',
    namespaced: true,
    path: path('/api/v1', 'endpoints'),
    list: (kc, ns, s) => {
      const api = kc.makeApiClient(CoreV1Api);
      return (
        ns
          ? api.listNamespacedEndpoints({ namespace: ns, ...params(s) })
          : api.listEndpointsForAllNamespaces(params(s))
      ) as List;
    },
  },
  endpointslices: {
    kind: 'EndpointSlice',
    namespaced: true,
    path: path('/apis/discovery.k8s.io/v1', 'endpointslices'),
    list: (kc, ns, s) => {
      const api = kc.makeApiClient(DiscoveryV1Api);
      return (
        ns
          ? api.listNamespacedEndpointSlice({ namespace: ns, ...params(s) })
          : api.listEndpointSliceForAllNamespaces(params(s))
      ) as List;
    },
  },
  ingresses: {
    kind: 'Ingress',
    namespaced: true,
    path: path('/apis/networking.k8s.io/v1', 'ingresses'),
    list: (kc, ns, s) => {
      const api = kc.makeApiClient(NetworkingV1Api);
      return (
        ns
          ? api.listNamespacedIngress({ namespace: ns, ...params(s) })
          : api.listIngressForAllNamespaces(params(s))
      ) as List;
    },
  },
  nodes: {
    kind: 'Node',
    namespaced: false,
    path: () => '/api/v1/nodes',
    list: (kc, _ns, s) => kc.makeApiClient(CoreV1Api).listNode(params(s)) as List,
  },
  namespaces: {
    kind: 'Namespace',
    namespaced: false,
    path: () => '/api/v1/namespaces',
    list: (kc, _ns, s) => kc.makeApiClient(CoreV1Api).listNamespace(params(s)) as List,
  },
} satisfies Record<string, Resource>;

export type ResourceName = keyof typeof RESOURCES;
