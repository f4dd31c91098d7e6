import type { V1Endpoint, V1EndpointSlice, DiscoveryV1EndpointPort } from '@kubernetes/client-node';
import type { LabelSet, TargetGroup } from '../target-group.ts';
import {
  META_PREFIX,
  NAMESPACE_LABEL,
  addObjectMetaLabels,
  joinHostPort,
  namespacedName,
  sanitizeLabelName,
} from './meta-labels.ts';
import type { EndpointLookups } from './endpoints-role.ts';
import { PodBackedTargets } from './pod-backed-targets.ts';
import { serviceLabels } from './service-role.ts';

const ES = `${META_PREFIX}endpointslice_`;
/** The label naming an EndpointSlice's service. */
export const SERVICE_NAME_LABEL = 'kubernetes.io/service-name';

export function endpointSliceSource(namespace: string | undefined, name: string | undefined): string {
  return `endpointslice/${namespacedName(namespace, name)}`;
}

/**
 * The endpointslice role's group: one target per endpoint address and port with the
 * slice's port, condition, hostname, node, zone and target labels; service labels from the
 * service named by the `kubernetes.io/service-name` label; pod labels as for endpoints.
 */
export function buildEndpointSliceGroup(slice: V1EndpointSlice, lookups: EndpointLookups): TargetGroup {
  const { namespace, name } = slice.metadata ?? {};
  let labels: LabelSet = {
    [NAMESPACE_LABEL]: namespace ?? '',
    [`${ES}address_type`]: slice.addressType ?? '',
  };
  addObjectMetaLabels(labels, slice.metadata, 'endpointslice');
  const svcName = slice.metadata?.labels?.[SERVICE_NAME_LABEL];
  const svc = svcName === undefined ? undefined : lookups.service(namespace, svcName);
  if (svc) labels = { ...labels, ...serviceLabels(svc) };
  const ns = lookups.namespaceLabels?.(namespace);
  if (ns) labels = { ...labels, ...ns };

  const pods = new PodBackedTargets();
  const targets: LabelSet[] = [];
  const add = (addr: string, ep: V1Endpoint, port: DiscoveryV1EndpointPort): void => {
    let target: LabelSet = { __address__: port.port == null ? addr : joinHostPort(addr, port.port) };
    if (port.name != null) target[`${ES}port_name`] = port.name;
    if (port.protocol != null) target[`${ES}port_protocol`] = port.protocol;
    if (port.port != null) target[`${ES}port`] = String(port.port);
    if (port.appProtocol != null) target[`${ES}port_app_protocol`] = port.appProtocol;
    const c = ep.conditions;
    if (c?.ready != null) target[`${ES}endpoint_conditions_ready`] = String(c.ready);
    if (c?.serving != null) target[`${ES}endpoint_conditions_serving`] = String(c.serving);
    if (c?.terminating != null) target[`${ES}endpoint_conditions_terminating`] = String(c.terminating);
    if (ep.hostname != null) target[`${ES}endpoint_hostname`] = ep.hostname;
    const ref = ep.targetRef;
    if (ref) {
      target[`${ES}address_target_kind`] = ref.kind ?? '';
      target[`${ES}address_target_name`] = ref.name ?? '';
    }
    if (ep.nodeName != null) target[`${ES}endpoint_node_name`] = ep.nodeName;
    if (ep.zone != null) target[`${ES}endpoint_zone`] = ep.zone;
    for (const [k, v] of Object.entries(ep.deprecatedTopology ?? {})) {
      const ln = sanitizeLabelName(k);
      target[`${ES}endpoint_topology_${ln}`] = v;
      target[`${ES}endpoint_topology_present_${ln}`] = 'true';
    }
    if (lookups.nodeLabels) {
      const node = lookups.nodeLabels(ref?.kind === 'Node' ? ref.name : (ep.nodeName ?? undefined));
      if (node) target = { ...target, ...node };
    }
    const pod = ref?.kind === 'Pod' ? lookups.pod(ref.namespace, ref.name ?? '') : undefined;
    targets.push(pod ? pods.attach(target, pod, port.port ?? undefined) : target);
  };
  for (const ep of slice.endpoints ?? []) {
    for (const port of slice.ports ?? []) {
      for (const addr of ep.addresses ?? []) add(addr, ep, port);
    }
  }
  targets.push(...pods.uncovered());
  return { source: endpointSliceSource(namespace, name), targets, labels };
}
