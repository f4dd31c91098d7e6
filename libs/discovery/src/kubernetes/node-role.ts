import type { V1Node } from '@kubernetes/client-node';
import type { LabelSet, TargetGroup } from '../target-group.ts';
import { META_PREFIX, addObjectMetaLabels, joinHostPort, sanitizeLabelName } from './meta-labels.ts';

export function nodeSource(name: string | undefined): string {
  return `node/${name ?? ''}`;
}

/** Address types in the order upstream picks a node's address from. */
const ADDRESS_PRIORITY = [
  'InternalIP',
  'InternalDNS',
  'ExternalIP',
  'ExternalDNS',
  'LegacyHostIP',
  'Hostname',
];

/** The labels `attach_metadata.node` adds to pod, endpoints and endpointslice targets. */
export function nodeMetaLabels(node: V1Node): LabelSet {
  const ls: LabelSet = {};
  addObjectMetaLabels(ls, node.metadata, 'node');
  return ls;
}

/**
 * The node role's group: one target at the first address by upstream's priority and the
 * kubelet port, `instance` set to the node name, `node_address_<type>` for the first
 * address of each type. A node without any address gives no group (undefined), as upstream.
 */
export function buildNodeGroup(node: V1Node): TargetGroup | undefined {
  const labels: LabelSet = { [`${META_PREFIX}node_provider_id`]: node.spec?.providerID ?? '' };
  addObjectMetaLabels(labels, node.metadata, 'node');
  const byType = new Map<string, string[]>();
  for (const a of node.status?.addresses ?? []) {
    const list = byType.get(a.type) ?? [];
    list.push(a.address);
    byType.set(a.type, list);
  }
  const type = ADDRESS_PRIORITY.find((t) => byType.has(t));
  if (type === undefined) return undefined;
  // Typed lists call it `port`; raw watch events carry the JSON name `Port`.
  const kubelet = node.status?.daemonEndpoints?.kubeletEndpoint as
    { port?: number; Port?: number } | undefined;
  const port = kubelet?.port ?? kubelet?.Port ?? 0;
  const target: LabelSet = {
    __address__: joinHostPort(byType.get(type)![0]!, port),
    instance: node.metadata?.name ?? '',
  };
  for (const [t, addrs] of byType) target[sanitizeLabelName(`${META_PREFIX}node_address_${t}`)] = addrs[0]!;
  return { source: nodeSource(node.metadata?.name), targets: [target], labels };
}
