import { fieldSelectorError, labelSelectorError } from './selector-syntax.ts';

/** The roles of `kubernetes_sd_configs`. */
export const KUBERNETES_ROLES = ['node', 'pod', 'service', 'endpoints', 'endpointslice', 'ingress'] as const;
export type KubernetesRole = (typeof KUBERNETES_ROLES)[number];

/** `tls_config` of the API server connection (with `api_server`); PEM text or files relative to the base directory. */
export interface KubernetesTlsConfig {
  readonly ca?: string;
  readonly ca_file?: string;
  readonly cert?: string;
  readonly cert_file?: string;
  readonly key?: string;
  readonly key_file?: string;
  readonly server_name?: string;
  readonly insecure_skip_verify?: boolean;
}

/**
 * One `kubernetes_sd_configs` entry as upstream's `kubernetes.SDConfig`, secrets as plain
 * strings (the caller decodes the YAML and reveals them). The HTTP client fields apply only
 * with `api_server`; `kubeconfig_file` brings its own; neither means in-cluster.
 */
export interface KubernetesSdConfig {
  readonly role: KubernetesRole;
  readonly api_server?: string;
  readonly kubeconfig_file?: string;
  readonly namespaces?: { readonly own_namespace?: boolean; readonly names?: readonly string[] };
  readonly selectors?: readonly {
    readonly role: KubernetesRole;
    readonly label?: string;
    readonly field?: string;
  }[];
  readonly attach_metadata?: { readonly node?: boolean; readonly namespace?: boolean };
  readonly basic_auth?: {
    readonly username: string;
    readonly password?: string;
    readonly password_file?: string;
  };
  readonly authorization?: {
    readonly type: string;
    readonly credentials?: string;
    readonly credentials_file?: string;
  };
  readonly bearer_token?: string;
  readonly bearer_token_file?: string;
  readonly tls_config?: KubernetesTlsConfig;
  readonly proxy_url?: string;
}

/** Which selector roles each discovery role accepts (upstream's table). */
const ALLOWED_SELECTORS: Record<KubernetesRole, readonly KubernetesRole[]> = {
  pod: ['pod', 'node'],
  service: ['service'],
  endpointslice: ['pod', 'service', 'endpointslice', 'node'],
  endpoints: ['pod', 'service', 'endpoints', 'node'],
  node: ['node'],
  ingress: ['ingress'],
};

function hasHttpClientConfig(c: KubernetesSdConfig): boolean {
  return (
    c.basic_auth !== undefined ||
    c.authorization !== undefined ||
    c.bearer_token !== undefined ||
    c.bearer_token_file !== undefined ||
    c.tls_config !== undefined ||
    c.proxy_url !== undefined
  );
}

/**
 * Upstream's cross-field rules of a Kubernetes SD config, worded as upstream: the first
 * broken one as a message, or undefined when the config is valid.
 */
export function kubernetesSdConfigError(c: KubernetesSdConfig): string | undefined {
  if (!(KUBERNETES_ROLES as readonly string[]).includes(c.role))
    return `unknown Kubernetes SD role "${c.role}"`;
  if (c.api_server !== undefined && c.kubeconfig_file !== undefined)
    return "cannot use 'kubeconfig_file' and 'api_server' simultaneously";
  if (c.kubeconfig_file !== undefined && hasHttpClientConfig(c))
    return "cannot use a custom HTTP client configuration together with 'kubeconfig_file'";
  if (c.api_server === undefined && hasHttpClientConfig(c))
    return "to use custom HTTP client configuration please provide the 'api_server' URL explicitly";
  if (c.api_server !== undefined && c.namespaces?.own_namespace)
    return "cannot use 'api_server' and 'namespaces.own_namespace' simultaneously";
  if (c.kubeconfig_file !== undefined && c.namespaces?.own_namespace)
    return "cannot use 'kubeconfig_file' and 'namespaces.own_namespace' simultaneously";
  if (c.api_server !== undefined) {
    try {
      const url = new URL(c.api_server);
      if (url.protocol !== 'http:' && url.protocol !== 'https:')
        return `invalid api_server URL ${JSON.stringify(c.api_server)}`;
    } catch {
      return `invalid api_server URL ${JSON.stringify(c.api_server)}`;
    }
  }
  if (c.authorization !== undefined && c.authorization.type.toLowerCase() !== 'bearer')
    return `authorization type ${JSON.stringify(c.authorization.type)} is not supported for the Kubernetes API (only Bearer)`;
  const seen = new Set<string>();
  for (const s of c.selectors ?? []) {
    if (seen.has(s.role)) return `duplicated selector role: ${s.role}`;
    seen.add(s.role);
    const allowed = ALLOWED_SELECTORS[c.role];
    if (!allowed.includes(s.role)) return `${c.role} role supports only ${allowed.join(', ')} selectors`;
    const problem = fieldSelectorError(s.field ?? '') ?? labelSelectorError(s.label ?? '');
    if (problem !== undefined) return problem;
  }
  return undefined;
}
