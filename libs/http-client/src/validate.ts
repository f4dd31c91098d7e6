import { parseProxyUrl } from './config.ts';
import type { HttpClientConfig } from './config.ts';
import { tlsOptions } from './tls.ts';

/**
 * Throws `HttpClientConfigError` for what Prometheus refuses when it loads a config: a
 * `proxy_url` that is not an http(s) URL, and `tls_config` (or `oauth2.tls_config`) files
 * that cannot be read. Credentials files are not checked: they are read at each request.
 */
export function validateHttpClientConfig(config: HttpClientConfig, baseDir = '.'): void {
  if (config.proxy_url) parseProxyUrl(config.proxy_url);
  if (config.oauth2?.proxy_url) parseProxyUrl(config.oauth2.proxy_url);
  tlsOptions(config.tls_config, baseDir);
  tlsOptions(config.oauth2?.tls_config, baseDir);
}
