import { Agent, EnvHttpProxyAgent, Pool, ProxyAgent } from 'undici';
import type { Dispatcher } from 'undici';
import { parseProxyUrl } from './config.ts';
import type { HttpClientConfig } from './config.ts';
import type { TlsOptions } from './tls.ts';

/** How long an idle connection is kept for the next request (Prometheus's transport: 5 m). */
const IDLE_CONNECTION_MS = 5 * 60_000;

/** `proxy_connect_header`: headers for the proxy (each a list of secrets, joined as Go does). */
function proxyHeaders(config: HttpClientConfig, onSecret?: (value: string) => void): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, values] of Object.entries(config.proxy_connect_header ?? {})) {
    out[name] = values
      .map((v) => {
        const value = v.reveal();
        onSecret?.(value);
        return value;
      })
      .join(', ');
  }
  return out;
}

/**
 * The undici dispatcher for one client config. Connections are kept `IDLE_CONNECTION_MS`.
 * With a proxy, plain-http targets go to it as absolute-form requests (`GET http://host/path`,
 * Host naming the target, as Go's transport does and PushProx relies on; many proxies refuse
 * CONNECT to port 80) and https targets through a CONNECT tunnel, `tls_config` applying to the
 * target (and to an https proxy). `no_proxy` and `proxy_from_environment` (`HTTP_PROXY`,
 * `HTTPS_PROXY`, `NO_PROXY`) pick per target host.
 */
export function makeDispatcher(
  config: HttpClientConfig,
  tls: TlsOptions,
  onSecret?: (value: string) => void,
): Dispatcher {
  const keepAlive = { keepAliveTimeout: IDLE_CONNECTION_MS, keepAliveMaxTimeout: IDLE_CONNECTION_MS };
  const factory = (origin: string | URL, options: object): Dispatcher =>
    new Pool(origin, { ...options, ...keepAlive });
  const proxy = config.proxy_url ?? '';
  if (proxy !== '') parseProxyUrl(proxy);
  const proxied = {
    ...keepAlive,
    factory,
    connect: tls,
    requestTls: tls,
    proxyTls: tls,
    proxyTunnel: false,
    headers: proxyHeaders(config, onSecret),
  };
  if (config.proxy_from_environment === true) return new EnvHttpProxyAgent(proxied);
  if (proxy !== '' && (config.no_proxy ?? '') !== '')
    return new EnvHttpProxyAgent({
      ...proxied,
      httpProxy: proxy,
      httpsProxy: proxy,
      noProxy: config.no_proxy,
    });
  if (proxy !== '') return new ProxyAgent({ ...proxied, uri: proxy });
  return new Agent({ ...keepAlive, factory, connect: tls });
}
