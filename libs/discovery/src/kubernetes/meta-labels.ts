import type { V1ObjectMeta } from '@kubernetes/client-node';
import type { LabelSet } from '../target-group.ts';

/** Prefix of every label Kubernetes SD sets. */
export const META_PREFIX = '__meta_kubernetes_';
/** The object's namespace, on every namespaced role's groups. */
export const NAMESPACE_LABEL = `${META_PREFIX}namespace`;

/** Label names as upstream's `strutil.SanitizeLabelName`: every character outside `[a-zA-Z0-9_]` becomes `_`. */
export function sanitizeLabelName(name: string): string {
  return name.replace(/[^a-zA-Z0-9_]/g, '_');
}

/**
 * Upstream's `addObjectMetaLabels`: `<role>_name`, and `<role>_label_<name>`,
 * `<role>_labelpresent_<name>`, `<role>_annotation_<name>`, `<role>_annotationpresent_<name>`
 * for each label and annotation (names sanitized).
 */
export function addObjectMetaLabels(ls: LabelSet, meta: V1ObjectMeta | undefined, role: string): void {
  ls[`${META_PREFIX}${role}_name`] = meta?.name ?? '';
  addLabelsAndAnnotations(ls, meta, role);
}

/** The label and annotation labels of {@link addObjectMetaLabels}, without `<role>_name`. */
export function addLabelsAndAnnotations(ls: LabelSet, meta: V1ObjectMeta | undefined, role: string): void {
  for (const [k, v] of Object.entries(meta?.labels ?? {})) {
    const ln = sanitizeLabelName(k);
    ls[`${META_PREFIX}${role}_label_${ln}`] = v;
    ls[`${META_PREFIX}${role}_labelpresent_${ln}`] = 'true';
  }
  for (const [k, v] of Object.entries(meta?.annotations ?? {})) {
    const ln = sanitizeLabelName(k);
    ls[`${META_PREFIX}${role}_annotation_${ln}`] = v;
    ls[`${META_PREFIX}${role}_annotationpresent_${ln}`] = 'true';
  }
}

/** Go's `net.JoinHostPort`: IPv6 hosts (anything with a colon) in brackets. */
export function joinHostPort(host: string, port: number | string): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

/** `namespace/name`, the informer store key upstream uses (just `name` for cluster-scoped objects). */
export function namespacedName(namespace: string | undefined, name: string | undefined): string {
  return namespace ? `${namespace}/${name ?? ''}` : (name ?? '');
}

/**
 * Metadata of other objects a role's groups include: the node a target runs on
 * (`attach_metadata.node`), the namespace's labels and annotations (`attach_metadata.namespace`).
 * Each returns undefined when the option is off or the object is unknown.
 */
export interface MetadataLookups {
  readonly nodeLabels?: (nodeName: string | undefined) => LabelSet | undefined;
  readonly namespaceLabels?: (namespace: string | undefined) => LabelSet | undefined;
}
