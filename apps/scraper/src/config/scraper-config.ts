import { dirname } from 'node:path';
import { isValidLegacyLabelName } from '@argus/model';
import { KUBERNETES_ROLES, httpSdConfigError, kubernetesSdConfigError } from '@argus/discovery';
import { isScrapeProtocol } from '@argus/exposition';
import { validateHttpClientConfig } from '@argus/http-client';
import type { ScrapeProtocol } from '@argus/exposition';
import { parseRelabelConfig } from '@argus/relabel';
import type { RelabelConfig } from '@argus/relabel';
import { decodeYaml, loadYamlFile, parseBytes, parseYaml, schema as s } from '@argus/service-kit';
import type { Decoded, Decoder, YamlDocument } from '@argus/service-kit';

const DEFAULT_SCRAPE_INTERVAL_MS = 60_000;
const DEFAULT_SCRAPE_TIMEOUT_MS = 10_000;

const relabelConfig: Decoder<RelabelConfig> = s.refine(
  s.object({
    source_labels: s.optional(s.list(s.string())),
    separator: s.optional(s.string()),
    target_label: s.optional(s.string()),
    regex: s.optional(s.string()),
    modulus: s.optional(s.int()),
    replacement: s.optional(s.string()),
    action: s.optional(s.string()),
  }),
  (input, fail) => {
    try {
      return parseRelabelConfig(input);
    } catch (error) {
      return fail((error as Error).message);
    }
  },
);

const labelSet = s.refine(s.optional(s.record(s.string()), {}), (labels, fail) => {
  for (const name of Object.keys(labels))
    if (!isValidLegacyLabelName(name)) fail(`${JSON.stringify(name)} is not a valid label name`);
  return labels;
});

const tlsConfig = s.object({
  ca: s.optional(s.string()),
  ca_file: s.optional(s.string()),
  cert: s.optional(s.string()),
  cert_file: s.optional(s.string()),
  key: s.optional(s.secret()),
  key_file: s.optional(s.string()),
  server_name: s.optional(s.string()),
  insecure_skip_verify: s.optional(s.bool(), false),
  min_version: s.optional(s.oneOf('TLS10', 'TLS11', 'TLS12', 'TLS13')),
  max_version: s.optional(s.oneOf('TLS10', 'TLS11', 'TLS12', 'TLS13')),
});

/** The HTTP client fields shared by scrape configs and remote write (`common/config.HTTPClientConfig`). */
const httpClientFields = {
  basic_auth: s.optional(
    s.object({
      username: s.optional(s.string(), ''),
      password: s.optional(s.secret()),
      password_file: s.optional(s.string()),
    }),
  ),
  authorization: s.optional(
    s.object({
      type: s.optional(s.string(), 'Bearer'),
      credentials: s.optional(s.secret()),
      credentials_file: s.optional(s.string()),
    }),
  ),
  bearer_token: s.optional(s.secret()),
  bearer_token_file: s.optional(s.string()),
  tls_config: s.optional(tlsConfig),
  proxy_url: s.optional(s.string()),
  follow_redirects: s.optional(s.bool(), true),
  enable_http2: s.optional(s.bool(), true),
} as const;

function checkHttpClient(
  c: { basic_auth?: unknown; authorization?: unknown; bearer_token?: unknown; bearer_token_file?: string },
  fail: (m: string) => never,
): void {
  const auth = [c.basic_auth, c.authorization, c.bearer_token ?? c.bearer_token_file].filter(
    (x) => x !== undefined,
  );
  if (c.bearer_token !== undefined && c.bearer_token_file !== undefined)
    fail('at most one of bearer_token & bearer_token_file must be configured');
  if (auth.length > 1)
    fail('at most one of basic_auth, oauth2, bearer_token & bearer_token_file must be configured');
}

/** `http_sd_configs` entries: upstream's `http.SDConfig` (url, refresh_interval, HTTP client). */
const httpSdConfig = s.refine(
  s.object({ url: s.string(), refresh_interval: s.optional(s.duration(), 60_000), ...httpClientFields }),
  (c, fail) => {
    checkHttpClient(c, fail);
    const problem = httpSdConfigError(c.url);
    return problem === undefined ? c : fail(problem);
  },
);

const kubernetesRole = s.oneOf(...KUBERNETES_ROLES);

/** `kubernetes_sd_configs` entries: upstream's `kubernetes.SDConfig`, checked with its cross-field rules. */
const kubernetesSdConfig = s.refine(
  s.object({
    role: kubernetesRole,
    api_server: s.optional(s.string()),
    kubeconfig_file: s.optional(s.string()),
    namespaces: s.optional(
      s.object({ own_namespace: s.optional(s.bool(), false), names: s.optional(s.list(s.string()), []) }),
    ),
    selectors: s.optional(
      s.list(
        s.object({ role: kubernetesRole, label: s.optional(s.string()), field: s.optional(s.string()) }),
      ),
      [],
    ),
    attach_metadata: s.optional(
      s.object({ node: s.optional(s.bool(), false), namespace: s.optional(s.bool(), false) }),
    ),
    ...httpClientFields,
  }),
  (c, fail) => {
    checkHttpClient(c, fail);
    // Only the presence of client settings matters to the rules; secrets stay wrapped here.
    const problem = kubernetesSdConfigError({
      role: c.role,
      api_server: c.api_server,
      kubeconfig_file: c.kubeconfig_file,
      namespaces: c.namespaces,
      selectors: c.selectors,
      basic_auth: c.basic_auth && { username: c.basic_auth.username },
      authorization: c.authorization && { type: c.authorization.type },
      bearer_token: c.bearer_token && '',
      bearer_token_file: c.bearer_token_file,
      tls_config: c.tls_config && {},
      proxy_url: c.proxy_url,
    });
    return problem === undefined ? c : fail(problem);
  },
);

const sizeLimit = s.refine(s.optional(s.string(), '0'), (text, fail) => {
  try {
    return parseBytes(text);
  } catch {
    return fail(`invalid size ${JSON.stringify(text)}`);
  }
});

const scrapeConfigRaw = s.object({
  job_name: s.refine(s.string(), (name, fail) => (name === '' ? fail('job_name is empty') : name)),
  scrape_interval: s.optional(s.duration()),
  scrape_timeout: s.optional(s.duration()),
  scrape_protocols: s.optional(
    s.list(
      s.refine(s.string(), (p, fail): ScrapeProtocol =>
        isScrapeProtocol(p) ? p : fail(`unknown scrape protocol ${p}`),
      ),
    ),
  ),
  metrics_path: s.optional(s.string(), '/metrics'),
  scheme: s.optional(s.oneOf('http', 'https'), 'http'),
  params: s.optional(s.record(s.list(s.string())), {}),
  honor_labels: s.optional(s.bool(), false),
  honor_timestamps: s.optional(s.bool(), true),
  track_timestamps_staleness: s.optional(s.bool(), false),
  ...httpClientFields,
  static_configs: s.optional(
    s.list(s.object({ targets: s.optional(s.list(s.string()), []), labels: labelSet })),
    [],
  ),
  file_sd_configs: s.optional(
    s.list(s.object({ files: s.list(s.string()), refresh_interval: s.optional(s.duration(), 300_000) })),
    [],
  ),
  http_sd_configs: s.optional(s.list(httpSdConfig), []),
  kubernetes_sd_configs: s.optional(s.list(kubernetesSdConfig), []),
  relabel_configs: s.optional(s.list(relabelConfig), []),
  metric_relabel_configs: s.optional(s.list(relabelConfig), []),
  sample_limit: s.optional(s.int(), 0),
  label_limit: s.optional(s.int(), 0),
  label_name_length_limit: s.optional(s.int(), 0),
  label_value_length_limit: s.optional(s.int(), 0),
  target_limit: s.optional(s.int(), 0),
  body_size_limit: sizeLimit,
});

/**
 * Queue defaults of current Prometheus (`DefaultQueueConfig` since 2.50: 2,000 samples per
 * request, 10,000 per shard, 50 shards) rather than 2.42's 500/2,500/200: per-request costs
 * dominate small batches on both ends, and kube-prometheus-stack users run recent releases.
 */
const QUEUE_DEFAULTS = {
  capacity: 10_000,
  max_shards: 50,
  min_shards: 1,
  max_samples_per_send: 2000,
  batch_send_deadline: 5000,
  min_backoff: 30,
  max_backoff: 5000,
  retry_on_http_429: true,
} as const;

const queueConfig = s.object({
  capacity: s.optional(s.int(), QUEUE_DEFAULTS.capacity),
  max_shards: s.optional(s.int(), QUEUE_DEFAULTS.max_shards),
  min_shards: s.optional(s.int(), QUEUE_DEFAULTS.min_shards),
  max_samples_per_send: s.optional(s.int(), QUEUE_DEFAULTS.max_samples_per_send),
  batch_send_deadline: s.optional(s.duration(), QUEUE_DEFAULTS.batch_send_deadline),
  min_backoff: s.optional(s.duration(), QUEUE_DEFAULTS.min_backoff),
  max_backoff: s.optional(s.duration(), QUEUE_DEFAULTS.max_backoff),
  retry_on_http_429: s.optional(s.bool(), QUEUE_DEFAULTS.retry_on_http_429),
});

const remoteWriteRaw = s.object({
  url: s.refine(s.string(), (url, fail) => {
    try {
      const parsed = new URL(url);
      if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')
        fail(`unsupported scheme "${parsed.protocol.slice(0, -1)}" for URL`);
    } catch {
      fail(`parse ${JSON.stringify(url)}: invalid URL`);
    }
    return url;
  }),
  name: s.optional(s.string()),
  remote_timeout: s.optional(s.duration(), 30_000),
  headers: s.optional(s.record(s.string()), {}),
  send_exemplars: s.optional(s.bool(), false),
  write_relabel_configs: s.optional(s.list(relabelConfig), []),
  ...httpClientFields,
  queue_config: s.optional(queueConfig),
  metadata_config: s.optional(s.object({}, { allowUnknown: true })),
});

const globalRaw = s.object({
  scrape_interval: s.optional(s.duration(), DEFAULT_SCRAPE_INTERVAL_MS),
  scrape_timeout: s.optional(s.duration()),
  evaluation_interval: s.optional(s.duration(), 60_000),
  external_labels: labelSet,
  query_log_file: s.optional(s.string()),
});

const documentRaw = s.object({
  global: s.optional(
    s.refine(globalRaw, (g, fail) => {
      // As upstream: an unset global timeout is the default, or the interval when that is shorter.
      const scrape_timeout = g.scrape_timeout ?? Math.min(DEFAULT_SCRAPE_TIMEOUT_MS, g.scrape_interval);
      if (scrape_timeout > g.scrape_interval) fail('global scrape timeout greater than scrape interval');
      return { ...g, scrape_timeout };
    }),
  ),
  scrape_configs: s.optional(
    s.list(
      s.refine(scrapeConfigRaw, (c, fail) => {
        checkHttpClient(c, fail);
        return c;
      }),
    ),
    [],
  ),
  remote_write: s.optional(
    s.list(
      s.refine(remoteWriteRaw, (c, fail) => {
        checkHttpClient(c, fail);
        return c;
      }),
    ),
    [],
  ),
  rule_files: s.optional(s.list(s.string()), []),
  alerting: s.optional(s.object({}, { allowUnknown: true })),
  remote_read: s.optional(s.list(s.object({}, { allowUnknown: true })), []),
  storage: s.optional(s.object({}, { allowUnknown: true })),
  tracing: s.optional(s.object({}, { allowUnknown: true })),
});

type RawScrapeConfig = Decoded<typeof scrapeConfigRaw>;
type RawRemoteWrite = Decoded<typeof remoteWriteRaw>;

/** One scrape job with global defaults applied; durations in milliseconds. */
export type ScrapeConfig = Omit<
  RawScrapeConfig,
  'scrape_interval' | 'scrape_timeout' | 'scrape_protocols'
> & {
  readonly scrapeIntervalMs: number;
  readonly scrapeTimeoutMs: number;
  readonly scrape_protocols: readonly ScrapeProtocol[] | undefined;
};

/** One remote-write destination; `queue_config` always present with upstream defaults. */
export type RemoteWriteConfig = Omit<RawRemoteWrite, 'queue_config'> & {
  readonly queue_config: Decoded<typeof queueConfig>;
};

/** The part of `prometheus.yml` the scraper acts on. */
export interface ScraperConfig {
  readonly scrapeIntervalMs: number;
  readonly scrapeTimeoutMs: number;
  readonly externalLabels: Readonly<Record<string, string>>;
  readonly scrapeConfigs: readonly ScrapeConfig[];
  readonly remoteWrite: readonly RemoteWriteConfig[];
  /** Directory of the config file: relative `file_sd_configs` and `*_file` paths resolve against it. */
  readonly baseDir: string;
}

/**
 * Decodes a `prometheus.yml` document strictly (unknown fields and bad values are
 * `ConfigError`s with file:line:col), applies global defaults as Prometheus does and
 * checks the cross-field rules (unique job names, timeout not above interval).
 */
export function decodeScraperConfig(document: YamlDocument, baseDir: string): ScraperConfig {
  const raw = decodeYaml(document, documentRaw);
  const global = raw.global ?? {
    scrape_interval: DEFAULT_SCRAPE_INTERVAL_MS,
    scrape_timeout: DEFAULT_SCRAPE_TIMEOUT_MS,
    external_labels: {},
  };
  const problems: string[] = [];
  const seen = new Set<string>();
  const scrapeConfigs: ScrapeConfig[] = [];
  for (const c of raw.scrape_configs) {
    if (seen.has(c.job_name))
      problems.push(`found multiple scrape configs with job name ${JSON.stringify(c.job_name)}`);
    seen.add(c.job_name);
    const scrapeIntervalMs = c.scrape_interval ?? global.scrape_interval;
    let scrapeTimeoutMs = c.scrape_timeout ?? Math.min(global.scrape_timeout, scrapeIntervalMs);
    if (c.scrape_timeout !== undefined && scrapeTimeoutMs > scrapeIntervalMs) {
      problems.push(
        `scrape timeout greater than scrape interval for scrape config with job name ${JSON.stringify(c.job_name)}`,
      );
      scrapeTimeoutMs = scrapeIntervalMs;
    }
    const { scrape_interval: _i, scrape_timeout: _t, ...rest } = c;
    scrapeConfigs.push({ ...rest, scrapeIntervalMs, scrapeTimeoutMs });
  }
  if (problems.length > 0) throw new ScraperConfigError(`${document.file}: ${problems.join('; ')}`);
  const remoteWrite = raw.remote_write.map((r) => ({
    ...r,
    queue_config: r.queue_config ?? defaultQueueConfig(),
  }));
  return {
    scrapeIntervalMs: global.scrape_interval,
    scrapeTimeoutMs: global.scrape_timeout,
    externalLabels: global.external_labels,
    scrapeConfigs,
    remoteWrite,
    baseDir,
  };
}

function defaultQueueConfig(): Decoded<typeof queueConfig> {
  return { ...QUEUE_DEFAULTS };
}

/** Parses `prometheus.yml` text; see {@link decodeScraperConfig}. */
export function parseScraperConfig(text: string, file: string, baseDir: string): ScraperConfig {
  return decodeScraperConfig(parseYaml(text, file), baseDir);
}

/**
 * Reads and decodes a `prometheus.yml` file. As Prometheus refuses it at load, a job whose
 * HTTP client cannot be made (bad `proxy_url`, unreadable `tls_config` file) fails the load.
 */
export async function loadScraperConfig(path: string): Promise<ScraperConfig> {
  const config = decodeScraperConfig(await loadYamlFile(path), dirname(path));
  for (const sc of config.scrapeConfigs) {
    try {
      for (const c of [sc, ...sc.http_sd_configs]) validateHttpClientConfig(c, config.baseDir);
    } catch (error) {
      throw new ScraperConfigError(
        `job "${sc.job_name}": error creating HTTP client: ${(error as Error).message}`,
      );
    }
  }
  return config;
}

/** A config refused for a rule spanning several entries (e.g. a repeated job name). */
export class ScraperConfigError extends Error {
  readonly code = 'invalid_scraper_config';
  constructor(message: string) {
    super(message);
    this.name = 'ScraperConfigError';
  }
}
