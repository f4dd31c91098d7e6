/**
 * Kubeconfig files pointing kubectl or client-node at the test API server. Written as
 * JSON, which both read as YAML.
 */
import { writeFileSync } from 'node:fs';

export interface KubeconfigOptions {
  server: string;
  /** Bearer token the user presents; the test server checks it when started with `token`. */
  token?: string;
  /** PEM of the CA that signed the server certificate (for https servers). */
  caPem?: string;
  namespace?: string;
  contextName?: string;
}

/** The kubeconfig document (a plain object) for one cluster, user and current context. */
export function kubeconfigDocument(options: KubeconfigOptions): Record<string, unknown> {
  const name = options.contextName ?? 'argus-test';
  const cluster: Record<string, unknown> = { server: options.server };
  if (options.caPem) cluster['certificate-authority-data'] = Buffer.from(options.caPem).toString('base64');
  // client-node refuses plain http unless told TLS checks are off; kubectl accepts either.
  else if (options.server.startsWith('http:')) cluster['insecure-skip-tls-verify'] = true;
  const user: Record<string, unknown> = options.token ? { token: options.token } : {};
  return {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name, cluster }],
    users: [{ name, user }],
    contexts: [{ name, context: { cluster: name, user: name, namespace: options.namespace ?? 'default' } }],
    'current-context': name,
    preferences: {},
  };
}

/** Writes the kubeconfig to `path` (mode 0600, as kubectl writes its own). */
export function writeKubeconfig(path: string, options: KubeconfigOptions): string {
  writeFileSync(path, JSON.stringify(kubeconfigDocument(options), null, 2), { mode: 0o600 });
  return path;
}
