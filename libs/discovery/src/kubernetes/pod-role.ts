import { isIPv4, isIPv6 } from 'node:net';
import type { V1ContainerStatus, V1Pod } from '@kubernetes/client-node';
import type { LabelSet, TargetGroup } from '../target-group.ts';
import {
  META_PREFIX,
  NAMESPACE_LABEL,
  addObjectMetaLabels,
  joinHostPort,
  namespacedName,
} from './meta-labels.ts';
import type { MetadataLookups } from './meta-labels.ts';

const P = `${META_PREFIX}pod_`;
export const POD_CONTAINER_NAME = `${P}container_name`;
export const POD_CONTAINER_IMAGE = `${P}container_image`;
export const POD_CONTAINER_PORT_NAME = `${P}container_port_name`;
export const POD_CONTAINER_PORT_NUMBER = `${P}container_port_number`;
export const POD_CONTAINER_PORT_PROTOCOL = `${P}container_port_protocol`;
export const POD_CONTAINER_INIT = `${P}container_init`;

export function podSource(namespace: string | undefined, name: string | undefined): string {
  return `pod/${namespacedName(namespace, name)}`;
}

/** `true`/`false`/`unknown` from the pod's Ready condition, as upstream. */
function podReady(pod: V1Pod): string {
  const ready = pod.status?.conditions?.find((c) => c.type === 'Ready');
  return (ready?.status ?? 'Unknown').toLowerCase();
}

/**
 * The labels of a pod shared by the pod, endpoints and endpointslice roles (upstream's
 * `podLabels`): ip, ipv4/ipv6 (first of each family in `podIPs`), ready, phase, node name,
 * host ip, uid, name, labels, annotations, controller kind and name.
 */
export function podLabels(pod: V1Pod): LabelSet {
  const ls: LabelSet = {
    [`${P}ip`]: pod.status?.podIP ?? '',
    [`${P}ready`]: podReady(pod),
    [`${P}phase`]: pod.status?.phase ?? '',
    [`${P}node_name`]: pod.spec?.nodeName ?? '',
    [`${P}host_ip`]: pod.status?.hostIP ?? '',
    [`${P}uid`]: pod.metadata?.uid ?? '',
  };
  for (const { ip } of pod.status?.podIPs ?? []) {
    if (!ip) continue;
    if (isIPv4(ip)) ls[`${P}ipv4`] ??= ip;
    else if (isIPv6(ip)) ls[`${P}ipv6`] ??= ip;
  }
  addObjectMetaLabels(ls, pod.metadata, 'pod');
  const controller = pod.metadata?.ownerReferences?.find((r) => r.controller === true);
  if (controller?.kind) ls[`${P}controller_kind`] = controller.kind;
  if (controller?.name) ls[`${P}controller_name`] = controller.name;
  return ls;
}

function containerId(statuses: V1ContainerStatus[] | undefined, name: string): string {
  return statuses?.find((s) => s.name === name)?.containerID ?? '';
}

/**
 * The pod role's group: one target per container port (`podIP:port`), or one per container
 * without ports (`podIP`, IPv6 in brackets), init containers after the others. A pod
 * without an IP yet has no targets.
 */
export function buildPodGroup(pod: V1Pod, lookups: MetadataLookups = {}): TargetGroup {
  const source = podSource(pod.metadata?.namespace, pod.metadata?.name);
  const podIP = pod.status?.podIP ?? '';
  if (podIP === '') return { source, targets: [], labels: {} };
  let labels: LabelSet = podLabels(pod);
  labels[NAMESPACE_LABEL] = pod.metadata?.namespace ?? '';
  const node = lookups.nodeLabels?.(pod.spec?.nodeName);
  if (node) labels = { ...labels, ...node };
  const ns = lookups.namespaceLabels?.(pod.metadata?.namespace);
  if (ns) labels = { ...labels, ...ns };

  const targets: LabelSet[] = [];
  const containers = pod.spec?.containers ?? [];
  const all = [...containers, ...(pod.spec?.initContainers ?? [])];
  all.forEach((c, i) => {
    const isInit = i >= containers.length;
    const id = containerId(
      isInit ? pod.status?.initContainerStatuses : pod.status?.containerStatuses,
      c.name,
    );
    const common = {
      [POD_CONTAINER_NAME]: c.name,
      [`${P}container_id`]: id,
      [POD_CONTAINER_IMAGE]: c.image ?? '',
      [POD_CONTAINER_INIT]: String(isInit),
    };
    if (!c.ports || c.ports.length === 0) {
      targets.push({ __address__: isIPv6(podIP) ? `[${podIP}]` : podIP, ...common });
      return;
    }
    for (const port of c.ports) {
      targets.push({
        __address__: joinHostPort(podIP, port.containerPort),
        ...common,
        [POD_CONTAINER_PORT_NUMBER]: String(port.containerPort),
        [POD_CONTAINER_PORT_NAME]: port.name ?? '',
        [POD_CONTAINER_PORT_PROTOCOL]: port.protocol ?? '',
      });
    }
  });
  return { source, targets, labels };
}
