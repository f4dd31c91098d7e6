import type {
  V1EndpointAddress,
  CoreV1EndpointPort,
  V1Endpoints,
  V1Pod,
  V1Service,
} from '@kubernetes/client-node';
import type { LabelSet, TargetGroup } from '../target-group.ts';
import {
  META_PREFIX,
  NAMESPACE_LABEL,
  addObjectMetaLabels,
  joinHostPort,
  namespacedName,
} from './meta-labels.ts';
import type { MetadataLookups } from './meta-labels.ts';
import { PodBackedTargets } from './pod-backed-targets.ts';
import { serviceLabels } from './service-role.ts';

const E = `${META_PREFIX}endpoint_`;

export function endpointsSource(namespace: string | undefined, name: string | undefined): string {
  return `endpoints/${namespacedName(namespace, name)}`;
}

/** What the endpoints and endpointslice roles look up besides their own objects. */
export interface EndpointLookups extends MetadataLookups {
  readonly service: (namespace: string | undefined, name: string) => V1Service | undefined;
  readonly pod: (namespace: string | undefined, name: string) => V1Pod | undefined;
}

/**
 * The endpoints role's group: one target per address and port of every subset (ready
 * addresses with `endpoint_ready="true"`, not-ready ones `"false"`), with the service's
 * labels on the group when a service of the same name exists, pod labels on pod-backed
 * targets, and extra targets for the pods' uncovered container ports.
 */
export function buildEndpointsGroup(eps: V1Endpoints, lookups: EndpointLookups): TargetGroup {
  const { namespace, name } = eps.metadata ?? {};
  let labels: LabelSet = { [NAMESPACE_LABEL]: namespace ?? '' };
  const svc = lookups.service(namespace, name ?? '');
  if (svc) labels = { ...labels, ...serviceLabels(svc) };
  addObjectMetaLabels(labels, eps.metadata, 'endpoints');
  const ns = lookups.namespaceLabels?.(namespace);
  if (ns) labels = { ...labels, ...ns };

  const pods = new PodBackedTargets();
  const targets: LabelSet[] = [];
  const add = (addr: V1EndpointAddress, port: CoreV1EndpointPort, ready: string): void => {
    let target: LabelSet = {
      __address__: joinHostPort(addr.ip, port.port),
      [`${E}port_name`]: port.name ?? '',
      [`${E}port_protocol`]: port.protocol ?? '',
      [`${E}ready`]: ready,
    };
    const ref = addr.targetRef;
    if (ref) {
      target[`${E}address_target_kind`] = ref.kind ?? '';
      target[`${E}address_target_name`] = ref.name ?? '';
    }
    if (addr.nodeName != null) target[`${E}node_name`] = addr.nodeName;
    if (addr.hostname) target[`${E}hostname`] = addr.hostname;
    if (lookups.nodeLabels) {
      const nodeName = addr.nodeName ?? (ref?.kind === 'Node' ? ref.name : undefined);
      const node = nodeName === undefined ? undefined : lookups.nodeLabels(nodeName);
      if (node) target = { ...target, ...node };
    }
    const pod = ref?.kind === 'Pod' ? lookups.pod(ref.namespace, ref.name ?? '') : undefined;
    targets.push(pod ? pods.attach(target, pod, port.port) : target);
  };
  for (const subset of eps.subsets ?? []) {
    for (const port of subset.ports ?? []) {
      for (const addr of subset.addresses ?? []) add(addr, port, 'true');
      for (const addr of subset.notReadyAddresses ?? []) add(addr, port, 'false');
    }
  }
  targets.push(...pods.uncovered());
  return { source: endpointsSource(namespace, name), targets, labels };
}
