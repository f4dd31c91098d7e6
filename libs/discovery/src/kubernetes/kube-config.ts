import { readFileSync } from 'node:fs';
import { isIPv6 } from 'node:net';
import { resolve } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import type { Cluster, User } from '@kubernetes/client-node';
import type { KubernetesSdConfig } from './config.ts';

/** Where the in-cluster service account is mounted (below an optional path prefix). */
export const SERVICE_ACCOUNT_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';

/** Where in-cluster settings come from; tests point these at a fake mount and the test server. */
export interface InClusterOptions {
  /** Prefix of the service account mount (default '' = the real `/var/run/...`). */
  readonly pathPrefix?: string;
  /** `KUBERNETES_SERVICE_HOST`/`_PORT` source (default `process.env`). */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

/** A client configuration and, in-cluster with `own_namespace`, the pod's own namespace. */
export interface KubeClientSettings {
  readonly kc: KubeConfig;
  readonly ownNamespace: string | undefined;
}

function read(baseDir: string, what: string, file: string): string {
  try {
    return readFileSync(resolve(baseDir, file), 'utf8');
  } catch (error) {
    throw new Error(`unable to read ${what} ${file}: ${(error as Error).message}`, { cause: error });
  }
}

/**
 * The client configuration upstream builds: from `kubeconfig_file`; from `api_server` with
 * the config's auth and TLS settings; or in-cluster from the service account token and CA
 * and `KUBERNETES_SERVICE_HOST`/`_PORT`. Files are read now; errors name the file.
 */
export function kubeClientSettings(
  c: KubernetesSdConfig,
  baseDir: string,
  inCluster: InClusterOptions = {},
): KubeClientSettings {
  const kc = new KubeConfig();
  if (c.kubeconfig_file !== undefined) {
    const path = resolve(baseDir, c.kubeconfig_file);
    try {
      kc.loadFromFile(path);
    } catch (error) {
      throw new Error(`unable to load kubeconfig_file ${c.kubeconfig_file}: ${(error as Error).message}`, {
        cause: error,
      });
    }
    const cluster = kc.getCurrentCluster();
    if (!cluster) throw new Error(`kubeconfig_file ${c.kubeconfig_file} has no current cluster`);
    const user = kc.getCurrentUser();
    // client-node refuses a plain http server (e.g. `kubectl proxy`) unless TLS checks are
    // off; Go's client just connects, and there is no TLS to check.
    if (cluster.server.startsWith('http:') && !cluster.skipTLSVerify && user) {
      kc.loadFromClusterAndUser({ ...cluster, skipTLSVerify: true }, user);
    }
    return { kc, ownNamespace: undefined };
  }
  if (c.api_server !== undefined) {
    const tls = c.tls_config ?? {};
    const cluster: Cluster = {
      name: 'kubernetes-sd',
      server: c.api_server.replace(/\/+$/, ''),
      // client-node refuses plain http unless TLS checks are off; there is no TLS to check.
      skipTLSVerify: tls.insecure_skip_verify === true || c.api_server.startsWith('http:'),
      caData: tls.ca_file !== undefined ? b64(read(baseDir, 'CA file', tls.ca_file)) : tls.ca && b64(tls.ca),
      tlsServerName: tls.server_name || undefined,
      proxyUrl: c.proxy_url,
    };
    const user: User = {
      name: 'kubernetes-sd',
      certData:
        tls.cert_file !== undefined
          ? b64(read(baseDir, 'client certificate', tls.cert_file))
          : tls.cert && b64(tls.cert),
      keyData:
        tls.key_file !== undefined ? b64(read(baseDir, 'client key', tls.key_file)) : tls.key && b64(tls.key),
    };
    const token =
      c.bearer_token ??
      (c.bearer_token_file !== undefined
        ? read(baseDir, 'bearer_token_file', c.bearer_token_file).trim()
        : undefined) ??
      (c.authorization?.credentials_file !== undefined
        ? read(baseDir, 'credentials_file', c.authorization.credentials_file).trim()
        : c.authorization?.credentials);
    if (token !== undefined) Object.assign(user, { token });
    if (c.basic_auth) {
      const password =
        c.basic_auth.password_file !== undefined
          ? read(baseDir, 'password_file', c.basic_auth.password_file).trim()
          : (c.basic_auth.password ?? '');
      Object.assign(user, { username: c.basic_auth.username, password });
    }
    kc.loadFromClusterAndUser(cluster, user);
    return { kc, ownNamespace: undefined };
  }
  const env = inCluster.env ?? process.env;
  const host = env.KUBERNETES_SERVICE_HOST;
  const port = env.KUBERNETES_SERVICE_PORT;
  if (!host || !port) {
    throw new Error(
      'unable to load in-cluster configuration, KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT must be defined',
    );
  }
  const dir = `${inCluster.pathPrefix ?? ''}${SERVICE_ACCOUNT_DIR}`;
  // Checked now so a missing mount is a clear error rather than a failing list later.
  read('/', 'service account token', `${dir}/token`);
  kc.loadFromClusterAndUser(
    {
      name: 'in-cluster',
      server: `https://${isIPv6(host) ? `[${host}]` : host}:${port}`,
      caFile: `${dir}/ca.crt`,
      skipTLSVerify: false,
    },
    { name: 'in-cluster', authProvider: { name: 'tokenFile', config: { tokenFile: `${dir}/token` } } },
  );
  let ownNamespace: string | undefined;
  if (c.namespaces?.own_namespace) {
    ownNamespace = read('/', "the pod's namespace file", `${dir}/namespace`).trim();
    if (ownNamespace === '') throw new Error('could not read own namespace name (empty file)');
  }
  return { kc, ownNamespace };
}

function b64(text: string): string {
  return Buffer.from(text).toString('base64');
}
