/**
 * A secret value as `@argus/service-kit`'s `Secret` (which fits structurally; that lib is on
 * this lib's own layer, so it is not imported): `reveal()` is the one way to read it.
 */
export interface Secret {
  reveal(): string;
}

/** Prometheus `common/config.TLSConfig`; `*_file` paths are relative to the client's base directory. */
export interface TlsConfig {
  readonly ca?: string;
  readonly ca_file?: string;
  readonly cert?: string;
  readonly cert_file?: string;
  readonly key?: Secret;
  readonly key_file?: string;
  readonly server_name?: string;
  readonly insecure_skip_verify?: boolean;
  /** `TLS10` … `TLS13`. */
  readonly min_version?: string;
  readonly max_version?: string;
}

/** `oauth2` of an HTTP client config: the client-credentials grant. */
export interface OAuth2Config {
  readonly client_id?: string;
  readonly client_secret?: Secret;
  readonly client_secret_file?: string;
  readonly scopes?: readonly string[];
  readonly token_url?: string;
  readonly endpoint_params?: Readonly<Record<string, string>>;
  readonly tls_config?: TlsConfig;
  readonly proxy_url?: string;
}

/**
 * Prometheus `common/config.HTTPClientConfig` as both apps decode it: secrets are
 * {@link Secret}s, every field optional (defaults as upstream: `follow_redirects` and
 * `enable_http2` true, `authorization.type` Bearer).
 */
export interface HttpClientConfig {
  readonly basic_auth?: {
    readonly username?: string;
    readonly username_file?: string;
    readonly password?: Secret;
    readonly password_file?: string;
  };
  readonly authorization?: {
    readonly type?: string;
    readonly credentials?: Secret;
    readonly credentials_file?: string;
  };
  readonly bearer_token?: Secret;
  readonly bearer_token_file?: string;
  readonly oauth2?: OAuth2Config;
  readonly tls_config?: TlsConfig;
  readonly proxy_url?: string;
  readonly no_proxy?: string;
  readonly proxy_from_environment?: boolean;
  readonly proxy_connect_header?: Readonly<Record<string, readonly Secret[]>>;
  readonly follow_redirects?: boolean;
  /** Accepted; requests use HTTP/1.1. */
  readonly enable_http2?: boolean;
}

/** How a client reads files and reports the secrets it reveals. */
export interface HttpClientOptions {
  /** Directory relative `*_file` paths are resolved against (default: the working directory). */
  readonly baseDir?: string;
  /** Called with every secret value revealed or read (so a caller can scrub them from error texts). */
  readonly onSecret?: (value: string) => void;
  /** Default `User-Agent` (a request's own header wins). */
  readonly userAgent?: string;
}

/** Raised for a bad client configuration (a TLS file that cannot be read, a bad `proxy_url`). */
export class HttpClientConfigError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'HttpClientConfigError';
  }
}

/** The parsed `proxy_url`: http or https, else a {@link HttpClientConfigError} naming it. */
export function parseProxyUrl(proxyUrl: string): URL {
  let url: URL;
  try {
    url = new URL(proxyUrl);
  } catch {
    throw new HttpClientConfigError(`invalid proxy_url ${JSON.stringify(redactUrl(proxyUrl))}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new HttpClientConfigError(
      `unsupported proxy_url scheme ${JSON.stringify(url.protocol.slice(0, -1))}`,
    );
  }
  return url;
}

/** `url` with a password in its user info replaced, for error texts. */
function redactUrl(text: string): string {
  return text.replace(/\/\/([^/@:]*):[^/@]*@/, '//$1:<secret>@');
}
