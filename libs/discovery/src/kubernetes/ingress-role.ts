import type { V1Ingress } from '@kubernetes/client-node';
import type { LabelSet, TargetGroup } from '../target-group.ts';
import { META_PREFIX, NAMESPACE_LABEL, addObjectMetaLabels, namespacedName } from './meta-labels.ts';
import type { MetadataLookups } from './meta-labels.ts';

const I = `${META_PREFIX}ingress_`;

export function ingressSource(namespace: string | undefined, name: string | undefined): string {
  return `ingress/${namespacedName(namespace, name)}`;
}

/** A TLS host pattern matches the rule's host when equal, or as `*.rest` with as many dot-separated parts. */
function matchesHostnamePattern(pattern: string, host: string): boolean {
  if (pattern === host) return true;
  const p = pattern.split('.');
  const h = host.split('.');
  if (p[0] !== '*' || p.length !== h.length) return false;
  return p.every((part, i) => i === 0 || part === h[i]);
}

/**
 * The ingress role's group: one target per rule and path, the address being the rule's
 * host, scheme `https` when a TLS entry covers the host, path `/` when none is given.
 */
export function buildIngressGroup(ingress: V1Ingress, lookups: MetadataLookups = {}): TargetGroup {
  const { namespace, name } = ingress.metadata ?? {};
  let labels: LabelSet = { [NAMESPACE_LABEL]: namespace ?? '' };
  if (ingress.spec?.ingressClassName != null) labels[`${I}class_name`] = ingress.spec.ingressClassName;
  addObjectMetaLabels(labels, ingress.metadata, 'ingress');
  const ns = lookups.namespaceLabels?.(namespace);
  if (ns) labels = { ...labels, ...ns };
  const tlsHosts = (ingress.spec?.tls ?? []).flatMap((t) => t.hosts ?? []);
  const targets: LabelSet[] = [];
  for (const rule of ingress.spec?.rules ?? []) {
    const host = rule.host ?? '';
    const scheme = tlsHosts.some((p) => matchesHostnamePattern(p, host)) ? 'https' : 'http';
    const paths = rule.http ? rule.http.paths.map((p) => p.path || '/') : ['/'];
    for (const path of paths) {
      targets.push({
        __address__: host,
        [`${I}scheme`]: scheme,
        [`${I}host`]: host,
        [`${I}path`]: path,
      });
    }
  }
  return { source: ingressSource(namespace, name), targets, labels };
}
