import type { V1Service } from '@kubernetes/client-node';
import type { LabelSet, TargetGroup } from '../target-group.ts';
import {
  META_PREFIX,
  NAMESPACE_LABEL,
  addObjectMetaLabels,
  joinHostPort,
  namespacedName,
} from './meta-labels.ts';
import type { MetadataLookups } from './meta-labels.ts';

const S = `${META_PREFIX}service_`;

export function serviceSource(namespace: string | undefined, name: string | undefined): string {
  return `svc/${namespacedName(namespace, name)}`;
}

/** Namespace, name, labels and annotations of a service (also on endpoints and endpointslice groups). */
export function serviceLabels(svc: V1Service): LabelSet {
  const ls: LabelSet = { [NAMESPACE_LABEL]: svc.metadata?.namespace ?? '' };
  addObjectMetaLabels(ls, svc.metadata, 'service');
  return ls;
}

/**
 * The service role's group: one target per service port at
 * `<name>.<namespace>.svc:<port>`, with port name, number, protocol, the service type and
 * its cluster IP (external name for `ExternalName`, load balancer IP for `LoadBalancer`).
 */
export function buildServiceGroup(svc: V1Service, lookups: MetadataLookups = {}): TargetGroup {
  const { namespace, name } = svc.metadata ?? {};
  let labels = serviceLabels(svc);
  const ns = lookups.namespaceLabels?.(namespace);
  if (ns) labels = { ...labels, ...ns };
  const type = svc.spec?.type ?? '';
  const targets = (svc.spec?.ports ?? []).map((port) => {
    const t: LabelSet = {
      __address__: joinHostPort(`${name}.${namespace}.svc`, port.port),
      [`${S}port_name`]: port.name ?? '',
      [`${S}port_number`]: String(port.port),
      [`${S}port_protocol`]: port.protocol ?? '',
      [`${S}type`]: type,
    };
    if (type === 'ExternalName') t[`${S}external_name`] = svc.spec?.externalName ?? '';
    else t[`${S}cluster_ip`] = svc.spec?.clusterIP ?? '';
    if (type === 'LoadBalancer') t[`${S}loadbalancer_ip`] = svc.spec?.loadBalancerIP ?? '';
    return t;
  });
  return { source: serviceSource(namespace, name), targets, labels };
}
